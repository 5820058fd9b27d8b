package watch_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/opsplaybook/playbook/generator/preview"
)

// browser starts a headless Chromium, or skips the test without one
// (fails under CI=true, where .ci/run installs it).
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := ""
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found: the browser tests must run in CI (apt-get install chromium)")
		}
		t.Skip("no Chromium found (install Debian's chromium package to run the browser tests)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// waitText waits until the page's body text satisfies ok.
func waitText(t *testing.T, ctx context.Context, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var text string
	for time.Now().Before(deadline) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		if err == nil {
			text = got
			if ok(text) {
				return text
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s; the page shows:\n%s", what, text)
	return ""
}

func TestBrowserReloadsOnEditAndShowsTheOverlayUntilFixed(t *testing.T) {
	ctx := browser(t)
	s := startServer(t)
	hs := httptest.NewServer(&preview.Handler{Publisher: s.live})
	t.Cleanup(hs.Close)
	t.Cleanup(s.live.Close) // runs first: ends the event streams

	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(hs.URL+"/checklists/service-readiness/")); err != nil {
		t.Fatal(err)
	}
	waitText(t, tctx, "the page did not open", func(s string) bool { return strings.Contains(s, "Service readiness") })
	time.Sleep(200 * time.Millisecond) // the page listens for changes

	original, _ := os.ReadFile(s.path(checklist))
	os.WriteFile(s.path(checklist), s.edited("A sentence written while the page was open."), 0o644)
	waitText(t, tctx, "the page did not reload with the new text", func(s string) bool {
		return strings.Contains(s, "A sentence written while the page was open.")
	})

	// Break the front matter: an owner key misspelt is an error.
	broken := strings.Replace(string(original), "\nowner:", "\nowners:", 1)
	if broken == string(original) {
		t.Fatal("the checklist has no owner line to break")
	}
	os.WriteFile(s.path(checklist), []byte(broken), 0o644)
	waitText(t, tctx, "no overlay after breaking the front matter", func(s string) bool {
		return strings.Contains(s, "The site has errors")
	})
	// Read in one step in the page: the overlay is drawn again when
	// another update's findings arrive, and a node found in one step may
	// be gone in the next.
	var overlay string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got, err := chromedp.Run(tctx, chromedp.Evaluate[string](`(document.querySelector("#playbook-overlay pre") || {}).textContent || ""`))
		if err == nil && strings.Contains(got, "content/checklists/service-readiness.md:") {
			overlay = got
			break
		}
	}
	if !strings.Contains(overlay, "content/checklists/service-readiness.md:") || !strings.Contains(overlay, "[frontmatter/") {
		t.Errorf("the overlay does not show path:line and the check id:\n%s", overlay)
	}
	if want := findingsText(s.session.Snapshot().Findings); strings.TrimSpace(overlay) != strings.TrimSpace(want) {
		t.Errorf("the overlay shows\n%s\nbut check prints\n%s", overlay, want)
	}

	os.WriteFile(s.path(checklist), original, 0o644)
	waitText(t, tctx, "the overlay did not go after the fix", func(s string) bool {
		return !strings.Contains(s, "The site has errors") && strings.Contains(s, "Service readiness")
	})
}
