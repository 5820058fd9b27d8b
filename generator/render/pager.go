package render

import (
	"strings"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
)

// A listing page shows its list pager_size entries at a time (see
// config.Config.PagerSize; 100 by default), as Hugo's
// pagers do: the first entries at the page's URL, the next at
// URL/page/2/, and so on (Hugo's default path). The list is what the
// page's layout lists: a section's pages by folder (section.html), a
// persona's pages of its role by kind (persona.html), what a team owns by
// urgency (team.html), a folder page's or the home page's children
// (page.html, home.html). Without pages a folder of 3,000 alerts would be
// one page of 900 KB on a phone, and an edit of one title would render
// every list that holds it whole.

// Pager is where one page of a list is among the list's pages.
type Pager struct {
	// Number is this page's number, from 1; Of the number of pages.
	Number, Of int
	// From and To are the entries shown: [From, To) of Total.
	From, To, Total int
	// Prev and Next are the URLs (site paths) of the pages before and
	// after this one, "" when there is none; First and Last those of
	// the first and the last page.
	First, Prev, Next, Last string
}

// PagerURL is the URL of page n (from 1) of the list on page p: p's own
// URL for the first, URL/page/N/ for the others.
func PagerURL(p *site.Page, n int) string { return resolve.PagerURL(p.URL, n) }

// listItem is an entry of a page's list: a page and the group it is
// shown under (a folder page, or a kind), for keys.
type listItem struct {
	page   *site.Page
	group  string
	folder *site.Page // section lists: the sub-folder, nil for the section's own pages
	kind   site.Kind  // persona lists: the kind heading
}

// list returns the entries of the list page p's layout shows, in order,
// and whether its layout shows one (see the comment at the top).
func (r *Renderer) list(p *site.Page) ([]listItem, bool) {
	if v, ok := r.lists.Load(p); ok {
		l := v.(cachedList)
		return l.items, l.ok
	}
	items, ok := r.makeList(p)
	r.lists.Store(p, cachedList{items, ok})
	return items, ok
}

type cachedList struct {
	items []listItem
	ok    bool
}

func (r *Renderer) makeList(p *site.Page) ([]listItem, bool) {
	var out []listItem
	switch r.layoutName(p) {
	case "section.html":
		for _, g := range sectionGroups(p) {
			group := ""
			if g.Folder != nil {
				group = g.Folder.URL
			}
			for _, q := range g.Pages {
				out = append(out, listItem{page: q, group: group, folder: g.Folder})
			}
		}
	case "persona.html":
		out = make([]listItem, 0, len(r.rolePages(p)))
		for _, g := range byKind(r.rolePages(p)) {
			for _, q := range g.Pages {
				out = append(out, listItem{page: q, group: string(g.Kind), kind: g.Kind})
			}
		}
	case "team.html":
		for _, row := range ownedByUrgency(p, r.opt.Now) {
			out = append(out, listItem{page: row.Page})
		}
	case "page.html", "home.html":
		for _, q := range p.Children {
			out = append(out, listItem{page: q})
		}
	default:
		return nil, false
	}
	return out, true
}

// listed tells whether page p's layout shows a list.
func (r *Renderer) listed(p *site.Page) bool {
	switch r.layoutName(p) {
	case "section.html", "persona.html", "team.html", "page.html", "home.html":
		return true
	}
	return false
}

// rolePages are the pages for persona p's role, in site order.
func (r *Renderer) rolePages(persona *site.Page) []*site.Page {
	return r.prepareKeys().byRole[persona.ID]
}

// pagerSize is the most entries one page of a list shows.
func (r *Renderer) pagerSize() int {
	if n := r.site.Config.PagerSize; n > 0 {
		return n
	}
	return config.DefaultPagerSize
}

// listPages is the number of pages of page p's list: 1 when it shows
// none or it fits on one.
func (r *Renderer) listPages(p *site.Page) int {
	items, ok := r.list(p)
	if !ok || !strings.HasSuffix(p.URL, "/") {
		return 1
	}
	return pageCount(len(items), r.pagerSize())
}

// pageCount is the number of pages a list of n entries takes, size a
// page: at least 1.
func pageCount(n, size int) int { return max(1, (n+size-1)/size) }

// pagerOf returns page n of a list of total entries on page p, or nil
// when the list fits on one page.
func pagerOf(p *site.Page, n, total, size int) *Pager {
	of := pageCount(total, size)
	if of == 1 || !strings.HasSuffix(p.URL, "/") {
		return nil
	}
	pg := &Pager{Number: n, Of: of, Total: total, From: (n - 1) * size, To: min(total, n*size),
		First: PagerURL(p, 1), Last: PagerURL(p, of)}
	if n > 1 {
		pg.Prev = PagerURL(p, n-1)
	}
	if n < of {
		pg.Next = PagerURL(p, n+1)
	}
	return pg
}

// Output is one file a page makes: the page itself, or one of its list's
// further pages.
type Output struct {
	Name string // the file: OutName of its URL
	URL  string
	N    int    // the list's page number, from 1
	Key  uint64 // its dependency key (see the package's keys.go)
	// Rest is the part of Key that is not its sidebar's: two renders
	// of the same Rest differ only in the sidebar, which SidebarAt
	// renders alone. Rest is Key when the page's layout does not show
	// the sidebar as a part of its own (see PageSidebar).
	Rest uint64
}

// Outputs returns the files page p makes, the page itself first, with
// their keys.
func (r *Renderer) Outputs(p *site.Page) []Output {
	rest, nav := r.pageKey(p)
	base := combine(rest, nav)
	splices := r.splices[r.layoutName(p)]
	items, listed := r.list(p)
	of, size := 1, r.pagerSize()
	if listed && strings.HasSuffix(p.URL, "/") {
		of = pageCount(len(items), size)
	}
	out := make([]Output, 0, of)
	k := r.prepareKeys()
	for n := 1; n <= of; n++ {
		h := newHasher()
		if listed {
			h.u64(uint64(n))
			h.u64(uint64(of))
			h.u64(uint64(len(items)))
			from, to := (n-1)*size, min(len(items), n*size)
			if of == 1 {
				from, to = 0, len(items)
			}
			for _, it := range items[from:to] {
				h.u64(k.iface(it.page))
				h.u64(k.iface(it.page.OwnerTeam)) // listings name the owner
				h.str(it.group)
			}
		}
		u := PagerURL(p, n)
		o := Output{Name: OutName(u), URL: u, N: n, Key: combine(base, h.sum())}
		o.Rest = o.Key
		if splices {
			o.Rest = combine(rest, h.sum())
		}
		out = append(out, o)
	}
	return out
}

// shown returns the entries of page p's list that pg shows: all of them
// when pg is nil.
func (r *Renderer) shown(p *site.Page, pg *Pager) []listItem {
	items, _ := r.list(p)
	if pg != nil {
		items = items[pg.From:pg.To]
	}
	return items
}

// listArg is what a list's template function is called with: the page's
// data (*Page), whose Pager says which entries it shows, or a page
// (*site.Page) for the whole list, as layouts written before lists had
// pages call it.
func listArg(x any) (*site.Page, *Pager) {
	switch v := x.(type) {
	case *Page:
		return v.Page, v.Pager
	case *site.Page:
		return v, nil
	}
	return nil, nil
}

// FirstShown is the number, from 1, of the first entry this page shows.
func (pg *Pager) FirstShown() int { return pg.From + 1 }
