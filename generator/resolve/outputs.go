package resolve

import (
	"path"
	"strings"

	"github.com/opsplaybook/playbook/generator/site"
)

// siteFiles are the files every build writes at the root of the site,
// besides pages: a content file of the same name would replace one.
var siteFiles = map[string]string{
	"404.html":        "the site's 404 page",
	"sitemap.xml":     "the site's sitemap.xml",
	"robots.txt":      "the site's robots.txt",
	"pages.json":      "the site's pages.json",
	"catalog.json":    "the site's catalog.json",
	"llms.txt":        "the site's llms.txt",
	"_redirects":      "the site's _redirects",
	"_headers":        "the site's _headers",
	"sw.js":           "the site's service worker",
	".playbook-build": "the mark of a playbook build",
}

// Generated says what the build itself writes at the output path name (a
// content file's path, slash-separated), or "" when it writes nothing
// there: a page (its index.html), a redirect page, the search index, or
// one of the site's own files. A content file at such a path would
// silently replace what the build writes, so Validate reports it and
// Render leaves it out.
func Generated(s *site.Site, name string) string {
	if what := siteFiles[name]; what != "" {
		return what
	}
	if name == "search" || strings.HasPrefix(name, "search/") {
		return "the site's search index"
	}
	if name == "assets" {
		return "the theme's assets folder"
	}
	if p := s.ByURL["/"+name+"/"]; p != nil {
		// A file where the build makes a page's folder.
		return "the folder of the page /" + name + "/"
	}
	if path.Base(name) != "index.html" {
		return ""
	}
	u := "/" + strings.TrimSuffix(name, "index.html")
	if p := s.ByURL[u]; p != nil {
		if p.File != "" {
			return "the page " + u + " (" + p.File + ")"
		}
		return "the page " + u
	}
	for _, rd := range Redirects(s) {
		if rd.From == u {
			return "the redirect page from " + u + " to " + rd.To
		}
	}
	return ""
}

// IsSiteFile reports whether name is one of the files every build writes
// at the root of the site (404.html, sitemap.xml, _redirects, ...).
func IsSiteFile(name string) bool { return siteFiles[name] != "" }
