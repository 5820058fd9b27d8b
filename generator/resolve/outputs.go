package resolve

import (
	"path"
	"strconv"
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
	if list, n := PagerOf(s, "/"+name+"/"); list != nil {
		return "the folder of page " + strconv.Itoa(n) + " of the list on " + list.URL
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
	if list, n := PagerOf(s, u); list != nil {
		return "page " + strconv.Itoa(n) + " of the list on " + list.URL + " (once the list has more than pager_size entries)"
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

// Listing reports whether page p's layout shows a list, which goes on over
// further pages at PagerURL when it is longer than pager_size: the home
// page, sections, folder pages and guides, teams and personas; runbooks,
// alerts and checklists show none. render.Renderer's own test keeps the
// two in step.
func Listing(p *site.Page) bool {
	if !strings.HasSuffix(p.URL, "/") {
		return false
	}
	switch p.Kind {
	case site.Runbook, site.Alert, site.Checklist:
		return p.URL == "/"
	}
	return true
}

// PagerURL is the URL of page n (from 1) of the list on the page at URL
// list: list itself for the first, list followed by page/N/ for the
// others, as Hugo's default pagination path.
func PagerURL(list string, n int) string {
	if n <= 1 {
		return list
	}
	return list + "page/" + strconv.Itoa(n) + "/"
}

// PagerOf returns the listing page of s and the page number n (2 or more)
// when u is the URL of a further page of its list (PagerURL), whether or
// not the list is long enough today to have that page: the path is kept
// for the list, as a list grows with pages that have nothing to do with
// what sits at the path. It returns nil and 0 otherwise.
func PagerOf(s *site.Site, u string) (*site.Page, int) {
	rest, ok := strings.CutSuffix(u, "/")
	if !ok {
		return nil, 0
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return nil, 0
	}
	num := rest[i+1:]
	list, ok := strings.CutSuffix(rest[:i+1], "page/")
	if !ok || num == "" || num[0] == '0' || len(num) > 9 {
		return nil, 0
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 2 || strconv.Itoa(n) != num {
		return nil, 0
	}
	p := s.ByURL[list]
	if p == nil || !Listing(p) {
		return nil, 0
	}
	return p, n
}

func isPager(s *site.Site, u string) bool {
	list, _ := PagerOf(s, u)
	return list != nil
}
