package search_test

import (
	"context"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
)

// chromium returns the path of Debian's chromium, or skips the test (a
// failure under CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium at /usr/bin/chromium under CI; .ci/run installs it")
	}
	t.Skip("no Chromium found (apt-get install chromium, or set CHROMIUM): browser tests skipped")
	return ""
}

// serveMemory serves a site built into memory as a static host would.
func serveMemory(mem *output.Memory) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if strings.HasSuffix(r.URL.Path, "/") {
			name = strings.TrimPrefix(name+"/index.html", "/")
		}
		data, ok := mem.File(name)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write(data)
	})
}

// TestSearchBoxInBrowser types queries into the search box of the example
// playbook in a real Chromium: results appear as you type, the keyboard
// opens one, the kind filter narrows them, and a page title that is HTML
// shows as text.
func TestSearchBoxInBrowser(t *testing.T) {
	exe := chromium(t)
	opts := exampleOptions()
	opts.Content = generator.Overlay(fstest.MapFS{
		"guides/markup-title.md": {Data: []byte("---\ntitle: <img src=x onerror=alert(1)>\nsummary: A title that is markup, zqxmarkup.\n---\n\nzqxmarkup body.\n")},
	}, playbook.Content())
	mem := output.NewMemory()
	if _, err := generator.Build(opts, mem); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(serveMemory(mem))
	defer srv.Close()

	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancel()
	// Events of newer Chromium versions that the protocol package does
	// not know are not errors of the page.
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(func(string, ...any) {}))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	const results = "#search-results .search-result"
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady("#search-q"), chromedp.KeyEvent("/"))
	if id := eval(`document.activeElement.id`); id != "search-q" {
		t.Errorf(`"/" focused %q, not the search box`, id)
	}
	do(chromedp.SendKeys("#search-q", "PaymentsApiHighErrorRate"), chromedp.WaitVisible(results))
	first := eval(`document.querySelector("#search-results .search-title").textContent`)
	do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter), chromedp.WaitReady(`body.kind-alert`))
	location := eval(`location.pathname`)
	if first != "PaymentsApiHighErrorRate" {
		t.Errorf("first result %q, want the alert PaymentsApiHighErrorRate", first)
	}
	if location != "/alerts/paymentsapihigherrorrate/" {
		t.Errorf("Enter opened %s, want the alert page", location)
	}

	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady("#search-q"),
		chromedp.SendKeys("#search-q", "payments"), chromedp.WaitVisible(results),
		chromedp.WaitVisible(`select[data-facet=kind]`))
	before := eval(`[...new Set([...document.querySelectorAll("#search-results .search-meta")].map(e => e.textContent.split(" ")[0]))].join(",")`)
	do(chromedp.SetValue(`select[data-facet=kind]`, "runbook"))
	eval(`document.querySelector("select[data-facet=kind]").dispatchEvent(new Event("change")), ""`)
	after := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		after = eval(`[...new Set([...document.querySelectorAll("#search-results .search-meta")].map(e => e.textContent.split(" ")[0]))].join(",")`)
		if after == "Runbook" {
			break
		}
	}
	if !strings.Contains(before, ",") || after != "Runbook" {
		t.Errorf("kind filter: payments lists kinds %q, then %q; want several kinds, then Runbook only", before, after)
	}

	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady("#search-q"),
		chromedp.SendKeys("#search-q", "zqxmarkup"), chromedp.WaitVisible(results))
	title := eval(`document.querySelector("#search-results .search-title").textContent`)
	imgs := eval(`String(document.querySelectorAll("#search-results img").length)`)
	if title != "<img src=x onerror=alert(1)>" || imgs != "0" {
		t.Errorf("a title that is markup shows as %q with %s images; want the text itself", title, imgs)
	}
}
