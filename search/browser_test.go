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

// TestResultsPageInBrowser opens the results page of the example
// playbook in a real Chromium: Enter in a search box that lists nothing
// leads there, and it offers "did you mean"; it lists every result with
// its snippet, says which close spelling it searched, and filters by
// kind.
func TestResultsPageInBrowser(t *testing.T) {
	exe := chromium(t)
	mem := output.NewMemory()
	if _, err := generator.Build(exampleOptions(), mem); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(serveMemory(mem))
	defer srv.Close()
	alloc, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithErrorf(func(string, ...any) {}))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
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
	const results = ".search-page-results .search-page-result"

	do(chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady("#search-q"),
		chromedp.SendKeys("#search-q", "rolbak"), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(".search-page-suggest"))
	if got := eval(`location.pathname + location.search`); got != "/search/?q=rolbak" {
		t.Errorf("Enter with nothing listed opened %s, want the results page /search/?q=rolbak", got)
	}
	suggest := eval(`document.querySelector(".search-page-suggest").textContent`)
	href := eval(`document.querySelector(".search-page-suggest a").getAttribute("href")`)
	if suggest != "Did you mean rollback?" || href != "?q=rollback" {
		t.Errorf(`rolbak: suggestion %q linking %q; want "Did you mean rollback?" linking ?q=rollback`, suggest, href)
	}

	do(chromedp.Navigate(srv.URL+"/search/?q=rolback"), chromedp.WaitVisible(results))
	first := eval(`document.querySelector(".search-page-result a").getAttribute("href")`)
	status := eval(`document.querySelector(".search-page-status").textContent`)
	snippets := eval(`String(document.querySelectorAll(".search-page-result .search-snippet").length)`)
	n := eval(`String(document.querySelectorAll(".search-page-result").length)`)
	if first != "/guides/delivery/deploy-and-rollback/" || !strings.Contains(status, "rolback → rollback") || snippets == "0" {
		t.Errorf("results page for rolback: first %s, status %q, %s snippets; want the rollback guide first, the close spelling said, snippets", first, status, snippets)
	}
	if n == "0" || !strings.HasPrefix(status, n+" result") {
		t.Errorf("results page lists %s results, status %q", n, status)
	}

	do(chromedp.Navigate(srv.URL+"/search/?q=payments&kind=runbook"), chromedp.WaitVisible(results))
	kinds := eval(`[...new Set([...document.querySelectorAll(".search-page-result .search-meta")].map(e => e.textContent.split(" ")[0]))].join(",")`)
	headings := eval(`[...document.querySelectorAll(".search-page-results h2")].map(e => e.textContent).join(",")`)
	if kinds != "Runbook" || headings != "Runbooks" {
		t.Errorf("payments, kind runbook: kinds %q under headings %q; want runbooks only", kinds, headings)
	}

}

// TestSearchWorksAsAFormWithoutJavaScript checks the HTML that a browser
// without JavaScript gets: the search box is a form that leads to the
// results page with ?q=, and that page exists and has the same form.
func TestSearchWorksAsAFormWithoutJavaScript(t *testing.T) {
	mem := output.NewMemory()
	if _, err := generator.Build(exampleOptions(), mem); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"index.html", "search/index.html", "guides/delivery/deploy-and-rollback/index.html"} {
		data, ok := mem.File(name)
		if !ok {
			t.Fatalf("%s is missing", name)
		}
		html := string(data)
		if !strings.Contains(html, `<form class="search" data-index="/search/" action="/search/" method="get" role="search">`) ||
			!strings.Contains(html, `id="search-q" class="search-input" name="q"`) {
			t.Errorf("%s: the search box is not a form that leads to /search/?q=", name)
		}
	}
	page, _ := mem.File("search/index.html")
	if !strings.Contains(string(page), `<form class="search-page" action="/search/" method="get"`) || !strings.Contains(string(page), `<noscript>`) {
		t.Errorf("search/index.html has no results form or no word for browsers without JavaScript")
	}
}
