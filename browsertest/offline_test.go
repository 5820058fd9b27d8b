package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/preview"
)

// TestLargeSitesAreSavedAsTheyAreOpened builds a site with more on-call
// pages than the service worker saves on a first visit: the first visit
// downloads no runbook and no search file it did not open, and a runbook
// that was opened still opens offline.
func TestLargeSitesAreSavedAsTheyAreOpened(t *testing.T) {
	content := fstest.MapFS{"teams/ops.md": {Data: []byte("---\ntitle: Ops\n---\n")}}
	for i := range 1300 {
		content[fmt.Sprintf("runbooks/r%04d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Runbook %04d\nowner: ops\nticket: OPS-%d\n---\nRestart worker %d.\n", i, i, i))}
	}
	site := output.NewMemory()
	_, err := generator.Build(generator.Options{
		Content: content, ContentPrefix: "content/", Config: []byte("title: Large\n"), ConfigFile: "playbook.yaml",
		Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now,
	}, site)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var fetched []string
	h := &preview.Handler{Site: site, Modified: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		fetched = append(fetched, r.URL.Path)
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	count := func(prefix string) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, p := range fetched {
			if strings.HasPrefix(p, prefix) {
				n++
			}
		}
		return n
	}

	b := newBrowser(t, 1280, 900)
	cached := `caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().map(r => new URL(r.url).pathname))`
	b.run(t, open(srv.URL+"/"),
		poll(`navigator.serviceWorker.controller !== null`, 20*time.Second),
		// The worker saves the home page and the assets in the background.
		void(chromedp.Poll[bool](cached+`.then(ps => ps.includes("/") && ps.some(p => p.startsWith("/assets/")))`,
			chromedp.WithPollingTimeout(30*time.Second))))
	time.Sleep(2 * time.Second) // time enough to start saving 1,300 pages, if it were going to
	if n := count("/runbooks/r"); n != 0 {
		t.Errorf("the first visit of the home page fetched %d runbooks", n)
	}
	if n := count("/search/s/") + count("/search/d/"); n != 0 {
		t.Errorf("the first visit of the home page fetched %d search files", n)
	}

	b.run(t, open(srv.URL+"/runbooks/r0123/"),
		void(chromedp.Poll[bool](cached+`.then(ps => ps.includes("/runbooks/r0123/"))`, chromedp.WithPollingTimeout(20*time.Second))))
	srv.Close() // the network is down
	b.run(t, open(srv.URL+"/runbooks/r0123/"))
	if title := eval[string](t, b, `document.title`); !strings.Contains(title, "Runbook 0123") {
		t.Errorf("offline, the opened runbook has the title %q", title)
	}
}
