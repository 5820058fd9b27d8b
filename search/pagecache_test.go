package search_test

import (
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
// build cache has them: plain text kept, no syntax tree.
func cachedPages() []*site.Page {
	var pages []*site.Page
	for i := range 6 {
		pages = append(pages, &site.Page{Parsed: &site.Parsed{
			Path:  fmt.Sprintf("runbooks/payments/page-%d.md", i),
			URL:   fmt.Sprintf("/runbooks/payments/page-%d/", i),
			Kind:  site.Runbook,
			Title: fmt.Sprintf("Payments error rate %d", i),
			Meta: &frontmatter.Meta{
				Owner: "payments", Roles: []string{"sre"}, Tags: []string{"latency"},
				Alerts: []string{fmt.Sprintf("PaymentsHighErrorRate%d", i)},
			},
			Outline:  markdown.Outline{Headings: []markdown.Heading{{Level: 2, Text: "Mitigation", ID: "mitigation"}}},
			Text:     fmt.Sprintf("Payments error rate %d\nRoll back the deploy with kubectl rollout undo.", i),
			TextKept: true,
		}})
	}
	return pages
}

// exportPages writes the export of pages, analysed one by one as a
// one-shot build does (Stream.AnalysePage), through cache (nil: none).
func exportPages(t *testing.T, pages []*site.Page, cache buildcache.Store) map[string][]byte {
	t.Helper()
	s := search.NewStream(cache)
	var list []*search.Analysed
	for _, p := range pages {
		a, ok, err := s.AnalysePage(p)
		if err != nil || !ok {
			t.Fatalf("%s: analysed %v, %v", p.Path, ok, err)
		}
		list = append(list, a)
	}
	w := &onceWriter{files: map[string][]byte{}, writes: map[string]int{}}
	if err := s.Write(list, w); err != nil {
		t.Fatal(err)
	}
	return w.files
}

// TestCachedPageAnalysisFollowsEveryField: a one-shot build takes a page
// whose body came from the build cache whole from the cache (its entry in
// the document store and its terms). Each thing the page's search
// document is made of, edited on one page after a build filled the
// cache, changes the export as it does without a cache: none is missing
// from the cache key. The warm build of the unedited pages reads every
// page from the cache.
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
		"text": func(p *site.Page) { p.Text = "Payments error rate 0\nFail over the primary database in the console." },
	}
	same := func(a, b map[string][]byte) bool {
		return maps.EqualFunc(a, b, func(x, y []byte) bool { return string(x) == string(y) })
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			store := &countingStore{m: map[buildcache.Key][]byte{}}
			before := exportPages(t, cachedPages(), store)
			if !same(before, exportPages(t, cachedPages(), nil)) {
				t.Fatal("the cold export with a cache differs from the one without")
			}
			store.hits = 0
			if !same(before, exportPages(t, cachedPages(), store)) {
				t.Fatal("the warm export differs from the cold one")
			}
			if store.hits != len(cachedPages()) {
				t.Fatalf("the warm export read %d pages from the cache, want all %d", store.hits, len(cachedPages()))
			}
			edited := func() []*site.Page {
				pages := cachedPages()
				edit(pages[0])
				return pages
			}
			want := exportPages(t, edited(), nil)
			if same(want, before) {
				t.Fatalf("editing the %s does not change the export: the test proves nothing", name)
			}
			if got := exportPages(t, edited(), store); !same(got, want) {
				t.Errorf("after an edit of the %s, the export with the warm cache differs from the one without a cache: the cache served the page as it was", name)
			}
		})
	}
}
