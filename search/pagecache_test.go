package search_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/search"
)

// cachedPages returns pages as a build that took their bodies from the
// build cache has them: no syntax tree, no text, the file's bytes kept
// and the body's key, which here is the SHA-256 of the text the body
// reads as (the parse's key stands for the body as this does).
func cachedPages() []*site.Page {
	var pages []*site.Page
	for i := range 6 {
		text := fmt.Sprintf("Payments error rate %d\nRoll back the deploy with kubectl rollout undo.", i)
		pages = append(pages, &site.Page{Parsed: &site.Parsed{
			Path:  fmt.Sprintf("runbooks/payments/page-%d.md", i),
			URL:   fmt.Sprintf("/runbooks/payments/page-%d/", i),
			Kind:  site.Runbook,
			Title: fmt.Sprintf("Payments error rate %d", i),
			Meta: &frontmatter.Meta{
				Owner: "payments", Roles: []string{"sre"}, Tags: []string{"latency"},
				Alerts: []string{fmt.Sprintf("PaymentsHighErrorRate%d", i)},
			},
			Outline: markdown.Outline{Headings: []markdown.Heading{{Level: 2, Text: "Mitigation", ID: "mitigation"}}},
			Raw:     []byte("the file"),
			Text:    text, // what the tree made again would read
			BodyKey: sha256.Sum256([]byte(text)),
		}})
	}
	return pages
}

// exportPages writes the export of pages, analysed one by one as a
// one-shot build does (Stream.AnalysePage), through cache (nil: none). A
// page the cache does not have gets its text, as the build makes its
// tree again, and is analysed again; made counts them.
func exportPages(t *testing.T, pages []*site.Page, cache buildcache.Store) (files map[string][]byte, made int) {
	t.Helper()
	s := search.NewStream(cache)
	var list []*search.Analysed
	for _, p := range pages {
		text := p.Text
		p.Text = ""
		a, ok, err := s.AnalysePage(p)
		if errors.Is(err, search.ErrNoText) {
			made++
			p.Text, p.TextKept = text, true
			a, ok, err = s.AnalysePage(p)
		}
		if err != nil || !ok {
			t.Fatalf("%s: analysed %v, %v", p.Path, ok, err)
		}
		list = append(list, a)
	}
	w := &onceWriter{files: map[string][]byte{}, writes: map[string]int{}}
	if err := s.Write(list, w); err != nil {
		t.Fatal(err)
	}
	return w.files, made
}

// TestCachedPageAnalysisFollowsEveryField: a one-shot build takes a page
// whose body came from the build cache whole from the cache (its entry in
// the document store and its terms), without its text. Each thing the
// page's search document is made of, edited on one page after a build
// filled the cache, changes the export as it does without a cache: none
// is missing from the cache key, and the edited page alone is analysed
// again. A build of the unedited pages reads every page from the cache.
func TestCachedPageAnalysisFollowsEveryField(t *testing.T) {
	edits := map[string]func(p *site.Page){
		"url":     func(p *site.Page) { p.URL = "/runbooks/payments/page-0-renamed/" },
		"title":   func(p *site.Page) { p.Title = "Checkout timeouts" },
		"kind":    func(p *site.Page) { p.Kind = site.Guide },
		"owner":   func(p *site.Page) { p.Meta.Owner = "group:default/checkout" },
		"roles":   func(p *site.Page) { p.Meta.Roles = []string{"oncall", "dba"} },
		"tags":    func(p *site.Page) { p.Meta.Tags = []string{"postgres"} },
		"summary": func(p *site.Page) { p.Meta.Summary = "When refunds stall in the ledger." },
		"alert":   func(p *site.Page) { p.Meta.Alert = "LedgerLagging" },
		"alerts":  func(p *site.Page) { p.Meta.Alerts = []string{"LedgerDiskFull"} },
		"headings": func(p *site.Page) {
			p.Outline.Headings = []markdown.Heading{{Level: 2, Text: "Escalation", ID: "escalation"}}
		},
		"body": func(p *site.Page) {
			p.Text = "Payments error rate 0\nFail over the primary database in the console."
			p.BodyKey = sha256.Sum256([]byte(p.Text))
		},
	}
	same := func(a, b map[string][]byte) bool {
		return maps.EqualFunc(a, b, func(x, y []byte) bool { return string(x) == string(y) })
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			plain, _ := exportPages(t, cachedPages(), nil)
			store := &countingStore{m: map[buildcache.Key][]byte{}}
			cold, made := exportPages(t, cachedPages(), store)
			if !same(cold, plain) || made != len(cachedPages()) {
				t.Fatalf("the cold export with a cache differs from the one without, or analysed %d pages of %d", made, len(cachedPages()))
			}
			store.hits = 0
			warm, made := exportPages(t, cachedPages(), store)
			if !same(warm, plain) || made != 0 || store.hits != len(cachedPages()) {
				t.Fatalf("the warm export differs from the cold one, or analysed %d pages and read %d from the cache", made, store.hits)
			}
			edited := func() []*site.Page {
				pages := cachedPages()
				edit(pages[0])
				return pages
			}
			want, _ := exportPages(t, edited(), nil)
			if same(want, plain) {
				t.Fatalf("editing the %s does not change the export: the test proves nothing", name)
			}
			got, made := exportPages(t, edited(), store)
			if !same(got, want) {
				t.Errorf("after an edit of the %s, the export with the warm cache differs from the one without a cache: the cache served the page as it was", name)
			}
			if made != 1 {
				t.Errorf("after an edit of the %s, %d pages were analysed again, want the edited one", name, made)
			}
		})
	}
}
