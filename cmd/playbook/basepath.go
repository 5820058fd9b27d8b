package main

import (
	"net/http"
	"net/url"
	"strings"
)

// basePath is the path of the URL a site is built for ("/ops/" for
// https://example.github.io/ops/), "/" when it has none.
func basePath(siteURL string) string {
	u, err := url.Parse(siteURL)
	if siteURL == "" || err != nil || strings.Trim(u.Path, "/") == "" {
		return "/"
	}
	return "/" + strings.Trim(u.Path, "/") + "/"
}

// underBase serves the preview h where the host will serve the site:
// under the base path of its URL, where its links lead. "/" redirects
// there; the preview's own files (preview.Prefix) and every other path
// are h's as they were.
func underBase(base string, h http.Handler) http.Handler {
	if base == "/" {
		return h
	}
	strip := http.StripPrefix(strings.TrimSuffix(base, "/"), h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/" || p+"/" == base:
			http.Redirect(w, r, base, http.StatusFound)
		case strings.HasPrefix(p, base):
			strip.ServeHTTP(w, r)
		default:
			h.ServeHTTP(w, r)
		}
	})
}
