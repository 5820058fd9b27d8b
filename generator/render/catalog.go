package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/site"
)

// catalog.json and llms.txt are for programs: catalog.json lists what an
// on-call tool or a bot needs to route an alert (alerts, their runbooks,
// the teams that own them with their contacts, the tickets), and llms.txt
// says what the playbook holds, for language models and agents, following
// the llms.txt proposal (llmstxt.org): an H1 title, a blockquote summary,
// then H2 sections of links. Both come from the site graph, as pages.json
// does, with absolute URLs when base_url is set.

// catalog is catalog.json.
type catalog struct {
	Title string `json:"title"`
	// BaseURL is the URL the site is built for: base_url, or a deploy
	// preview's.
	BaseURL  string           `json:"base_url,omitempty"`
	Alerts   []catalogAlert   `json:"alerts"`
	Runbooks []catalogRunbook `json:"runbooks"`
	Teams    []catalogTeam    `json:"teams"`
}

// catalogTicket is a ticket id and, when tickets.url is set or the ticket
// is a URL, its link.
type catalogTicket struct {
	ID  string `json:"id"`
	URL string `json:"url,omitempty"`
}

type catalogAlert struct {
	Name      string          `json:"name"`
	URL       string          `json:"url"`
	Title     string          `json:"title"`
	Severity  string          `json:"severity,omitempty"`
	Owner     string          `json:"owner,omitempty"`
	Runbook   string          `json:"runbook,omitempty"` // the runbook page's URL
	Tickets   []catalogTicket `json:"tickets"`
	Dashboard string          `json:"dashboard,omitempty"`
	Expr      string          `json:"expr,omitempty"`
	Source    string          `json:"source"`
}

type catalogRunbook struct {
	Title     string          `json:"title"`
	URL       string          `json:"url"`
	Summary   string          `json:"summary,omitempty"`
	Severity  string          `json:"severity,omitempty"`
	Owner     string          `json:"owner,omitempty"`
	Alerts    []string        `json:"alerts"` // the alerts that lead to it, sorted
	Tickets   []catalogTicket `json:"tickets"`
	ReviewDue string          `json:"review_due,omitempty"`
	Stale     bool            `json:"stale,omitempty"`
	Updated   string          `json:"updated,omitempty"`
	Source    string          `json:"source"`
}

type catalogTeam struct {
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	URL            string   `json:"url"`
	Slack          string   `json:"slack,omitempty"`
	Email          string   `json:"email,omitempty"`
	Oncall         string   `json:"oncall,omitempty"`
	Escalation     []string `json:"escalation,omitempty"`
	TicketsProject string   `json:"tickets_project,omitempty"`
	// Alerts and Runbooks are what the team owns: alert names and runbook
	// URLs, sorted.
	Alerts   []string `json:"alerts"`
	Runbooks []string `json:"runbooks"`
}

// pageURL is a page's URL for programs: absolute under base_url when it
// is set, else a site path under the base path.
func (r *Renderer) pageURL(p *site.Page) string {
	return r.abs(r.base + strings.TrimPrefix(p.URL, "/"))
}

func (r *Renderer) tickets(ids []string) []catalogTicket {
	out := []catalogTicket{}
	for _, id := range ids {
		out = append(out, catalogTicket{ID: id, URL: r.site.Config.Tickets.Link(id)})
	}
	return out
}

func ownerID(p *site.Page) string {
	if p.Meta.Owner == "" {
		return ""
	}
	return site.TeamID(p.Meta.Owner)
}

// catalog makes catalog.json's value from the site graph: alert, runbook
// and team pages, sorted by URL.
func (r *Renderer) catalog() catalog {
	c := catalog{Title: r.site.Config.Title, BaseURL: r.site.Config.URL(), Alerts: []catalogAlert{}, Runbooks: []catalogRunbook{}, Teams: []catalogTeam{}}
	for _, p := range r.site.Pages {
		m := p.Meta
		switch p.Kind {
		case site.Alert:
			a := catalogAlert{Name: m.Alert, URL: r.pageURL(p), Title: p.Title, Severity: m.Severity, Owner: ownerID(p),
				Tickets: r.tickets(m.Tickets), Dashboard: m.Dashboard, Expr: p.Expression(), Source: p.Path}
			if rb := p.RunbookOf; rb != nil {
				a.Runbook = r.pageURL(rb)
			}
			c.Alerts = append(c.Alerts, a)
		case site.Runbook:
			c.Runbooks = append(c.Runbooks, catalogRunbook{Title: p.Title, URL: r.pageURL(p), Summary: m.Summary, Severity: m.Severity,
				Owner: ownerID(p), Alerts: r.runbookAlerts(p), Tickets: r.tickets(m.Tickets), ReviewDue: p.ReviewDue.String(),
				Stale: p.Stale, Updated: day(r.updated(p)), Source: p.Path})
		case site.Team:
			t := catalogTeam{ID: p.ID, Title: p.Title, URL: r.pageURL(p), Slack: m.Slack, Email: m.Email, Oncall: m.Oncall,
				Escalation: m.Escalation, TicketsProject: m.TicketsProject, Alerts: []string{}, Runbooks: []string{}}
			for _, q := range p.Owned {
				switch {
				case q.Kind == site.Alert && q.Meta.Alert != "":
					t.Alerts = append(t.Alerts, q.Meta.Alert)
				case q.Kind == site.Runbook:
					t.Runbooks = append(t.Runbooks, r.pageURL(q))
				}
			}
			slices.Sort(t.Alerts)
			slices.Sort(t.Runbooks)
			c.Teams = append(c.Teams, t)
		}
	}
	return c
}

// runbookAlerts are the alerts that lead to a runbook: its alert pages,
// the alerts it lists that a page or a rule defines, and the rules whose
// runbook_url leads to it; sorted, each once.
func (r *Renderer) runbookAlerts(p *site.Page) []string {
	out := []string{}
	for _, a := range p.AlertPages {
		out = append(out, a.Meta.Alert)
	}
	for _, a := range p.Meta.Alerts {
		if r.site.Alerts[a] != nil || r.site.RuleAlertNames[a] {
			out = append(out, a)
		}
	}
	out = append(out, p.RuleAlerts...)
	slices.Sort(out)
	return slices.Compact(out)
}

// catalogJSON writes catalog.json, indented by two spaces.
func (r *Renderer) catalogJSON(w Writer) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r.catalog()); err != nil {
		return err
	}
	return w.WriteFile("catalog.json", b.Bytes())
}

// llmsTxt writes llms.txt: the playbook's title, a summary of what it
// holds, how to use it, then a section of links for each kind of page:
// alerts (with severity, owner and runbook), runbooks, checklists, teams
// (with their contacts), personas, and guides; the machine-readable files
// last, under "Optional" as the proposal names what may be skipped.
func (r *Renderer) llmsTxt(w Writer) error {
	byKind := map[site.Kind][]*site.Page{}
	for _, p := range r.site.Pages {
		if p.Path != "" && p.URL != "/" {
			byKind[p.Kind] = append(byKind[p.Kind], p)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", oneLine(r.site.Config.Title))
	summary := ""
	if h := r.site.Home; h != nil {
		summary = oneLine(h.Meta.Summary)
	}
	if summary == "" {
		summary = "An operations playbook."
	}
	fmt.Fprintf(&b, "> %s It holds %s.\n\n", summary, counts(byKind))
	b.WriteString("Each alert has a page at its alert URL (" + r.abs(r.base+strings.TrimPrefix(strings.ReplaceAll(r.site.Config.AlertURL, "{alert}", "<alert name in lower case>"), "/")) +
		") with its owning team, its tickets and its runbook's steps. Runbooks say what to do when an alert fires; teams list their contacts and escalation. " +
		"catalog.json lists alerts, runbooks and teams as data.\n")
	section := func(title string, kind site.Kind, line func(p *site.Page) string) {
		pages := byKind[kind]
		if len(pages) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n## %s\n\n", title)
		for _, p := range pages {
			fmt.Fprintf(&b, "- [%s](%s)", linkText(p.Title), r.pageURL(p))
			if d := line(p); d != "" {
				b.WriteString(": " + d)
			}
			b.WriteByte('\n')
		}
	}
	summaryOf := func(p *site.Page) string { return oneLine(p.Meta.Summary) }
	section("Alerts", site.Alert, func(p *site.Page) string {
		var parts []string
		if p.Meta.Alert != "" && p.Meta.Alert != p.Title {
			parts = append(parts, "alert "+p.Meta.Alert)
		}
		if s := p.Meta.Severity; s != "" {
			parts = append(parts, "severity "+s)
		}
		if o := ownerID(p); o != "" {
			parts = append(parts, "owned by "+o)
		}
		if rb := p.RunbookOf; rb != nil {
			parts = append(parts, "runbook: "+oneLine(rb.Title))
		}
		return strings.Join(parts, ", ")
	})
	section("Runbooks", site.Runbook, func(p *site.Page) string {
		s := summaryOf(p)
		if a := r.runbookAlerts(p); len(a) > 0 {
			s = strings.TrimSpace(s + " (alerts: " + strings.Join(a, ", ") + ")")
		}
		return s
	})
	section("Checklists", site.Checklist, summaryOf)
	section("Teams", site.Team, func(p *site.Page) string {
		var parts []string
		for _, c := range []struct{ k, v string }{{"Slack", p.Meta.Slack}, {"e-mail", p.Meta.Email}, {"on-call", p.Meta.Oncall}, {"tickets", p.Meta.TicketsProject}} {
			if c.v != "" {
				parts = append(parts, c.k+" "+oneLine(c.v))
			}
		}
		return strings.Join(parts, ", ")
	})
	section("Personas", site.Persona, summaryOf)
	section("Guides", site.Guide, summaryOf)
	b.WriteString("\n## Optional\n\n")
	fmt.Fprintf(&b, "- [catalog.json](%s): alerts, runbooks and teams with their contacts and tickets, as JSON\n", r.abs(r.base+"catalog.json"))
	fmt.Fprintf(&b, "- [pages.json](%s): every page with its title, URL, kind, owner and review date, as JSON\n", r.abs(r.base+"pages.json"))
	return w.WriteFile("llms.txt", []byte(b.String()))
}

// counts says how many pages of each kind the site has: "14 alerts, 12
// runbooks and 5 teams".
func counts(byKind map[site.Kind][]*site.Page) string {
	var parts []string
	for _, k := range []site.Kind{site.Alert, site.Runbook, site.Checklist, site.Team, site.Persona, site.Guide} {
		n := len(byKind[k])
		if n == 0 {
			continue
		}
		word := strings.ToLower(k.Plural())
		if n == 1 {
			word = string(k)
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, word))
	}
	switch len(parts) {
	case 0:
		return "no pages yet"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// oneLine makes text one line of markdown: runs of white space as one
// space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// linkText escapes the brackets of a link's text.
func linkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(oneLine(s))
}

// catalogKey is the dependency key of catalog.json and llms.txt: what they
// show of every page (its front matter, title and URL, review state,
// findings, last change, the rules that lead to it and its expression),
// the configuration and the base path. The pages' part is a sum of a
// term per page (catalogTerm), which PatchKeys keeps up to date.
func (r *Renderer) catalogKey() uint64 {
	k := r.prepareKeys()
	h := newHasher()
	h.u64(r.opt.Salt)
	h.str(r.base)
	h.str(r.site.Config.URL())
	h.u64(k.catSum)
	return h.sum()
}

// catalogTerm is what catalog.json and llms.txt show of page p, hashed.
func (r *Renderer) catalogTerm(p *site.Page) uint64 {
	k := &r.keys.keyData
	h := newHasher()
	h.u64(k.iface(p))
	h.str(day(r.updated(p)))
	h.str(p.Expression())
	h.u64(uint64(len(p.RuleAlerts)))
	for _, a := range p.RuleAlerts {
		h.str(a)
	}
	for _, a := range p.Meta.Alerts {
		h.flag(r.site.RuleAlertNames[a])
	}
	return mix(h.sum())
}
