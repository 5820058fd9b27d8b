package browsertest

// Reading on a phone at 3am: the measures of issue 13, taken in a real
// browser on the example playbook.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/opsplaybook/playbook/generator/preview"
)

// phone is the screen the measures are taken on: 360 x 740 CSS pixels.
const phoneW, phoneH = 360, 740

// setTheme chooses the colour theme as the toggle would, for the next
// page opened.
func setTheme(theme string) chromedp.Action[chromedp.Void] {
	return js(fmt.Sprintf(`localStorage.setItem("playbook:theme", '"%s"')`, theme))
}

func TestOnCallPagesPutTheStepsFirstOnAPhone(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, phoneW, phoneH)
	for _, p := range []struct{ path, step string }{
		{"/alerts/paymentsapihigherrorrate/", "diagnosis"},
		{"/runbooks/payments/high-error-rate/", "diagnosis"},
	} {
		b.run(t, open(srv.URL+p.path))
		first := eval[string](t, b, `document.querySelector(".jump").getAttribute("data-first-step")`)
		if first != p.step {
			t.Errorf("%s: the first step is %q, want %q", p.path, first, p.step)
		}
		top := eval[float64](t, b, fmt.Sprintf(`document.getElementById(%q).getBoundingClientRect().top + scrollY`, first))
		header := eval[float64](t, b, `document.querySelector("header.top").getBoundingClientRect().height`)
		t.Logf("%s at %dx%d: first step (#%s) top %.0f px, header %.0f px", p.path, phoneW, phoneH, first, top, header)
		if top > 1.5*phoneH {
			t.Errorf("%s: the first step starts at %.0f px, more than 1.5 screens (%d px)", p.path, top, phoneH*3/2)
		}
		if header > 120 {
			t.Errorf("%s: the header is %.0f px high, more than 120", p.path, header)
		}
		// The owner line comes before the steps, with the chat channel as
		// a link and the escalation chain one tap away.
		if !eval[bool](t, b, fmt.Sprintf(`document.querySelector(".owner-line").getBoundingClientRect().top < document.getElementById(%q).getBoundingClientRect().top`, first)) {
			t.Errorf("%s: the owner line is not above the steps", p.path)
		}
		if got := eval[string](t, b, `document.querySelector(".owner-line .owner-chat").getAttribute("href")`); got != "https://slack.com/app_redirect?channel=team-payments" {
			t.Errorf("%s: chat link %q", p.path, got)
		}
		chainHidden := `!document.querySelector(".escalate dd ol").checkVisibility()`
		if !eval[bool](t, b, chainHidden) {
			t.Errorf("%s: the escalation chain is open before Escalate is tapped", p.path)
		}
		b.run(t, click(".escalate > summary"))
		if eval[bool](t, b, chainHidden) {
			t.Errorf("%s: Escalate does not open the chain", p.path)
		}
		// A bar to jump to the sections, the first step among them.
		jumps := eval[[]string](t, b, `[...document.querySelectorAll(".jump a")].map(a => a.getAttribute("href"))`)
		if len(jumps) < 3 || !strings.Contains(strings.Join(jumps, " "), "#"+first) {
			t.Errorf("%s: jump bar %q", p.path, jumps)
		}
		// The header stays reachable once the page has scrolled.
		b.run(t, js(`window.scrollTo(0, 2000)`))
		if y := eval[float64](t, b, `document.querySelector("header.top").getBoundingClientRect().top`); y != 0 {
			t.Errorf("%s: scrolled, the header is at %.0f px, not at the top", p.path, y)
		}
	}
	b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/"))
	if badge := eval[string](t, b, `document.querySelector(".page-head .badge").textContent`); badge != "critical · for 5m" {
		t.Errorf("severity badge %q, want the rule's for: in it", badge)
	}
}

func TestThePhoneMenuIsADrawer(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, phoneW, phoneH)
	b.run(t, open(srv.URL+"/runbooks/payments/high-error-rate/"))
	visible := `(() => { const r = document.getElementById("sidebar").getBoundingClientRect(); return getComputedStyle(document.getElementById("sidebar")).visibility === "visible" && r.right > 0 && r.left >= 0 })()`
	if eval[bool](t, b, visible) {
		t.Fatal("the drawer is open before the menu button is pressed")
	}
	b.run(t, click(".nav-toggle"), poll(visible, 2*time.Second))
	if got := eval[string](t, b, `document.querySelector(".nav-toggle").getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("menu button aria-expanded=%q with the drawer open", got)
	}
	if !eval[bool](t, b, `document.getElementById("sidebar").contains(document.activeElement)`) {
		t.Error("focus did not move into the drawer")
	}
	b.run(t, chromedp.KeyEvent("\x1b"), poll(`document.querySelector(".nav-toggle").getAttribute("aria-expanded") === "false"`, 2*time.Second))
	if !eval[bool](t, b, `document.activeElement === document.querySelector(".nav-toggle")`) {
		t.Error("closing the drawer with Escape does not give the focus back to the menu button")
	}
}

func TestPhoneSearchOpensFullScreen(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, phoneW, phoneH)
	b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/"),
		chromedp.SendKeys(`#search-q`, "payments"),
		poll(`!document.getElementById("search-results").hidden && document.querySelectorAll(".search-result").length > 0`, 10*time.Second),
		poll(`[...document.querySelectorAll(".search-filter")].every(s => !s.hidden)`, 5*time.Second))
	input := eval[map[string]float64](t, b, `(() => { const r = document.getElementById("search-q").getBoundingClientRect(); return {left: r.left, width: r.width, bottom: r.bottom} })()`)
	results := eval[map[string]float64](t, b, `(() => { const r = document.getElementById("search-results").getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top} })()`)
	box := eval[map[string]float64](t, b, `(() => { const r = document.querySelector(".top .search").getBoundingClientRect(); return {top: r.top, left: r.left, width: r.width, height: r.height} })()`)
	filterTops := eval[[]float64](t, b, `[...document.querySelectorAll(".search-filter")].map(s => s.getBoundingClientRect().top)`)
	t.Logf("typing at %dx%d: input %.0f px wide at x=%.0f; results from x=%.0f to %.0f; search box %.0fx%.0f at (%.0f,%.0f)",
		phoneW, phoneH, input["width"], input["left"], results["left"], results["right"], box["width"], box["height"], box["left"], box["top"])
	if input["width"] < 250 {
		t.Errorf("while typing, the search input is %.0f px wide, less than 250", input["width"])
	}
	if results["left"] < 0 || results["right"] > phoneW {
		t.Errorf("the results run from x=%.0f to %.0f, off the %d px screen", results["left"], results["right"], phoneW)
	}
	if box["top"] != 0 || box["left"] != 0 || box["width"] != phoneW || box["height"] != phoneH {
		t.Errorf("the open search is %.0fx%.0f at (%.0f,%.0f), not the whole screen", box["width"], box["height"], box["left"], box["top"])
	}
	for i, top := range filterTops {
		if top < input["bottom"] {
			t.Errorf("filter %d (top %.0f) is not below the input (bottom %.0f)", i+1, top, input["bottom"])
		}
	}
	b.run(t, click(".search-close"))
	if eval[bool](t, b, `document.querySelector(".top .search").classList.contains("search-open")`) {
		t.Error("Close leaves the search open")
	}
}

// fencedBlocks returns the code of the fenced blocks of a markdown file,
// and their info strings.
func fencedBlocks(t *testing.T, md string) (codes, langs []string) {
	t.Helper()
	re := regexp.MustCompile("(?ms)^( *)```([a-z-]*)\n(.*?)^ *```$")
	for _, m := range re.FindAllStringSubmatch(md, -1) {
		indent := m[1]
		var lines []string
		for l := range strings.Lines(m[3]) {
			lines = append(lines, strings.TrimPrefix(l, indent))
		}
		codes = append(codes, strings.Join(lines, ""))
		langs = append(langs, m[2])
	}
	return codes, langs
}

// grantClipboard lets the pages of srv read and write the clipboard.
func grantClipboard(t *testing.T, b *browser, origin string) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    cdpbrowser.PermissionSettingGranted, Origin: origin,
		})
		if err != nil {
			t.Fatalf("granting %s: %v", name, err)
		}
	}
}

func TestEveryCodeBlockHasOneCopyButtonThatCopiesItsCode(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	grantClipboard(t, b, srv.URL)
	src, err := os.ReadFile("../content/runbooks/payments/high-error-rate.md")
	if err != nil {
		t.Fatal(err)
	}
	codes, langs := fencedBlocks(t, string(src))
	// The page's placeholders read their defaults when it is opened
	// without the alert's labels.
	defaults := strings.NewReplacer("{{namespace}}", "payments", "{{region}}", "euw1")
	b.run(t, open(srv.URL+"/runbooks/payments/high-error-rate/"))
	blocks := eval[int](t, b, `document.querySelectorAll("main pre").length`)
	buttons := eval[[]int](t, b, `[...document.querySelectorAll("main pre")].map(p => p.parentNode.querySelectorAll(":scope > .copy-code").length)`)
	if blocks != len(codes) {
		t.Fatalf("%d code blocks on the page, %d in its markdown", blocks, len(codes))
	}
	for i, n := range buttons {
		if n != 1 {
			t.Errorf("code block %d has %d copy buttons", i+1, n)
		}
	}
	if n := eval[int](t, b, `document.querySelectorAll("main .copy-code").length`); n != blocks {
		t.Errorf("%d copy buttons for %d code blocks", n, blocks)
	}
	for i, code := range codes {
		want := strings.TrimRight(defaults.Replace(code), "\n")
		if langs[i] == "console" {
			var cmds []string
			for l := range strings.Lines(want) {
				if c, ok := strings.CutPrefix(strings.TrimRight(l, "\n"), "$ "); ok {
					cmds = append(cmds, c)
				}
			}
			want = strings.Join(cmds, "\n")
		}
		// Copy with the keyboard: focus the button, press Enter.
		b.run(t, js(`navigator.clipboard.writeText("")`),
			js(fmt.Sprintf(`document.querySelectorAll("main .copy-code")[%d].focus()`, i)),
			chromedp.KeyEvent("\r"),
			poll(fmt.Sprintf(`document.querySelectorAll("main .copy-code")[%d].textContent === "Copied"`, i), 3*time.Second))
		got := eval[string](t, b, `navigator.clipboard.readText()`)
		if got != want {
			t.Errorf("block %d (%s) copied\n%q\nwant\n%q", i+1, langs[i], got, want)
		}
		said := eval[string](t, b, fmt.Sprintf(`document.querySelectorAll("main .copy-code")[%d].parentNode.querySelector("[role=status]").textContent`, i))
		if said != "Code copied" {
			t.Errorf("block %d: the screen reader is told %q", i+1, said)
		}
	}
	if label := eval[string](t, b, `document.querySelector("main .copy-code").getAttribute("aria-label")`); label == "" {
		t.Error("the copy button has no accessible name")
	}
}

func TestFiringContextIsShownAsTextAndFillsThePlaceholders(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	page := srv.URL + "/runbooks/payments/high-error-rate/"
	b.run(t, open(page))
	if !eval[bool](t, b, `document.getElementById("firing").hidden`) {
		t.Error("the firing box shows without labels in the address")
	}
	b.run(t, open(page+"?namespace=payments-canary&cluster=eu-1&startsAt=2026-11-30T03%3A12%3A00Z"))
	labels := eval[[]string](t, b, `[...document.querySelectorAll("#firing dt, #firing dd")].map(e => e.textContent)`)
	if strings.Join(labels, " ") != "namespace payments-canary cluster eu-1" {
		t.Errorf("firing labels %q", labels)
	}
	if eval[bool](t, b, `document.getElementById("firing").hidden`) {
		t.Error("the firing box is hidden")
	}
	filled := eval[[]string](t, b, `[...document.querySelectorAll("main pre .param-value")].map(s => s.getAttribute("data-param") + "=" + s.textContent)`)
	if !strings.Contains(strings.Join(filled, " "), "namespace=payments-canary") || !strings.Contains(strings.Join(filled, " "), "region=euw1") {
		t.Errorf("placeholders filled: %q", filled)
	}
	if eval[bool](t, b, `document.querySelector("main").textContent.includes("{{namespace}}")`) {
		t.Error("a declared placeholder is left unfilled")
	}
	dash := eval[string](t, b, `document.querySelector("main .prose a[href*='grafana']").href`)
	from := time.Date(2026, 11, 30, 2, 42, 0, 0, time.UTC).UnixMilli()
	if !strings.Contains(dash, fmt.Sprintf("from=%d", from)) || !strings.Contains(dash, "to=now") {
		t.Errorf("the dashboard link %s does not open on the alert's window (from=%d)", dash, from)
	}

	// Labels are text, whatever they hold.
	hostile := `<img src=x onerror=alert(1)>`
	b.run(t, open(page+"?namespace="+url.QueryEscape(hostile)))
	if got := eval[string](t, b, `document.querySelector("#firing dd").textContent`); got != hostile {
		t.Errorf("the label reads %q, want it as text", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#firing img, main pre img, main code img").length`); n != 0 {
		t.Errorf("%d img elements made from a label", n)
	}
	if got := eval[string](t, b, `document.querySelector("main pre .param-value[data-param=namespace]").textContent`); got != hostile {
		t.Errorf("the placeholder reads %q", got)
	}
	if msgs := b.messages(); len(msgs) > 0 {
		t.Errorf("the page logged %q", msgs)
	}
}

func TestPlaceholdersReadAsWrittenWithoutJavaScript(t *testing.T) {
	html, ok := exampleSite(t).File("runbooks/payments/high-error-rate/index.html")
	if !ok {
		t.Fatal("no runbook page")
	}
	if !strings.Contains(string(html), "{{namespace}}") && !strings.Contains(string(html), "{{</span><span") {
		t.Error("the runbook's {{namespace}} is not in its HTML")
	}
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(string(html), "")
	if !strings.Contains(text, "kubectl -n {{namespace}} rollout history") {
		t.Error("without JavaScript the command does not read kubectl -n {{namespace}} ...")
	}
}

func TestPersonaPageDoesNotChangeTheFilterUnasked(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/personas/data-analyst/"), chromedp.WaitVisible(`.persona-offer button`))
	if got := eval[string](t, b, `document.getElementById("persona-select").value`); got != "" {
		t.Errorf("opening a persona page set the filter to %q", got)
	}
	b.run(t, click(".persona-offer button"))
	if got := eval[string](t, b, `document.querySelector(".persona-offer-status").textContent`); !strings.Contains(got, "Data analyst") {
		t.Errorf("choosing the filter says %q", got)
	}
	// With the filter on Data analyst, a page for on-call engineers stays
	// in the sidebar while it is read.
	b.run(t, open(srv.URL+"/checklists/first-on-call-shift/"))
	if got := eval[string](t, b, `document.getElementById("persona-select").value`); got != "data-analyst" {
		t.Fatalf("the filter is %q", got)
	}
	if eval[bool](t, b, `document.querySelector('.sidebar a[href="/checklists/first-on-call-shift/"]').closest("li").hidden`) {
		t.Error("the persona filter hides the page being read")
	}
	if !eval[bool](t, b, `document.querySelector('.sidebar a[href="/checklists/service-readiness/"]').closest("li").hidden`) {
		t.Error("the filter hides nothing")
	}
}

// contrast is a script that returns the contrast ratio of an element's
// text against the colour behind it (WCAG 2 relative luminance).
const contrast = `(sel) => {
  const el = document.querySelector(sel);
  const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const over = (top, under) => ({r: top.r*top.a + under.r*(1-top.a), g: top.g*top.a + under.g*(1-top.a), b: top.b*top.a + under.b*(1-top.a), a: 1});
  let bg = {r: 255, g: 255, b: 255, a: 1};
  const stack = [];
  for (let e = el; e; e = e.parentElement) stack.push(parse(getComputedStyle(e).backgroundColor));
  stack.push(parse(getComputedStyle(document.documentElement).backgroundColor));
  for (let i = stack.length - 1; i >= 0; i--) bg = over(stack[i], bg);
  const fg = over(parse(getComputedStyle(el).color), bg);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); }; return 0.2126*f(c.r) + 0.7152*f(c.g) + 0.0722*f(c.b); };
  const a = lum(fg), b = lum(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}`

// serveOverlay serves the example site as the live preview does after a
// build that failed, with the overlay over every page.
func serveOverlay(t *testing.T) *httptest.Server {
	t.Helper()
	live := preview.NewPublisher(exampleSite(t), preview.Status{Failed: true,
		Report: "content/runbooks/payments/high-error-rate.md:3: error: owner \"paymnts\" is not a team [owner/unknown]\n" +
			"content/alerts/PaymentsApiHighErrorRate.md:7: error: link to \"runbooks/x\": no such page [link/broken]\n"})
	t.Cleanup(live.Close)
	h := &preview.Handler{Publisher: live, Modified: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTheOverlayIsReadableInBothThemes(t *testing.T) {
	srv := serveOverlay(t)
	for _, theme := range []string{"light", "dark"} {
		b := newBrowser(t, 1280, 900)
		b.run(t, open(srv.URL+"/"), setTheme(theme), open(srv.URL+"/runbooks/payments/high-error-rate/"),
			chromedp.WaitVisible("#playbook-overlay"))
		title := eval[string](t, b, `document.getElementById("playbook-overlay-title").textContent`)
		if !strings.Contains(title, "owner/unknown") {
			t.Errorf("%s: the overlay does not lead with the first error: %q", theme, title)
		}
		for _, sel := range []string{"#playbook-overlay pre", "#playbook-overlay-title", "#playbook-overlay-note"} {
			ratio := eval[float64](t, b, "("+contrast+")("+fmt.Sprintf("%q", sel)+")")
			t.Logf("%s theme: %s contrast %.2f:1", theme, sel, ratio)
			if ratio < 4.5 {
				t.Errorf("%s theme: %s has contrast %.2f:1, below 4.5:1", theme, sel, ratio)
			}
		}
	}
}

func TestPrintingIsLightWhateverTheTheme(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/"), setTheme("dark"), open(srv.URL+"/runbooks/payments/high-error-rate/"), chromedp.WaitVisible(".checks-bar"))
	if bg := eval[string](t, b, `getComputedStyle(document.body).backgroundColor`); bg == "rgb(255, 255, 255)" {
		t.Fatal("the dark theme is not on: the check below proves nothing")
	}
	for _, scheme := range []string{"dark", "light"} {
		_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print",
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, sel := range []string{"body", ".owner-line", "main pre"} {
			// Light: every channel of the background at least 240.
			bg := eval[[]float64](t, b, fmt.Sprintf(`getComputedStyle(document.querySelector(%q)).backgroundColor.match(/[\d.]+/g).map(Number)`, sel))
			if len(bg) == 4 && bg[3] == 0 {
				continue // transparent: the body's white shows
			}
			if len(bg) < 3 || bg[0] < 240 || bg[1] < 240 || bg[2] < 240 {
				t.Errorf("printed with the system %s, %s has the background %v", scheme, sel, bg)
			}
		}
		shown := eval[[]string](t, b, `[".checks-bar", ".copy-code", ".nav-toggle", "header.top", ".sidebar"].filter(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== "none" })`)
		if len(shown) > 0 {
			t.Errorf("printed with the system %s, interactive parts print: %q", scheme, shown)
		}
	}
}

func TestNotFoundForAnAlertLeadsWithWhatAPagedEngineerCanDo(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, phoneW, phoneH)
	b.run(t, open(srv.URL+"/alerts/NoSuchAlert/"), chromedp.WaitVisible("#no-runbook"))
	items := eval[[]string](t, b, `[...document.querySelectorAll("#no-runbook .oncall-actions > li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`)
	if len(items) != 3 || !strings.HasPrefix(items[0], "Search the playbook for NoSuchAlert") ||
		!strings.Contains(items[1], "Major incident process") || !strings.Contains(items[2], "Payments") {
		t.Errorf("on-call actions %q", items)
	}
	if !eval[bool](t, b, `(() => { const c = document.querySelector("#no-runbook details.contribute"); const a = document.querySelector("#no-runbook .oncall-actions"); return !c.open && !!(c.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_PRECEDING) })()`) {
		t.Error("the contributor instructions are not last and folded")
	}
	if href := eval[string](t, b, `document.querySelector("[data-alert-search]").getAttribute("href")`); href != "/?q=NoSuchAlert" {
		t.Errorf("search link %q", href)
	}
}

func TestLongNamesAreEllipsizedWithTheFullNameAtHand(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/alerts/"))
	got := eval[[]string](t, b, `(() => { const a = document.querySelector('.sidebar a[href="/alerts/ledgerreconciliationmismatch/"]'); const s = getComputedStyle(a); return [s.textOverflow, s.whiteSpace, a.title, String(a.scrollWidth > a.clientWidth)] })()`)
	if got[0] != "ellipsis" || got[1] != "nowrap" || got[2] != "LedgerReconciliationMismatch" {
		t.Errorf("sidebar link: text-overflow %s, white-space %s, title %q", got[0], got[1], got[2])
	}
}

func TestTeamPageListsWhatItOwnsMostUrgentFirst(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/teams/payments/"))
	levels := eval[[]int](t, b, `[...document.querySelectorAll("main h1, main h2, main h3, main h4")].map(h => +h.tagName[1])`)
	for i := 1; i < len(levels); i++ {
		if levels[i] > levels[i-1]+1 {
			t.Errorf("heading levels skip: %v", levels)
			break
		}
	}
	rows := eval[[]string](t, b, `[...document.querySelectorAll(".owned-table tbody tr")].map(tr => tr.cells[4].textContent.trim())`)
	rank := func(state string) int {
		for i, s := range []string{"review overdue", "due soon", "current", "not reviewed"} {
			if strings.HasPrefix(state, s) {
				return i
			}
		}
		t.Errorf("unknown state %q", state)
		return -1
	}
	for i := 1; i < len(rows); i++ {
		if rank(rows[i]) < rank(rows[i-1]) {
			t.Errorf("row %d (%s) comes after %s", i+1, rows[i], rows[i-1])
		}
	}
	t.Logf("states in order: %q", rows)
	if len(rows) < 10 {
		t.Errorf("%d rows", len(rows))
	}
	b.run(t, open(srv.URL+"/runbooks/"))
	facts := eval[[]string](t, b, `[...document.querySelectorAll(".pagelist.rich li")].map(li => li.textContent.replace(/\s+/g, " ").trim())`)
	if len(facts) < 10 || !strings.Contains(strings.Join(facts, "\n"), "Payments API high error rate critical Payments More than 2%") {
		t.Errorf("/runbooks/ lists %d pages:\n%s", len(facts), strings.Join(facts, "\n"))
	}
}

func TestOfflineAPageNeverOpenedSaysItIsNotSaved(t *testing.T) {
	srv := serve(t)
	b := newBrowser(t, 1280, 900)
	b.run(t, open(srv.URL+"/"), poll(`navigator.serviceWorker.controller !== null`, 20*time.Second),
		// The worker saves in the background: wait for the 404 page and
		// its script.
		poll(`caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().map(r => new URL(r.url).pathname)).then(ps => ps.includes("/404.html") && ps.some(p => p.startsWith("/assets/notfound.")))`, 20*time.Second))
	srv.Close()
	b.run(t, open(srv.URL+"/guides/data/warehouse-tour/"))
	text := eval[string](t, b, `document.querySelector("main").innerText`)
	if !strings.Contains(text, "This page is not saved on this device yet") || strings.Contains(text, "It may have moved") {
		t.Errorf("offline, a page never opened says:\n%s", text)
	}
}

// TestReaderScreenshots writes the views of issue 13 at 360 and 1280 px
// (search open, the drawer, the overlay, an alert opened from a
// notification) into $PLAYBOOK_SCREENSHOTS. It asserts nothing and takes
// minutes, so it runs only when that folder is given.
func TestReaderScreenshots(t *testing.T) {
	if os.Getenv("PLAYBOOK_SCREENSHOTS") == "" {
		t.Skip("skipped: set PLAYBOOK_SCREENSHOTS=DIR to write the reading views' screenshots")
	}
	srv := serve(t)
	over := serveOverlay(t)
	dir := screenshotDir(t)
	for _, size := range []struct{ w, h int64 }{{1280, 900}, {phoneW, phoneH}} {
		for _, theme := range []string{"light", "dark"} {
			b := newBrowser(t, size.w, size.h)
			shot := func(name string, full bool) {
				var png []byte
				var err error
				if full {
					png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
				} else {
					png, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d-%s.png", name, size.w, theme)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b.run(t, open(srv.URL+"/"), setTheme(theme))
			b.run(t, open(srv.URL+"/alerts/paymentsapihigherrorrate/?namespace=payments&cluster=eu-1&startsAt=2026-11-30T03:12:00Z"))
			shot("alert-firing-screen", false)
			b.run(t, open(srv.URL+"/alerts/NoSuchAlert/"), chromedp.WaitVisible("#no-runbook"))
			shot("404-alert", true)
			b.run(t, open(srv.URL+"/teams/payments/"))
			shot("team-owned", true)
			b.run(t, open(srv.URL+"/runbooks/"))
			shot("section-runbooks", true)
			b.run(t, open(srv.URL+"/"), chromedp.SendKeys(`#search-q`, "payments"),
				poll(`document.querySelectorAll(".search-result").length > 0`, 10*time.Second))
			shot("search-open", false)
			if size.w == phoneW {
				b.run(t, open(srv.URL+"/runbooks/payments/high-error-rate/"), click(".nav-toggle"), chromedp.Sleep(300*time.Millisecond))
				shot("drawer", false)
			}
			b.run(t, open(over.URL+"/"), setTheme(theme), open(over.URL+"/runbooks/payments/high-error-rate/"), chromedp.WaitVisible("#playbook-overlay"))
			shot("overlay", false)
		}
	}
}
