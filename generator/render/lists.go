package render

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/site"
)

// This file writes the rows of the listing pages (a folder's pages, a
// section's, a persona's, what a team owns) in Go rather than in a
// template: a listing page shows up to a hundred rows, and with the rows
// in templates the pages a title or an owner edit renders whole took 2.5
// to 4 times as long on 10,000 pages (BenchmarkEdit's CPU profiles). The
// layouts call them by name
// ("pagelist", section.html's rows, team.html's table), so a theme that
// wants other rows defines its own loop over the same pages.

// siteURL is site URL u made absolute to the site's base path (the url
// template function); a URL that does not start with "/" is as it is.
func (r *Renderer) siteURL(u string) string {
	if strings.HasPrefix(u, "/") {
		return r.base + strings.TrimPrefix(u, "/")
	}
	return u
}

// href is the value of an href attribute for site URL u: siteURL,
// escaped.
func (r *Renderer) href(u string) string {
	return html.EscapeString(r.siteURL(u))
}

// findingCount is the number of findings on page p in the live preview,
// 0 in a published build (see the template function of that name).
func (r *Renderer) findingCount(p *site.Page) int {
	if p == nil || p.File == "" || !r.opt.LivePreview {
		return 0
	}
	return len(r.findings[p.File])
}

// writeFindings writes the "N findings" tag of page p, if it has any.
func (r *Renderer) writeFindings(b *strings.Builder, p *site.Page) {
	n := r.findingCount(p)
	if n == 0 {
		return
	}
	b.WriteString(` <span class="tag tag-invalid">`)
	b.WriteString(strconv.Itoa(n))
	b.WriteString(" finding")
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString("</span>")
}

// writeSeverity writes page p's severity badge, if it has a severity.
func writeSeverity(b *strings.Builder, p *site.Page) {
	if p.Meta != nil && p.Meta.Severity != "" {
		s := html.EscapeString(p.Meta.Severity)
		b.WriteString(` <span class="badge severity severity-`)
		b.WriteString(s)
		b.WriteString(`">`)
		b.WriteString(s)
		b.WriteString("</span>")
	}
}

// writeSummary writes page p's summary as a description, if it has one.
func writeSummary(b *strings.Builder, p *site.Page) {
	if p.Meta != nil && p.Meta.Summary != "" {
		b.WriteString(`<span class="desc">`)
		b.WriteString(html.EscapeString(p.Meta.Summary))
		b.WriteString("</span>")
	}
}

// pageList is a plain list of pages: <ul class="pagelist">, each page a
// link with its review and findings tags and its summary.
func (r *Renderer) pageList(pages []*site.Page) template.HTML {
	var b strings.Builder
	b.Grow(64 + 160*len(pages))
	b.WriteString(`<ul class="pagelist">`)
	for _, p := range pages {
		b.WriteString(`<li><a href="`)
		b.WriteString(r.href(p.URL))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(p.Title))
		b.WriteString("</a>")
		if p.Stale {
			b.WriteString(` <span class="tag tag-stale">review overdue</span>`)
		}
		r.writeFindings(&b, p)
		writeSummary(&b, p)
		b.WriteString("</li>")
	}
	b.WriteString("</ul>")
	return template.HTML(b.String())
}

// richList is a list of pages with their facts: <ul class="pagelist
// rich">, each page a link with its severity, its owning team, its
// review and findings tags and its summary.
func (r *Renderer) richList(pages []*site.Page) template.HTML {
	var b strings.Builder
	b.Grow(64 + 320*len(pages))
	b.WriteString(`<ul class="pagelist rich">`)
	for _, p := range pages {
		title := html.EscapeString(p.Title)
		b.WriteString("<li>\n  <a class=\"pagelist-title\" href=\"")
		b.WriteString(r.href(p.URL))
		b.WriteString(`" title="`)
		b.WriteString(title)
		b.WriteString(`">`)
		b.WriteString(title)
		b.WriteString("</a>\n  <span class=\"pagelist-facts\">")
		writeSeverity(&b, p)
		if p.OwnerTeam != nil {
			b.WriteString(` <span class="pagelist-owner">`)
			b.WriteString(html.EscapeString(p.OwnerTeam.Title))
			b.WriteString("</span>")
		}
		if p.Stale {
			b.WriteString(` <span class="tag tag-stale">review overdue</span>`)
		}
		r.writeFindings(&b, p)
		b.WriteString("</span>\n  ")
		writeSummary(&b, p)
		b.WriteString("\n</li>")
	}
	b.WriteString("</ul>")
	return template.HTML(b.String())
}

// ownedRows are the rows of a team's table of what it owns (see
// ownedByUrgency): each page with its kind, when it was last reviewed,
// when its review is due and its state.
func (r *Renderer) ownedRows(rows []OwnedRow) template.HTML {
	var b strings.Builder
	b.Grow(512 * len(rows))
	for _, row := range rows {
		p := row.Page
		if p.Stale {
			b.WriteString(`<tr class="row-stale">`)
		} else {
			b.WriteString("<tr>")
		}
		b.WriteString("\n    <td><a href=\"")
		b.WriteString(r.href(p.URL))
		b.WriteString(`">`)
		b.WriteString(html.EscapeString(p.Title))
		b.WriteString("</a>")
		writeSeverity(&b, p)
		b.WriteString("</td>\n    <td>")
		b.WriteString(html.EscapeString(p.Kind.Label()))
		b.WriteString("</td>\n    <td>")
		if p.Meta != nil && !p.Meta.LastReviewed.IsZero() {
			b.WriteString(longDate(p.Meta.LastReviewed.Time))
		} else if p.Meta != nil {
			b.WriteString("never")
		}
		b.WriteString("</td>\n    <td>")
		if row.Due.IsZero() {
			b.WriteString("no review date")
		} else {
			b.WriteString(longDate(row.Due))
		}
		b.WriteString("</td>\n    <td>")
		switch {
		case row.Stale:
			b.WriteString(`<span class="tag tag-stale">review overdue</span>`)
		case row.DueSoon:
			b.WriteString(`<span class="tag tag-due">due soon</span>`)
		case row.Due.IsZero():
			b.WriteString(`<span class="tag tag-kind">not reviewed</span>`)
		default:
			b.WriteString(`<span class="tag tag-ok">current</span>`)
		}
		r.writeFindings(&b, p)
		b.WriteString("</td>\n  </tr>")
	}
	return template.HTML(b.String())
}

// longDate is a day as "2 January 2006", "" for the zero time.
func longDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}
