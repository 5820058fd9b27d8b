package preview

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/output"
)

func liveSite() *output.Memory {
	mem := output.NewMemory()
	mem.WriteFile("index.html", []byte("<html><head><title>t</title></head><body><p>home</p></body></html>"))
	mem.WriteFile("404.html", []byte("<html><head></head><body>not found</body></html>"))
	return mem
}

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+path, nil))
	return rec.Body.String()
}

func TestLivePagesGetTheReloadScriptAndTheFindings(t *testing.T) {
	lv := NewPublisher(liveSite(), Status{})
	h := &Handler{Publisher: lv}
	page := get(t, h, "/")
	if !strings.Contains(page, `<script src="/_playbook/live.js" data-version="1"></script></body>`) ||
		!strings.Contains(page, `<link rel="stylesheet" href="/_playbook/live.css"></head>`) {
		t.Fatalf("no reload script or stylesheet in the page:\n%s", page)
	}
	if strings.Contains(page, "playbook-overlay") || strings.Contains(page, "playbook-warnings") {
		t.Error("an overlay or banner without findings")
	}

	report := "content/a.md:3: error: link to \"b.md\": no such page or file [link/broken]\n"
	lv.Publish(nil, Status{Report: report, Failed: true}, Nothing, nil)
	page = get(t, h, "/")
	if !strings.Contains(page, `id="playbook-overlay"`) || !strings.Contains(page, "content/a.md:3: error: link to &#34;b.md&#34;: no such page or file [link/broken]") {
		t.Errorf("the overlay does not show the findings:\n%s", page)
	}
	if !strings.Contains(get(t, h, "/missing/"), `id="playbook-overlay"`) {
		t.Error("the 404 page has no overlay")
	}

	lv.Publish(nil, Status{Report: "content/a.md:1: warning: old [review/stale]\n"}, Nothing, nil)
	page = get(t, h, "/")
	if strings.Contains(page, `id="playbook-overlay"`) || !strings.Contains(page, `id="playbook-warnings"`) {
		t.Errorf("warnings do not show as a banner:\n%s", page)
	}
	if js := get(t, h, "/_playbook/live.js"); !strings.Contains(js, "EventSource") {
		t.Error("no live script served")
	}
	if got := get(t, h, "/../../etc/passwd"); !strings.Contains(got, "not found") {
		t.Errorf("served outside the site: %q", got)
	}
}

func TestLiveEventsSayHelloThenReload(t *testing.T) {
	lv := NewPublisher(liveSite(), Status{})
	srv := httptest.NewServer(&Handler{Publisher: lv})
	defer srv.Close()
	defer lv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/_playbook/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	read := func(want string) {
		t.Helper()
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("no %q: %v", want, err)
			}
			if strings.TrimSpace(line) == want {
				return
			}
		}
	}
	read("event: hello")
	lv.Publish(liveSite(), Status{}, Reload, nil)
	read("event: reload")
	read("data: 2")
	lv.Publish(nil, Status{}, Styles, map[string]string{"assets/style.0000000000.css": "assets/style.1111111111.css"})
	read("event: styles")
}
