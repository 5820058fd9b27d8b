package render

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/generator/site"
)

// A persona's list groups its pages by kind, in the order of site.Kinds
// then sections, each group in the pages' own order; a page of no known
// kind is in no group.
func TestByKindKeepsKindOrderThenPageOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := append(site.Kinds(), site.Section, site.Kind("other"))
	for round := range 50 {
		pages := make([]*site.Page, rng.IntN(60))
		for i := range pages {
			pages[i] = &site.Page{Parsed: &site.Parsed{Kind: kinds[rng.IntN(len(kinds))]}}
		}
		var want []Group
		for _, k := range append(site.Kinds(), site.Section) {
			var g []*site.Page
			for _, p := range pages {
				if p.Kind == k {
					g = append(g, p)
				}
			}
			if len(g) > 0 {
				want = append(want, Group{Kind: k, Pages: g})
			}
		}
		got := byKind(pages)
		if !slices.EqualFunc(got, want, func(a, b Group) bool { return a.Kind == b.Kind && slices.Equal(a.Pages, b.Pages) }) {
			t.Fatalf("round %d: byKind gave %v, want %v", round, got, want)
		}
	}
}
