package validate

import (
	"net/url"
	"path"
	"strings"

	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
)

// Links and runbook_urls are resolved the way the published site and
// GitHub will serve them: case-sensitively. GitHub Pages, S3, nginx and
// GitHub's own view of the repository tell "DISK.md" from "disk.md", so a
// link that Resolve could only match by ignoring case (or by making a
// slug of it) is a 404 there, though the rendered page rewrites it.

// served maps each site path a static host answers to the URL of the
// page it shows: every page's URL, and the source of every redirect the
// build writes.
func served(s *site.Site) map[string]string {
	out := make(map[string]string, len(s.Pages))
	for _, p := range s.Pages {
		out[p.URL] = p.URL
	}
	for _, rd := range resolve.Redirects(s) {
		out[rd.From] = rd.To
	}
	return out
}

// inexactLink returns, for a local link whose target Resolve found, what
// the link should say when it only found it by ignoring case, or "" when
// the link is exact.
func (v *checker) inexactLink(p *site.Page, l site.Link) string {
	if l.ByRule {
		return ""
	}
	dest := strings.TrimSpace(l.Dest)
	if b := v.site.Config.BaseURL; b != "" && strings.HasPrefix(dest, b) {
		dest = "/" + strings.TrimPrefix(dest, b)
	}
	// Read as Resolve reads it: the common plain path without url.Parse.
	upath, _, ok := resolve.ParseLocal(dest)
	if !ok {
		u, err := url.Parse(dest)
		if err != nil {
			return ""
		}
		upath = u.Path
	}
	if upath == "" {
		return ""
	}
	if l.File {
		resolved := strings.TrimPrefix(path.Clean(upath), "/")
		if !strings.HasPrefix(upath, "/") {
			resolved = resolve.JoinRel(path.Dir(p.Path), upath)
		}
		if v.fileSet()[resolved] {
			return ""
		}
		for _, f := range v.site.Files {
			if strings.EqualFold(f, resolved) {
				return suggestRel(p, f, upath, false)
			}
		}
		return ""
	}
	t := l.Target
	if t == nil {
		return ""
	}
	if strings.HasPrefix(upath, "/") {
		sp := strings.TrimSuffix(upath, "index.html")
		if !strings.HasSuffix(sp, "/") {
			sp += "/"
		}
		if _, ok := v.servedSet()[sp]; ok {
			return ""
		}
		// A content path written as a site path ("/runbooks/db.md").
		if t.Path != "" && exactRef(strings.TrimPrefix(path.Clean(upath), "/"), t) {
			return ""
		}
		return t.URL
	}
	resolved := resolve.JoinRel(path.Dir(p.Path), upath)
	if exactRef(resolved, t) {
		return ""
	}
	if t.Path == "" {
		return ""
	}
	return suggestRel(p, t.Path, upath, true)
}

// exactRef reports whether a content path names the page t with every
// letter in its case: its file, with or without the extension, or its
// folder for an index page.
func exactRef(resolved string, t *site.Page) bool {
	ref := strings.TrimSuffix(load.Ref(resolved), "/")
	if ref == t.Ref || ref == strings.TrimSuffix(t.Path, "/") {
		return true
	}
	if load.IsIndex(t.Ref) {
		dir := path.Dir(t.Ref)
		if dir == "." {
			dir = ""
		}
		return ref == dir || (ref == "." && dir == "")
	}
	return false
}

// suggestRel writes the link that leads to target from page p, relative
// to p's folder, keeping the extension style of what was written.
func suggestRel(p *site.Page, target, written string, page bool) string {
	from := strings.Split(path.Dir(p.Path), "/")
	if from[0] == "." {
		from = nil
	}
	to := strings.Split(target, "/")
	i := 0
	for i < len(from) && i < len(to)-1 && from[i] == to[i] {
		i++
	}
	rel := strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
	if page && !load.IsMarkdown(written) {
		rel = load.Ref(rel)
		if strings.HasSuffix(written, "/") {
			rel += "/"
		}
	}
	return rel
}

func (v *checker) servedSet() map[string]string {
	if v.served == nil {
		v.served = served(v.site)
	}
	return v.served
}

func (v *checker) fileSet() map[string]bool {
	if v.files == nil {
		v.files = make(map[string]bool, len(v.site.Files))
		for _, f := range v.site.Files {
			v.files[f] = true
		}
	}
	return v.files
}
