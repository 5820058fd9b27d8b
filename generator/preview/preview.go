// Package preview serves a site built into memory over HTTP, the way a
// static host would: pretty URLs find their index.html, a folder without
// its slash is redirected to it, unknown paths get 404.html with status
// 404. It serves only what the build wrote, never files from disk. Its
// input is the built site's files (and, for the live preview, a Publisher that
// holds the current site, its findings and the reload events); its output
// is HTTP responses.
//
// With a Publisher, every HTML page gets a stylesheet and a script served under
// /_playbook/, which reload the page, or swap a changed stylesheet in
// place, when the server sends an event over /_playbook/events; and the
// findings of the last build are shown in the page, in the text "playbook
// check" prints: errors as an overlay over the last good site, warnings as
// a banner that can be dismissed.
package preview

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/output"
)

// Files are a built site's files; *output.Memory is one.
type Files interface {
	File(name string) ([]byte, bool)
}

var _ Files = (*output.Memory)(nil)

// Handler serves the files of a built site.
type Handler struct {
	Site Files
	// Modified is the time the site was built, for conditional requests.
	Modified time.Time
	// Publisher, when set, is the live preview: it supplies the site (Site is
	// not used), and pages get the reload script and the findings.
	Publisher *Publisher
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	site := h.Site
	var status *state
	if h.Publisher != nil {
		if h.Publisher.serveOwn(w, r) {
			return
		}
		status = h.Publisher.current()
		site = status.site
	}
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
		p += "/"
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	data, ok := site.File(name)
	if !ok && !strings.HasSuffix(p, "/") {
		if _, dir := site.File(name + "/index.html"); dir {
			target := p + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	if !ok {
		page, _ := site.File("404.html")
		if status != nil {
			page = status.inject(page)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(page)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if status != nil {
		// Pages change under the same name from one save to the next,
		// faster than Last-Modified can tell.
		w.Header().Set("Cache-Control", "no-store")
		if path.Ext(name) == ".html" {
			data = status.inject(data)
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, h.Modified, bytes.NewReader(data))
}
