package preview

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/output"
)

func TestHandlerServesLikeAStaticHost(t *testing.T) {
	mem := output.NewMemory()
	for name, body := range map[string]string{
		"index.html":             "home",
		"runbooks/db/index.html": "runbook",
		"assets/style.css":       "body{}",
		"404.html":               "not found page",
	} {
		mem.WriteFile(name, []byte(body))
	}
	h := &Handler{Site: mem, Modified: time.Now()}
	tests := []struct {
		method, path string
		code         int
		body, header string
	}{
		{"GET", "/", 200, "home", "text/html"},
		{"GET", "/runbooks/db/", 200, "runbook", "text/html"},
		{"GET", "/runbooks/db", 301, "", ""},
		{"GET", "/assets/style.css", 200, "body{}", "text/css"},
		{"GET", "/missing/", 404, "not found page", "text/html"},
		{"GET", "/../../etc/passwd", 404, "not found page", ""},
		{"GET", "/runbooks/db/../../index.html", 200, "home", ""},
		{"POST", "/", 405, "", ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tt.method, "http://x"+tt.path, nil))
		if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.body) || !strings.Contains(rec.Header().Get("Content-Type"), tt.header) {
			t.Errorf("%s %s: %d %q %q; want %d %q %q", tt.method, tt.path, rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"), tt.code, tt.body, tt.header)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://x/runbooks/db?x=1", nil))
	if loc := rec.Header().Get("Location"); loc != "/runbooks/db/?x=1" {
		t.Errorf("redirect to %q", loc)
	}
}
