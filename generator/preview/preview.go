// Package preview serves a site built into memory over HTTP, the way a
// static host would: pretty URLs find their index.html, a folder without
// its slash is redirected to it, unknown paths get 404.html with status
// 404. It serves only what the build wrote, never files from disk.
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

// Handler serves the files of a built site.
type Handler struct {
	Site *output.Memory
	// Modified is the time the site was built, for conditional requests.
	Modified time.Time
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(r.URL.Path, "/") && p != "/" {
		p += "/"
	}
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	data, ok := h.Site.File(name)
	if !ok && !strings.HasSuffix(p, "/") {
		if _, dir := h.Site.File(name + "/index.html"); dir {
			target := p + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	if !ok {
		page, _ := h.Site.File("404.html")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(page)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, h.Modified, bytes.NewReader(data))
}
