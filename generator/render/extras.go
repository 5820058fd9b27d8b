package render

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
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

// pagesJSON writes pages.json: an array of pageEntry, indented by two
// spaces. Each page's entry is encoded once and kept in the cache while
// its inputs stay the same.
func (r *Renderer) pagesJSON(w Writer) error {
	k := r.prepareKeys()
	entries := make([][]byte, len(r.site.Pages))
	size := 4
	for i, p := range r.site.Pages {
		// The entry shows the page's title, URL, kind and front matter
		// (its iface), its last change, and the base path.
		h := newHasher()
		h.u64(k.iface(p))
		h.u64(dayKey(r.updated(p)))
		h.str(r.base)
		data, err := r.opt.Bodies.entry(p.Parsed, h.sum(), func() pageEntry {
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
		entries[i] = data
		size += len(data) + 4
	}
	var b bytes.Buffer
	b.Grow(size)
	b.WriteString("[")
	for i, data := range entries {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		b.Write(data)
	}
	if len(r.site.Pages) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	return w.WriteFile("pages.json", b.Bytes())
}
