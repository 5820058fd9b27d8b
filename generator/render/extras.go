package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"

	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/site"
)

// extras writes the files for hosts, crawlers and bots: sitemap.xml,
// robots.txt and pages.json.
func (r *Renderer) extras(w output.Writer) error {
	// abs makes a URL that already holds the base path ("/playbook/x/")
	// absolute: base_url's scheme and host go before it, not its path,
	// which it has.
	abs := func(u string) string {
		b, err := url.Parse(r.site.Config.BaseURL)
		if r.site.Config.BaseURL == "" || err != nil {
			return u
		}
		return b.Scheme + "://" + b.Host + u
	}
	type entry struct {
		Title     string   `json:"title"`
		URL       string   `json:"url"`
		Kind      string   `json:"kind"`
		Owner     string   `json:"owner,omitempty"`
		Alert     string   `json:"alert,omitempty"`
		Tickets   []string `json:"tickets,omitempty"`
		ReviewDue string   `json:"review_due,omitempty"`
		Stale     bool     `json:"stale,omitempty"`
		Source    string   `json:"source,omitempty"`
		// Untitled is true for a page whose title was made from its
		// file name.
		Untitled bool `json:"untitled,omitempty"`
	}
	var entries []entry
	var sm bytes.Buffer
	sm.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range r.site.Pages {
		e := entry{Title: p.Title, URL: r.base + strings.TrimPrefix(p.URL, "/"), Kind: string(p.Kind), Alert: p.Meta.Alert,
			Tickets: p.Meta.Tickets, ReviewDue: p.ReviewDue.String(), Stale: p.Stale, Source: p.Path, Untitled: p.TitleFromName}
		if p.Meta.Owner != "" {
			e.Owner = site.TeamID(p.Meta.Owner)
		}
		entries = append(entries, e)
		sm.WriteString("  <url><loc>")
		xml.EscapeText(&sm, []byte(abs(e.URL)))
		sm.WriteString("</loc></url>\n")
	}
	sm.WriteString("</urlset>\n")
	if entries == nil {
		entries = []entry{}
	}
	pj, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	robots := "User-agent: *\nAllow: /\n"
	if r.site.Config.NoIndex {
		robots = "User-agent: *\nDisallow: /\n"
	} else if r.site.Config.BaseURL != "" {
		robots += "Sitemap: " + abs(r.base+"sitemap.xml") + "\n"
	}
	if err := w.WriteFile("sitemap.xml", sm.Bytes()); err != nil {
		return err
	}
	if err := w.WriteFile("pages.json", append(pj, '\n')); err != nil {
		return err
	}
	return w.WriteFile("robots.txt", []byte(robots))
}
