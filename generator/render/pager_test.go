package render

import (
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
)

// Validate reports a page, alias or file at a further page of a list
// through resolve.Listing and resolve.PagerOf; they must name the pages
// whose layout shows a list that goes on over pages, and their URLs, as
// the renderer makes them.
func TestResolveKnowsWhichPagesHaveListsThatGoOnOverPages(t *testing.T) {
	var r Renderer
	kinds := []site.Kind{site.Guide, site.Runbook, site.Alert, site.Checklist, site.Team, site.Persona, site.Section}
	for _, k := range kinds {
		for _, u := range []string{"/", "/x/", "/x/y/", "/x.html"} {
			p := &site.Page{Parsed: &site.Parsed{Kind: k, URL: u}}
			renders := r.listed(p) && strings.HasSuffix(p.URL, "/")
			if got := resolve.Listing(p); got != renders {
				t.Errorf("%s at %s: resolve.Listing says %v, the renderer %v", k, u, got, renders)
			}
			s := &site.Site{ByURL: map[string]*site.Page{u: p}}
			for n := 2; n <= 11; n++ {
				list, m := resolve.PagerOf(s, PagerURL(p, n))
				if renders && (list != p || m != n) || !renders && list != nil {
					t.Errorf("%s at %s: PagerOf(%s) = %v, %d", k, u, PagerURL(p, n), list, m)
				}
			}
		}
	}
}
