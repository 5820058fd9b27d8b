package render

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/site"
)

// Redirect sends an old or differently spelt URL to a page.
type Redirect struct {
	From, To string // site paths, without the base path
}

// Redirects lists every redirect of the site, sorted: each page alias,
// the exact-case spelling of each alert URL, and the path an alert page's
// file would have had. A redirect from a URL that a page has is left out.
func Redirects(s *site.Site) []Redirect {
	seen := map[string]bool{}
	var out []Redirect
	add := func(from, to string) {
		if from == to || seen[from] || s.ByURL[from] != nil {
			return
		}
		seen[from] = true
		out = append(out, Redirect{From: from, To: to})
	}
	for _, p := range s.Pages {
		for _, a := range p.Meta.Aliases {
			add(load.AliasURL(a), p.URL)
		}
		if p.Kind == site.Alert && p.Meta.Alert != "" {
			add(strings.ReplaceAll(s.Config.AlertURL, "{alert}", p.Meta.Alert), p.URL)
			if p.Path != "" {
				add(load.URL(p.Ref), p.URL)
			}
		}
	}
	slices.SortFunc(out, func(a, b Redirect) int { return strings.Compare(a.From, b.From) })
	return out
}

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
func (r *Renderer) redirects(w output.Writer) error {
	ci, _ := w.(caseInsensitive)
	var b bytes.Buffer
	for _, rd := range Redirects(r.site) {
		from, to := r.base+strings.TrimPrefix(rd.From, "/"), r.base+strings.TrimPrefix(rd.To, "/")
		fmt.Fprintf(&b, "%s %s 301\n", from, to)
		if ci != nil && ci.CaseInsensitive() && r.site.ByURL[strings.ToLower(rd.From)] != nil {
			continue // _redirects covers it; a page would overwrite the real one
		}
		var page bytes.Buffer
		if err := redirectPage.Execute(&page, struct{ To string }{to}); err != nil {
			return err
		}
		if err := w.WriteFile(outName(rd.From), page.Bytes()); err != nil {
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
func (r *Renderer) headers(w output.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s*\n", r.base)
	fmt.Fprintf(&b, "  Content-Security-Policy: %s\n", contentSecurityPolicy)
	b.WriteString("  X-Content-Type-Options: nosniff\n")
	b.WriteString("  Referrer-Policy: strict-origin-when-cross-origin\n")
	b.WriteString("  X-Frame-Options: DENY\n")
	if r.site.Config.NoIndex {
		b.WriteString("  X-Robots-Tag: noindex\n")
	}
	fmt.Fprintf(&b, "%sassets/*\n", r.base)
	b.WriteString("  Cache-Control: public, max-age=31536000, immutable\n")
	return w.WriteFile("_headers", []byte(b.String()))
}
