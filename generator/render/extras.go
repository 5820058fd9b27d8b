package render

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/opsplaybook/playbook/generator/site"
)

// abs makes a URL that already holds the base path ("/playbook/x/")
// absolute: the scheme and host of the URL the site is built for
// (base_url, or a deploy preview's) go before it, not its path, which it
// has.
func (r *Renderer) abs(u string) string {
	b, err := url.Parse(r.site.Config.URL())
	if r.site.Config.URL() == "" || err != nil {
		return u
	}
	return b.Scheme + "://" + b.Host + u
}

// sitemap writes sitemap.xml and robots.txt, for crawlers.
func (r *Renderer) sitemap(w Writer) error {
	var sm bytes.Buffer
	sm.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range r.site.Pages {
		sm.WriteString("  <url><loc>")
		xml.EscapeText(&sm, []byte(r.abs(r.base+strings.TrimPrefix(p.URL, "/"))))
		sm.WriteString("</loc></url>\n")
	}
	sm.WriteString("</urlset>\n")
	robots := "User-agent: *\nAllow: /\n"
	if r.site.Config.NoIndex {
		robots = "User-agent: *\nDisallow: /\n"
	} else if r.site.Config.URL() != "" {
		robots += "Sitemap: " + r.abs(r.base+"sitemap.xml") + "\n"
	}
	if err := w.WriteFile("sitemap.xml", sm.Bytes()); err != nil {
		return err
	}
	return w.WriteFile("robots.txt", []byte(robots))
}

// updated is when p's file last changed, or zero.
func (r *Renderer) updated(p *site.Page) time.Time {
	if p.Path == "" {
		return time.Time{}
	}
	return r.opt.LastUpdated[p.Path]
}

// day writes a time as its day, 2006-01-02 in UTC, or "" for zero.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// dayKey is what day writes, as a number for keys: the day since 1970 in
// UTC, plus one; 0 for zero.
func dayKey(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(t.UTC().Unix()/86400) + 1<<40
}

// pageEntry is a page in pages.json, for bots and dashboards.
type pageEntry struct {
	Title     string   `json:"title"`
	URL       string   `json:"url"`
	Kind      string   `json:"kind"`
	Owner     string   `json:"owner,omitempty"`
	Alert     string   `json:"alert,omitempty"`
	Tickets   []string `json:"tickets,omitempty"`
	ReviewDue string   `json:"review_due,omitempty"`
	// Updated is the day the page's file last changed (its last commit),
	// as 2006-01-02 in UTC.
	Updated string `json:"updated,omitempty"`
	Stale   bool   `json:"stale,omitempty"`
	Source  string `json:"source,omitempty"`
	// Untitled is true for a page whose title was made from its file
	// name.
	Untitled bool `json:"untitled,omitempty"`
}

// pagesState is pages.json's entries, kept with the keys of one site
// graph (Keys) and brought up to date page by page: after a patch, only
// the entries of the pages that PatchKeys marked stale are looked at
// again.
type pagesState struct {
	mu sync.Mutex
	// ents are the entries by index in Site.Pages, nil until made;
	// terms the hash of what each shows (pageTerm).
	ents  []string
	terms []uint64
	stale map[*site.Page]bool
	// sum is the sum of the entries' terms, each with its place.
	sum uint64
	// file is pages.json as it was last joined.
	file spliced
}

// mark notes that page p's entry may have changed.
func (c *pagesState) mark(p *site.Page) {
	if c.ents == nil {
		return // made anew, for every page, when first needed
	}
	if c.stale == nil {
		c.stale = map[*site.Page]bool{}
	}
	c.stale[p] = true
}

// pageTerm hashes what page p's entry of pages.json shows: the page's
// title, URL, kind and front matter (its iface), its last change, and the
// base path.
func (r *Renderer) pageTerm(k *keyData, p *site.Page) uint64 {
	h := newHasher()
	h.u64(k.iface(p))
	h.u64(dayKey(r.updated(p)))
	h.str(r.base)
	return h.sum()
}

// pageEntries returns the entries of pages.json, up to date: made for
// every page the first time (each from the cache, Options.Bodies, when
// its term is as it was), then again only for the stale pages whose term
// changed.
func (r *Renderer) pageEntries() (*pagesState, error) {
	k := r.prepareKeys()
	c := &k.pages
	c.mu.Lock()
	defer c.mu.Unlock()
	put := func(i int, p *site.Page) error {
		term := r.pageTerm(k, p)
		if c.ents[i] != "" && c.terms[i] == term {
			return nil
		}
		data, err := r.opt.Bodies.entry(p.Parsed, term, func() pageEntry {
			e := pageEntry{Title: p.Title, URL: r.base + strings.TrimPrefix(p.URL, "/"), Kind: string(p.Kind), Alert: p.Meta.Alert,
				Tickets: p.Meta.Tickets, ReviewDue: p.ReviewDue.String(), Stale: p.Stale, Source: p.Path, Untitled: p.TitleFromName,
				Updated: day(r.updated(p))}
			if p.Meta.Owner != "" {
				e.Owner = site.TeamID(p.Meta.Owner)
			}
			return e
		})
		if err != nil {
			return err
		}
		c.sum += placed(i, term) - placed(i, c.terms[i])
		c.ents[i], c.terms[i] = data, term
		return nil
	}
	if c.ents == nil {
		c.ents, c.terms = make([]string, len(r.site.Pages)), make([]uint64, len(r.site.Pages))
		c.sum, c.stale = 0, nil
		for i, p := range r.site.Pages {
			if err := put(i, p); err != nil {
				c.ents = nil
				return nil, err
			}
		}
		return c, nil
	}
	for p := range c.stale {
		i, ok := k.at[p]
		if !ok {
			continue
		}
		if err := put(i, p); err != nil {
			c.ents = nil
			return nil, err
		}
	}
	c.stale = nil
	return c, nil
}

// placed hashes a term with its place.
func placed(i int, term uint64) uint64 {
	h := newHasher()
	h.u64(uint64(i))
	h.u64(term)
	return h.sum()
}

// pagesKey is the dependency key of pages.json: its entries' terms, each
// with its place, and the number of pages.
func (r *Renderer) pagesKey() uint64 {
	c, err := r.pageEntries()
	if err != nil {
		return ^uint64(0) // writing the file says what is wrong
	}
	h := newHasher()
	h.u64(c.sum)
	h.u64(uint64(len(c.ents)))
	return h.sum()
}

// pagesJSON writes pages.json: an array of pageEntry, indented by two
// spaces. Each page's entry is encoded once and kept while its inputs
// stay the same.
func (r *Renderer) pagesJSON(w Writer) error {
	c, err := r.pageEntries()
	if err != nil {
		return err
	}
	// "[", then each entry after "\n  " and a comma between them, then
	// "\n]\n": the separators are the same strings every time.
	parts := make([]string, 0, 2*len(c.ents)+2)
	parts = append(parts, "[")
	for i, data := range c.ents {
		switch {
		case i == 0:
			parts = append(parts, "\n  ")
		default:
			parts = append(parts, ",\n  ")
		}
		parts = append(parts, data)
	}
	if len(c.ents) > 0 {
		parts = append(parts, "\n]\n")
	} else {
		parts = append(parts, "]\n")
	}
	return WriteJoined(w, "pages.json", newJoined(parts, &c.file))
}
