// Package browsertest drives the default theme in a real headless Chromium
// (chromedp): persona navigation, path progress and checklist state across
// reloads, "copy as markdown", the sidebar's persona filter, alert pages
// with their runbook in place, the content security policy, accessibility
// with axe-core in light and dark mode, screenshots at desktop and phone
// widths, and pages opening offline through the service worker.
//
// Its input is the example playbook, built into memory and served by
// generator/preview with the strict policy of _headers; its output is test
// results, and screenshots in $PLAYBOOK_SCREENSHOTS when it is set.
//
// Without Chromium the tests skip with a message; under CI=true they fail.
// axe-core is found at $AXE_CORE (the path of axe.min.js) or in a
// node_modules folder here or above.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/rules"
)

// csp is the policy the pages are served with: the strictest a theme can
// meet, stricter than the one _headers writes.
const csp = "default-src 'self'"

// pages are the pages every check visits, by a short name.
var pages = []struct{ name, path string }{
	{"landing", "/"},
	{"persona", "/personas/new-starter/"},
	{"alert", "/alerts/paymentsapihigherrorrate/"},
	{"runbook", "/runbooks/payments/high-error-rate/"},
	{"checklist", "/checklists/first-on-call-shift/"},
	{"team", "/teams/payments/"},
}

var now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// chromium returns the browser's path, or skips the test (fails it under
// CI=true) when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	unavailable(t, "no Chromium found (install Debian's chromium package, or set $CHROMIUM): browser tests skipped")
	return ""
}

func unavailable(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

var (
	siteOnce sync.Once
	siteMem  *output.Memory
	siteErr  error
)

// exampleSite builds the example playbook once per test binary.
func exampleSite(t *testing.T) *output.Memory {
	t.Helper()
	siteOnce.Do(func() {
		opt := generator.Options{
			Content: playbook.Content(), ContentPrefix: "content/", Config: playbook.Config(), ConfigFile: "playbook.yaml",
			Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now,
		}
		for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
			opt.Rules = append(opt.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
		}
		siteMem = output.NewMemory()
		_, siteErr = generator.Build(opt, siteMem)
	})
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteMem
}

// serve serves the example site under the strict policy. /csp-control/ is
// a page that breaks the policy, to show that violations are seen.
func serve(t *testing.T) *httptest.Server {
	t.Helper()
	h := &preview.Handler{Site: exampleSite(t), Modified: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		if r.URL.Path == "/csp-control/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>control</title><p style="color:red">x</p><script>document.title="ran"</script>`)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browser is one Chromium with a fresh profile, and what its pages said.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	log []string // console errors, warnings and policy violations
}

func newBrowser(t *testing.T, width, height int64) *browser {
	t.Helper()
	exe := chromium(t)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(int(width), int(height)),
	)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	t.Cleanup(func() { cancel(); cancelA() })
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.Type != "error" && m.Type != "warning" && m.Type != chromedp.ConsoleException && m.Source != "security" && m.Source != "violation" {
				continue
			}
			b.mu.Lock()
			b.log = append(b.log, fmt.Sprintf("%s %s: %s (%s)", m.Source, m.Type, m.Text, m.URL))
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *browser) run(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page, awaiting a promise.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// js is a step that runs a statement in the page.
func js(code string) chromedp.Action[chromedp.Void] {
	return void(chromedp.Evaluate[bool]("(() => { " + code + "; return true })()"))
}

// click clicks an element as a script would: the same events, without
// depending on where the element is on the screen.
func click(sel string) chromedp.Action[chromedp.Void] {
	return js(fmt.Sprintf(`document.querySelector(%q).click()`, sel))
}

func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// poll waits until the expression is true.
func poll(expr string, d time.Duration) chromedp.Action[chromedp.Void] {
	return void(chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d)))
}

// messages returns and forgets what the pages logged.
func (b *browser) messages() []string {
	time.Sleep(100 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	m := b.log
	b.log = nil
	return m
}

// open navigates and waits for the page and its scripts.
func open(url string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
		poll(`document.readyState === "complete"`, 10*time.Second),
	)
}

func reload() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Reload(),
		chromedp.WaitReady("body"),
		poll(`document.readyState === "complete"`, 10*time.Second),
	)
}

func TestPickingAPersonaOnTheLandingPageShowsItsPath(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/"), chromedp.WaitVisible(`.personas .card[data-persona="new-starter"] a`),
		click(`.personas .card[data-persona="new-starter"] a`),
		chromedp.WaitVisible(`.path-box .path-progress`))
	url := eval[string](t, b, `location.pathname`)
	steps := eval[[]string](t, b, `[...document.querySelectorAll(".path > li > a")].map(a => a.textContent.trim())`)
	chosen := eval[string](t, b, `document.getElementById("persona-select").value`)
	if url != "/personas/new-starter/" {
		t.Errorf("the card led to %s", url)
	}
	if len(steps) != 8 {
		t.Errorf("path steps: %q", steps)
	}
	if chosen != "new-starter" {
		t.Errorf("the persona filter shows %q after picking New starter", chosen)
	}
}

func TestPathStepsAndChecklistTicksSurviveAReload(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	persona := srv.URL + "/personas/new-starter/"
	b.run(t, open(persona), chromedp.WaitVisible(`.path-progress`),
		click(`.path > li:nth-child(1) .step-done input`),
		click(`.path > li:nth-child(3) .step-done input`),
		open(srv.URL+"/checklists/first-on-call-shift/"), chromedp.WaitVisible(`.checks-bar`),
		click(`.task-item:nth-of-type(2) > input`),
		reload(), chromedp.WaitVisible(`.checks-bar`))
	done := eval[[]bool](t, b, `[...document.querySelectorAll(".task-item > input")].map(i => i.checked)`)
	items := eval[string](t, b, `document.querySelector(".checks-bar .progress-text").textContent`)
	b.run(t, open(persona), chromedp.WaitVisible(`.path-progress`))
	progress := eval[string](t, b, `document.querySelector(".path-progress .progress-text").textContent`)
	stepDone := eval[[]bool](t, b, `[...document.querySelectorAll(".path > li")].map(li => li.classList.contains("done"))`)
	if progress != "2 of 8 steps done" {
		t.Errorf("path progress after reload: %q", progress)
	}
	if len(stepDone) < 3 || !slices.Equal(stepDone[:3], []bool{true, false, true}) {
		t.Errorf("steps done: %v", stepDone)
	}
	ticked := 0
	for i, d := range done {
		if d {
			ticked++
			if i != 1 {
				t.Errorf("item %d ticked", i+1)
			}
		}
	}
	if ticked != 1 || !strings.HasPrefix(items, "1 of ") {
		t.Errorf("checklist after reload: %v, %q", done, items)
	}
}

func TestCopyAsMarkdownYieldsTheTickedList(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/checklists/first-on-call-shift/"), chromedp.WaitVisible(`.checks-bar`),
		click(`.task-item:nth-of-type(1) > input`),
		click(`.checks-bar .btn:not(.btn-quiet)`),
		poll(`document.querySelector(".checks-bar").hasAttribute("data-markdown")`, 5*time.Second))
	md := eval[string](t, b, `document.querySelector(".checks-bar").getAttribute("data-markdown")`)
	lines := strings.Split(md, "\n")
	if lines[0] != "## First on-call shift" {
		t.Errorf("first line %q", lines[0])
	}
	for _, want := range []string{"### Access", "### Knowledge", "### Shadowing",
		"- [x] You can log in to PagerDuty",
		"- [ ] You have sent yourself a test notification",
		"`kubectl get pods -n <your-namespace>`",
		"**and**",
		"[accounts and access](" + srv.URL + "/guides/onboarding/accounts-and-access/)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if n := strings.Count(md, "- [x]"); n != 1 {
		t.Errorf("%d ticked items in\n%s", n, md)
	}
	if n := strings.Count(md, "- [ ]"); n != 12 {
		t.Errorf("%d open items in\n%s", n, md)
	}
}

func TestTicksAreKeptByItemNotByPosition(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/checklists/first-on-call-shift/"), chromedp.WaitVisible(`.checks-bar`),
		click(`.task-item:nth-of-type(2) > input`))
	ids := eval[[]string](t, b, `[...document.querySelectorAll(".task-item > input")].map(i => i.getAttribute("data-item"))`)
	state := eval[map[string]int](t, b, `JSON.parse(localStorage.getItem("playbook:checks:/checklists/first-on-call-shift/"))`)
	if len(state) != 1 || state[ids[1]] != 1 {
		t.Errorf("stored %v, want only %s", state, ids[1])
	}
	// Move the ticked item to the top, as an edit of the page would, and
	// set the list up again: the tick moves with the item.
	b.run(t, js(`const li = document.querySelectorAll(".task-item")[1]; const copy = li.cloneNode(true); copy.querySelector("input").checked = false; li.parentNode.prepend(copy); li.remove();
		localStorage.setItem("x", document.querySelector("main .prose").innerHTML)`),
		open(srv.URL+"/checklists/first-on-call-shift/"), chromedp.WaitVisible(`.checks-bar`))
	if got := eval[[]string](t, b, `[...document.querySelectorAll(".task-item > input")].map(i => i.getAttribute("data-item"))`); !slices.Equal(got, ids) {
		t.Errorf("ids change across loads: %v, then %v", ids, got)
	}
}

func TestPersonaFilterHidesOtherRolesPages(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	hidden := func(href string) string {
		return fmt.Sprintf(`document.querySelector('.sidebar a[href="%s"]').closest("li").hidden`, href)
	}
	choose := func(id string) chromedp.Action[chromedp.Void] {
		return js(fmt.Sprintf(`const s = document.getElementById("persona-select"); s.value = %q; s.dispatchEvent(new Event("change"))`, id))
	}
	// The sidebar lists the pages of the section shown: in Observability,
	// the dashboards tour is for data analysts, logs and traces is not.
	b.run(t, open(srv.URL+"/guides/observability/dashboards-tour/"), chromedp.WaitVisible(`#persona-select`), choose("data-analyst"))
	if !eval[bool](t, b, hidden("/guides/observability/logs-and-traces/")) {
		t.Error("with Data analyst chosen, the on-call guide to logs and traces is still in the sidebar")
	}
	if eval[bool](t, b, hidden("/guides/observability/dashboards-tour/")) {
		t.Error("with Data analyst chosen, the dashboards tour is hidden")
	}
	b.run(t, open(srv.URL+"/guides/observability/dashboards-tour/"), chromedp.WaitVisible(`#persona-select`))
	if !eval[bool](t, b, hidden("/guides/observability/logs-and-traces/")+` && document.getElementById("persona-select").value === "data-analyst"`) {
		t.Error("the choice was not remembered on the next page load")
	}
	// The page being read stays in the sidebar, whatever the filter.
	b.run(t, open(srv.URL+"/guides/observability/logs-and-traces/"), chromedp.WaitVisible(`#persona-select`))
	if eval[bool](t, b, hidden("/guides/observability/logs-and-traces/")) || !eval[bool](t, b, `document.getElementById("persona-select").value === "data-analyst"`) {
		t.Error("opening the logs and traces guide with Data analyst chosen hides it from the sidebar, or forgets the choice")
	}
	b.run(t, choose(""))
	if !eval[bool](t, b, `[...document.querySelectorAll(".sidebar li")].every(li => !li.hidden)`) {
		t.Error("Everyone does not show every page again")
	}
}

func TestAlertPageShowsItsRunbooksSteps(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/runbooks/payments/high-error-rate/"))
	runbookSteps := eval[[]string](t, b, `[...document.querySelectorAll("main article.prose li")].map(li => li.textContent.trim())`)
	b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/"), chromedp.WaitVisible(`.runbook-inline`))
	inlineSteps := eval[[]string](t, b, `[...document.querySelectorAll(".runbook-inline .prose li")].map(li => li.textContent.trim())`)
	link := eval[string](t, b, `document.querySelector(".runbook-inline h2 a").getAttribute("href")`)
	if len(runbookSteps) < 3 || !slices.Equal(runbookSteps, inlineSteps) {
		t.Errorf("runbook steps %d, on the alert page %d:\n%q\n%q", len(runbookSteps), len(inlineSteps), runbookSteps, inlineSteps)
	}
	if link != "/runbooks/payments/high-error-rate/" {
		t.Errorf("runbook link %q", link)
	}
}

func TestStrictPolicyHasNoViolations(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	// The control page breaks the policy: its violations must be seen,
	// or silence below would prove nothing.
	b.run(t, open(srv.URL+"/csp-control/"), chromedp.Sleep(300*time.Millisecond))
	if msgs := b.messages(); !containsAny(msgs, "Content Security Policy") {
		t.Fatalf("a page breaking the policy logged no violation: %q", msgs)
	}
	for _, p := range append(pages, struct{ name, path string }{"404", "/alerts/NoSuchAlert/"}) {
		// Use what the scripts add: theme, checklists, search.
		b.run(t, open(srv.URL+p.path), click(".theme-toggle"),
			chromedp.SendKeys(`#search-q`, "payments"),
			poll(`!document.getElementById("search-results").hidden`, 5*time.Second))
		msgs := b.messages()
		if p.name == "404" {
			msgs = slices.DeleteFunc(msgs, func(m string) bool { return strings.Contains(m, "status of 404") })
		}
		if len(msgs) > 0 {
			t.Errorf("%s (%s): %q", p.name, p.path, msgs)
		}
	}
}

func containsAny(msgs []string, s string) bool {
	for _, m := range msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// screenshotDir is where the screenshots go: $PLAYBOOK_SCREENSHOTS, to
// keep them, or a temporary folder removed after the test.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("PLAYBOOK_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestScreenshots takes a full-page screenshot of each page at 1280 and
// 360 px wide, light and dark, with a little reading state, and checks
// what a reader would see wrong in it: a page wider than the screen (it
// scrolls sideways on a phone) and a page in the other theme than the one
// chosen (its mean luminance on the wrong side of the middle). The
// screenshots are kept in $PLAYBOOK_SCREENSHOTS when it is set.
func TestScreenshots(t *testing.T) {
	srv := serve(t)
	dir := screenshotDir(t)
	keep := ""
	if os.Getenv("PLAYBOOK_SCREENSHOTS") == "" {
		keep = "; set PLAYBOOK_SCREENSHOTS to keep it"
	}
	for _, size := range []struct{ w, h int64 }{{1280, 900}, {360, 740}} {
		for _, theme := range []string{"light", "dark"} {
			t.Run(fmt.Sprintf("%d-%s", size.w, theme), func(t *testing.T) {
				b := newBrowser(t, size.w, size.h)
				// A little state, so the screenshots show what a
				// reader sees midway.
				b.run(t, open(srv.URL+"/"), js(fmt.Sprintf(`
					localStorage.setItem("playbook:theme", '"%s"');
					localStorage.setItem("playbook:persona", '"new-starter"');
					localStorage.setItem("playbook:path:new-starter", '{"/guides/onboarding/first-week/":1,"/checklists/new-starter-first-week/":1}')`, theme)))
				for _, p := range append(slices.Clone(pages), struct{ name, path string }{"404", "/alerts/NoSuchAlert/"}) {
					b.run(t, open(srv.URL+p.path))
					if p.name == "checklist" {
						b.run(t, click(`.task-item:nth-of-type(1) > input`), click(`.task-item:nth-of-type(3) > input`))
					}
					data, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					name := filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", p.name, size.w, theme))
					if err := os.WriteFile(name, data, 0o644); err != nil {
						t.Fatal(err)
					}
					img, err := png.Decode(bytes.NewReader(data))
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if w := img.Bounds().Dx(); w != int(size.w) {
						t.Errorf("%s at %d px: the page is %d px wide, so it scrolls sideways (%s%s)", p.path, size.w, w, name, keep)
					}
					if l := meanLuminance(img); (theme == "dark") != (l < 0.5) {
						t.Errorf("%s in the %s theme: mean luminance %.2f, the other theme's (%s%s)", p.path, theme, l, name, keep)
					}
				}
			})
		}
	}
}

// meanLuminance is the mean relative luminance of an image's pixels, from
// 0 (black) to 1 (white), with Rec. 709 weights on the stored values.
func meanLuminance(img image.Image) float64 {
	r := img.Bounds()
	var sum float64
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			sum += (0.2126*float64(cr) + 0.7152*float64(cg) + 0.0722*float64(cb)) / 0xffff
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// axeScript returns axe.min.js, or skips (fails under CI=true).
func axeScript(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("AXE_CORE")}
	for dir, _ := os.Getwd(); ; dir = filepath.Dir(dir) {
		candidates = append(candidates, filepath.Join(dir, "node_modules", "axe-core", "axe.min.js"))
		if filepath.Dir(dir) == dir {
			break
		}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if b, err := os.ReadFile(c); err == nil {
			return string(b)
		}
	}
	unavailable(t, "axe-core not found: set $AXE_CORE to axe.min.js (npm install --prefix DIR axe-core@4): accessibility checks skipped")
	return ""
}

type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeCheck runs axe-core on the page shown and reports its serious and
// critical violations under the name given.
func axeCheck(t *testing.T, b *browser, axe, name string) {
	t.Helper()
	b.run(t, void(chromedp.Evaluate[bool](axe+";true")))
	raw := eval[string](t, b, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`)
	var vs []axeResult
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("and %d more", len(v.Nodes)-3))
				break
			}
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: %s %s: %s\n\t%s", name, v.Impact, v.ID, v.Help, strings.Join(where, "\n\t"))
	}
}

func TestAccessibilityWithAxe(t *testing.T) {
	chromium(t)
	axe := axeScript(t)
	srv := serve(t)
	over := serveOverlay(t)
	all := append(slices.Clone(pages), struct{ name, path string }{"404", "/alerts/NoSuchAlert/"})
	for _, theme := range []string{"light", "dark"} {
		for _, width := range []int64{1280, 360} {
			t.Run(fmt.Sprintf("%s-%d", theme, width), func(t *testing.T) {
				b := newBrowser(t, width, 900)
				b.run(t, open(srv.URL+"/"), js(fmt.Sprintf(`localStorage.setItem("playbook:theme", '"%s"')`, theme)))
				for _, p := range all {
					b.run(t, open(srv.URL+p.path))
					axeCheck(t, b, axe, fmt.Sprintf("%s (%s)", p.name, p.path))
				}
				// With the search open and showing results, and with the
				// phone's drawer open.
				b.run(t, open(srv.URL+"/"), chromedp.SendKeys(`#search-q`, "payments"),
					poll(`document.querySelectorAll(".search-result").length > 0`, 10*time.Second))
				axeCheck(t, b, axe, "search open")
				if width == 360 {
					b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/?namespace=payments&startsAt=2026-11-30T03:12:00Z"), click(".nav-toggle"), click(".escalate > summary"))
					axeCheck(t, b, axe, "alert with its context, the drawer open")
				}
				b.run(t, open(over.URL+"/"), js(fmt.Sprintf(`localStorage.setItem("playbook:theme", '"%s"')`, theme)),
					open(over.URL+"/runbooks/payments/high-error-rate/"), chromedp.WaitVisible("#playbook-overlay"))
				axeCheck(t, b, axe, "overlay")
			})
		}
	}
}

func TestVisitedPagesOpenOffline(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	cached := `caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().map(r => new URL(r.url).pathname))`
	b.run(t, open(srv.URL+"/"),
		poll(`navigator.serviceWorker.controller !== null`, 20*time.Second),
		// The worker saves pages in the background: wait for them.
		void(chromedp.Poll[bool](cached+`.then(ps => ps.includes("/runbooks/payments/high-error-rate/") && ps.includes("/alerts/paymentsapihigherrorrate/") && ps.includes("/search/manifest.json") && ps.some(p => p.startsWith("/search/s/")))`,
			chromedp.WithPollingTimeout(30*time.Second))),
		// and every shard and every bucket of close spellings (search/y/),
		// which no page has asked for yet.
		void(chromedp.Poll[bool](`fetch("/search/manifest.json").then(r => r.json()).then(m => fetch("/search/y/" + m.y + ".json").then(r => r.json()).then(ys =>
			Object.values(m.s).map(h => "/search/s/" + h + ".json").concat(ys.map(h => "/search/y/" + h + ".json")))).then(want => `+cached+`.then(ps => want.every(p => ps.includes(p))))`,
			chromedp.WithPollingTimeout(30*time.Second))),
		open(srv.URL+"/runbooks/payments/high-error-rate/"))
	srv.Close() // the network is down
	b.run(t, open(srv.URL+"/runbooks/payments/high-error-rate/"))
	if title := eval[string](t, b, `document.title`); !strings.Contains(title, "Payments API high error rate") {
		t.Errorf("offline, the visited runbook has the title %q", title)
	}
	if !eval[bool](t, b, `!document.querySelector(".offline-note").hidden`) {
		t.Error("offline, the runbook does not say it is an offline copy")
	}
	b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/"))
	if !eval[bool](t, b, `document.querySelector(".runbook-inline") !== null`) {
		t.Error("offline, the alert page (never visited) did not open")
	}
	// A mistyped query finds its pages offline, by close spelling.
	b.run(t, open(srv.URL+"/"), chromedp.SendKeys(`#search-q`, "replicaton"),
		poll(`document.querySelectorAll(".search-result").length > 0`, 10*time.Second))
	if hrefs := eval[string](t, b, `[...document.querySelectorAll("a.search-result")].map(a => a.getAttribute("href")).join(" ")`); !strings.Contains(hrefs, "/runbooks/platform/postgres-replication-lag/") {
		t.Errorf("offline, %q lists %s, not the postgres replication lag runbook", "replicaton", hrefs)
	}
}
