package render

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
)

// Redirect sends an old or differently spelt URL to a page.
type Redirect = resolve.Redirect

// Redirects lists every redirect of the site (see resolve.Redirects).
func Redirects(s *site.Site) []Redirect { return resolve.Redirects(s) }

// caseInsensitive is implemented by writers onto file systems that do not
// tell "A" from "a", where a redirect page for "/alerts/DiskFull/" would
// overwrite the page at "/alerts/diskfull/".
type caseInsensitive interface{ CaseInsensitive() bool }

var redirectPage = template.Must(template.New("redirect").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved to {{.To}}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{{.To}}">
<meta http-equiv="refresh" content="0; url={{.To}}">
</head>
<body>
<p>This page has moved to <a href="{{.To}}">{{.To}}</a>.</p>
</body>
</html>
`))

// redirects writes _redirects, for Netlify and hosts that read it, and a
// page at each old URL that sends the browser on, for every other host.
func (r *Renderer) redirects(w Writer) error {
	ci, _ := w.(caseInsensitive)
	var b bytes.Buffer
	for _, rd := range Redirects(r.site) {
		from, to := r.base+strings.TrimPrefix(rd.From, "/"), r.base+strings.TrimPrefix(rd.To, "/")
		line, err := redirectLine(from, to)
		if err != nil {
			return err
		}
		b.WriteString(line)
		if ci != nil && ci.CaseInsensitive() && r.site.ByURL[strings.ToLower(rd.From)] != nil {
			continue // _redirects covers it; a page would overwrite the real one
		}
		var page bytes.Buffer
		if err := redirectPage.Execute(&page, struct{ To string }{names.EscapePath(to)}); err != nil {
			return err
		}
		if err := w.WriteFile(OutName(rd.From), page.Bytes()); err != nil {
			return err
		}
	}
	return w.WriteFile("_redirects", b.Bytes())
}

// contentSecurityPolicy is what the default theme needs: its own files
// only, no inline script or style; images may come from https hosts too,
// as runbooks show dashboards' screenshots.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data: https:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// headers writes _headers: security headers for every page, a year's cache
// for assets whose names carry their hash, and noindex when asked.
func (r *Renderer) headers(w Writer) error {
	var b strings.Builder
	base := names.EscapePath(r.base)
	fmt.Fprintf(&b, "%s*\n", base)
	fmt.Fprintf(&b, "  Content-Security-Policy: %s\n", contentSecurityPolicy)
	b.WriteString("  X-Content-Type-Options: nosniff\n")
	b.WriteString("  Referrer-Policy: strict-origin-when-cross-origin\n")
	b.WriteString("  X-Frame-Options: DENY\n")
	if r.site.Config.NoIndex {
		b.WriteString("  X-Robots-Tag: noindex\n")
	}
	fmt.Fprintf(&b, "%sassets/*\n", base)
	b.WriteString("  Cache-Control: public, max-age=31536000, immutable\n")
	if err := checkHeaders(b.String()); err != nil {
		return err
	}
	return w.WriteFile("_headers", []byte(b.String()))
}

// redirectLine is one line of _redirects, "FROM TO 301", with both paths
// escaped (names.EscapePath) and checked, so that no name can add a line,
// a field, a splat or a placeholder (Netlify's _redirects syntax:
// https://docs.netlify.com/routing/redirects/).
func redirectLine(from, to string) (string, error) {
	from, to = names.EscapePath(from), names.EscapePath(to)
	for _, p := range []string{from, to} {
		if err := names.CheckSitePath(p, false); err != nil {
			return "", fmt.Errorf("_redirects: refusing to write a redirect: %v", err)
		}
	}
	return from + " " + to + " 301\n", nil
}

// checkHeaders checks _headers before it is written: each line is a site
// path (with a trailing "*" allowed) at the start of a line, or an indented
// "Name: value" with a token for a name and no control character (Netlify's
// _headers syntax: https://docs.netlify.com/routing/headers/).
func checkHeaders(text string) error {
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if name, value, ok := strings.Cut(strings.TrimPrefix(line, "  "), ": "); ok && strings.HasPrefix(line, "  ") {
			if name == "" || strings.ContainsFunc(name, func(r rune) bool {
				return !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			}) ||
				strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return fmt.Errorf("_headers: refusing to write the line %q", line)
			}
			continue
		}
		if err := names.CheckSitePath(line, true); err != nil {
			return fmt.Errorf("_headers: refusing to write the path %v", err)
		}
	}
	return nil
}
