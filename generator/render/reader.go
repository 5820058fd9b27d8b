package render

import (
	"encoding/json"
	"html"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
)

// This file holds the template data of the reading views: a page's
// contents ("On this page"), a team's owned pages by urgency, a section's
// pages with their facts, and the page's declared placeholders.

// breakable escapes s and adds a <wbr> where a lowercase letter or digit
// is followed by an uppercase one, so that a long CamelCase alert name
// ("PaymentsApiHighErrorRate") wraps between its words, not mid-word.
func breakable(s string) template.HTML {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteString("<wbr>")
		}
		b.WriteString(html.EscapeString(string(r)))
		prev = r
	}
	return template.HTML(b.String())
}

// ruleFor is an alert page's "for:" duration: its own, else its rule's.
func ruleFor(p *site.Page) string {
	if p.Meta != nil && p.Meta.For != "" {
		return p.Meta.For
	}
	if p.Rule != nil {
		return p.Rule.For
	}
	return ""
}

// TOCEntry is one heading of a page's contents.
type TOCEntry struct {
	ID, Text string
	Level    int // 2 or 3
}

// onThisPage lists the h2 and h3 headings of page p, then, for an alert
// page, those of its runbook shown in place, in document order.
func onThisPage(p *site.Page) []TOCEntry {
	var out []TOCEntry
	add := func(hs []markdown.Heading) {
		for _, h := range hs {
			if (h.Level == 2 || h.Level == 3) && h.ID != "" {
				out = append(out, TOCEntry{ID: h.ID, Text: h.Text, Level: h.Level})
			}
		}
	}
	add(p.Outline.Headings)
	if p.RunbookOf != nil {
		add(p.RunbookOf.Outline.Headings)
	}
	return out
}

// tocList is the HTML of page p's contents (see onThisPage), or "" when
// it has fewer than two entries.
func tocList(p *site.Page) template.HTML {
	toc := onThisPage(p)
	if len(toc) < 2 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<ol>")
	for _, e := range toc {
		b.WriteString(`<li class="toc-`)
		b.WriteString(strconv.Itoa(e.Level))
		b.WriteString(`"><a href="#`)
		b.WriteString(html.EscapeString(url.PathEscape(e.ID)))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(e.Text))
		b.WriteString("</a></li>")
	}
	b.WriteString("</ol>")
	return template.HTML(b.String())
}

// firstStep is the id of the heading where an on-call page's steps start:
// the first of Diagnosis, Mitigation or Steps, else the first h2 of the
// page (or, for an alert page, of its runbook); "" when there is none.
func firstStep(p *site.Page) string {
	var hs []markdown.Heading
	if p.RunbookOf != nil {
		hs = p.RunbookOf.Outline.Headings
	} else {
		hs = p.Outline.Headings
	}
	for _, h := range hs {
		if h.Level != 2 {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(h.Text)) {
		case "diagnosis", "diagnose", "mitigation", "mitigate", "steps", "triage", "investigation", "resolution":
			return h.ID
		}
	}
	for _, h := range hs {
		if h.Level == 2 {
			return h.ID
		}
	}
	return ""
}

// chatURL is the link of a team's chat channel: a URL as it is, a Slack
// channel name ("#team-payments") as Slack's app_redirect link, which
// opens the channel in the reader's workspace; "" for anything else.
func chatURL(channel string) string {
	c := strings.TrimSpace(channel)
	if u, err := url.Parse(c); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return c
	}
	name := strings.TrimPrefix(c, "#")
	if name == "" || strings.ContainsAny(name, " \t/?#&") {
		return ""
	}
	return "https://slack.com/app_redirect?channel=" + url.QueryEscape(name)
}

// OwnedRow is a page a team owns, with its review state.
type OwnedRow struct {
	Page    *site.Page
	Due     time.Time // zero when the page has no review date
	Stale   bool      // past its review date
	DueSoon bool      // due within 30 days
}

// ownedByUrgency lists a team's pages, most urgent first: pages past
// their review date (longest overdue first), then those due within 30
// days, then the others by due date, then pages without a review date;
// ties by title.
func ownedByUrgency(team *site.Page, now time.Time) []OwnedRow {
	rows := make([]OwnedRow, 0, len(team.Owned))
	for _, p := range team.Owned {
		r := OwnedRow{Page: p, Due: p.ReviewDue.Time, Stale: p.Stale, DueSoon: dueSoon(p, now)}
		rows = append(rows, r)
	}
	rank := func(r OwnedRow) int {
		switch {
		case r.Stale:
			return 0
		case r.DueSoon:
			return 1
		case !r.Due.IsZero():
			return 2
		}
		return 3
	}
	slices.SortStableFunc(rows, func(a, b OwnedRow) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.Page.Title, b.Page.Title)
	})
	return rows
}

// SectionGroup is a folder of a section listing with its pages; Folder is
// nil for the pages directly in the section.
type SectionGroup struct {
	Folder *site.Page
	Pages  []*site.Page
}

// sectionGroups lists the pages under a section page: its own pages
// first, then each sub-folder, depth first, with its pages, so that a
// section of folders (/runbooks/) lists its runbooks, not only folders.
func sectionGroups(p *site.Page) []SectionGroup {
	var out []SectionGroup
	var walk func(folder *site.Page, top bool)
	walk = func(folder *site.Page, top bool) {
		g := SectionGroup{}
		if !top {
			g.Folder = folder
		}
		var subs []*site.Page
		for _, c := range folder.Children {
			if len(c.Children) > 0 {
				subs = append(subs, c)
				continue
			}
			g.Pages = append(g.Pages, c)
		}
		if len(g.Pages) > 0 {
			out = append(out, g)
		}
		for _, s := range subs {
			walk(s, false)
		}
	}
	walk(p, true)
	return out
}

// paramsJSON is a page's declared placeholders as a JSON list of
// [name, default] pairs, in the order written, for the theme's script.
func paramsJSON(p *site.Page) string {
	var pairs [][2]string
	add := func(q *site.Page) {
		if q == nil || q.Meta == nil {
			return
		}
		for _, pr := range q.Meta.Params {
			if !slices.ContainsFunc(pairs, func(x [2]string) bool { return x[0] == pr.Name }) {
				pairs = append(pairs, [2]string{pr.Name, pr.Default})
			}
		}
	}
	add(p)
	add(p.RunbookOf)
	if len(pairs) == 0 {
		return ""
	}
	b, _ := json.Marshal(pairs)
	return string(b)
}
