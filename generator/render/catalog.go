package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

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

// catalogElem is page p's element of catalog.json: an alert, a runbook
// or a team; nil for the other kinds.
func (r *Renderer) catalogElem(p *site.Page) any {
	m := p.Meta
	switch p.Kind {
	case site.Alert:
		a := catalogAlert{Name: m.Alert, URL: r.pageURL(p), Title: p.Title, Severity: m.Severity, Owner: ownerID(p),
			Tickets: r.tickets(m.Tickets), Dashboard: m.Dashboard, Expr: p.Expression(), Source: p.Path}
		if rb := p.RunbookOf; rb != nil {
			a.Runbook = r.pageURL(rb)
		}
		return a
	case site.Runbook:
		return catalogRunbook{Title: p.Title, URL: r.pageURL(p), Summary: m.Summary, Severity: m.Severity,
			Owner: ownerID(p), Alerts: r.runbookAlerts(p), Tickets: r.tickets(m.Tickets), ReviewDue: p.ReviewDue.String(),
			Stale: p.Stale, Updated: day(r.updated(p)), Source: p.Path}
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
		return t
	}
	return nil
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

// catalogJSON writes catalog.json: {"title", "base_url", "alerts",
// "runbooks", "teams"}, each list sorted by URL, indented by two spaces,
// with < > & as they are (expressions hold them).
func (r *Renderer) catalogJSON(w Writer) error {
	c, err := r.catEntries()
	if err != nil {
		return err
	}
	ents := c.ents
	title, err := jsonValue(r.site.Config.Title, "")
	if err != nil {
		return err
	}
	head := "{\n  \"title\": " + string(title)
	if u := r.site.Config.URL(); u != "" {
		v, err := jsonValue(u, "")
		if err != nil {
			return err
		}
		head += ",\n  \"base_url\": " + string(v)
	}
	// The head, then each list's name, its elements each after the same
	// separator, and its end.
	parts := make([]string, 0, 2*len(ents)+8)
	parts = append(parts, head)
	for _, list := range [...]struct {
		open string
		kind site.Kind
	}{{",\n  \"alerts\": [", site.Alert}, {",\n  \"runbooks\": [", site.Runbook}, {",\n  \"teams\": [", site.Team}} {
		parts = append(parts, list.open)
		n := 0
		for i, p := range r.site.Pages {
			if p.Kind != list.kind || ents[i].elem == "" {
				continue
			}
			if n > 0 {
				parts = append(parts, ",\n    ")
			} else {
				parts = append(parts, "\n    ")
			}
			parts = append(parts, ents[i].elem)
			n++
		}
		if n > 0 {
			parts = append(parts, "\n  ]")
		} else {
			parts = append(parts, "]")
		}
	}
	parts = append(parts, "\n}\n")
	return WriteJoined(w, "catalog.json", newJoined(parts, &c.catalog))
}

// jsonValue encodes v as JSON indented by two spaces after prefix, with
// < > & as they are.
func jsonValue(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// llmsTxt writes llms.txt: the playbook's title, a summary of what it
// holds, how to use it, then a section of links for each kind of page:
// alerts (with severity, owner and runbook), runbooks, checklists, teams
// (with their contacts), personas, and guides; the machine-readable files
// last, under "Optional" as the proposal names what may be skipped.
func (r *Renderer) llmsTxt(w Writer) error {
	c, err := r.catEntries()
	if err != nil {
		return err
	}
	// Each kind's lines, in page order: a page's line is "" when
	// llms.txt leaves it out, and of a kind of llmsKinds when not.
	var lines [len(llmsKinds)][]string
	size := 2048
	for i := range c.ents {
		e := &c.ents[i]
		if e.line == "" {
			continue
		}
		if k := slices.Index(llmsKinds[:], e.kind); k >= 0 {
			lines[k] = append(lines[k], e.line)
			size += len(e.line)
		}
	}
	byKind := map[site.Kind]int{}
	for k, l := range lines {
		if len(l) > 0 {
			byKind[llmsKinds[k]] = len(l)
		}
	}
	summary := ""
	if h := r.site.Home; h != nil {
		summary = oneLine(h.Meta.Summary)
	}
	if summary == "" {
		summary = "An operations playbook."
	}
	var head []byte
	head = fmt.Appendf(head, "# %s\n\n", oneLine(r.site.Config.Title))
	head = fmt.Appendf(head, "> %s It holds %s.\n\n", summary, counts(byKind))
	head = append(head, "Each alert has a page at its alert URL ("+r.abs(r.base+strings.TrimPrefix(strings.ReplaceAll(r.site.Config.AlertURL, "{alert}", "<alert name in lower case>"), "/"))+
		") with its owning team, its tickets and its runbook's steps. Runbooks say what to do when an alert fires; teams list their contacts and escalation. "+
		"catalog.json lists alerts, runbooks and teams as data.\n"...)
	parts := []string{string(head)}
	for k, l := range lines {
		if len(l) == 0 {
			continue
		}
		parts = append(parts, "\n## "+llmsKinds[k].Plural()+"\n\n")
		parts = append(parts, l...)
	}
	var tail []byte
	tail = append(tail, "\n## Optional\n\n"...)
	tail = fmt.Appendf(tail, "- [catalog.json](%s): alerts, runbooks and teams with their contacts and tickets, as JSON\n", r.abs(r.base+"catalog.json"))
	tail = fmt.Appendf(tail, "- [pages.json](%s): every page with its title, URL, kind, owner and review date, as JSON\n", r.abs(r.base+"pages.json"))
	parts = append(parts, string(tail))
	return WriteJoined(w, "llms.txt", newJoined(parts, &c.llms))
}

// llmsKinds are the kinds of page llms.txt lists, a section each, in
// order.
var llmsKinds = [...]site.Kind{site.Alert, site.Runbook, site.Checklist, site.Team, site.Persona, site.Guide}

// llmsLine is page p's line of llms.txt, "- [title](url): what it is\n",
// or "" for a page it leaves out.
func (r *Renderer) llmsLine(p *site.Page) string {
	if p.Path == "" || p.URL == "/" || !slices.Contains(llmsKinds[:], p.Kind) {
		return ""
	}
	var desc string
	switch p.Kind {
	case site.Alert:
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
		desc = strings.Join(parts, ", ")
	case site.Runbook:
		desc = oneLine(p.Meta.Summary)
		if a := r.runbookAlerts(p); len(a) > 0 {
			desc = strings.TrimSpace(desc + " (alerts: " + strings.Join(a, ", ") + ")")
		}
	case site.Team:
		var parts []string
		for _, c := range []struct{ k, v string }{{"Slack", p.Meta.Slack}, {"e-mail", p.Meta.Email}, {"on-call", p.Meta.Oncall}, {"tickets", p.Meta.TicketsProject}} {
			if c.v != "" {
				parts = append(parts, c.k+" "+oneLine(c.v))
			}
		}
		desc = strings.Join(parts, ", ")
	default:
		desc = oneLine(p.Meta.Summary)
	}
	line := "- [" + linkText(p.Title) + "](" + r.pageURL(p) + ")"
	if desc != "" {
		line += ": " + desc
	}
	return line + "\n"
}

// counts says how many pages of each kind the site has: "14 alerts, 12
// runbooks and 5 teams".
func counts(byKind map[site.Kind]int) string {
	var parts []string
	for _, k := range llmsKinds {
		n := byKind[k]
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
func linkText(s string) string { return linkEscaper.Replace(oneLine(s)) }

// linkEscaper escapes a link text's backslashes and brackets.
var linkEscaper = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`)

// catalogKeys are the dependency keys of catalog.json and of llms.txt: a
// hash of the pages' elements of catalog.json, and of their lines of
// llms.txt, each with its place and the page's kind (see catState), and
// of what else the file shows (the configuration, the base path, the home
// page's summary). As they hash what the files show, an edit writes again
// only the file whose bytes change: a guide's title is in llms.txt, not in
// catalog.json.
func (r *Renderer) catalogKeys() (catalog, llms uint64) {
	c, err := r.catEntries()
	if err != nil {
		// Writing the files says what is wrong.
		return ^uint64(0), ^uint64(0)
	}
	h := newHasher()
	h.u64(r.opt.Salt)
	h.str(r.base)
	h.str(r.site.Config.URL())
	l := h
	h.u64(c.elemSum)
	if home := r.site.Home; home != nil {
		l.str(home.Meta.Summary)
	}
	l.u64(c.lineSum)
	return h.sum(), l.sum()
}

// catState is what catalog.json and llms.txt show of each page, kept with
// the keys of one site graph (Keys) and brought up to date page by page:
// after a patch, only the entries of the pages that PatchKeys marked stale
// are worked out again (their term, then, when it changed, their element
// and line), not those of every page.
type catState struct {
	mu sync.Mutex
	// ents are the entries by index in Site.Pages, nil until made.
	ents []catEntry
	// stale are the pages whose entry may have changed since ents were
	// made: those PatchKeys found changed, and the pages whose entry
	// shows them.
	stale map[*site.Page]bool
	// elemSum and lineSum are the sums of the entries' elemH and lineH.
	elemSum, lineSum uint64
	// catalog and llms are catalog.json and llms.txt as they were last
	// joined.
	catalog, llms spliced
}

// mark notes that the entries of page p, and of the pages whose entry
// shows something of p that a patch may change, may have changed: those
// are its alert pages, whose line of llms.txt names their runbook's
// title. What else an entry shows of other pages (a runbook's alerts, the
// alerts and runbooks a team owns, an alert's runbook's URL) is their
// alert names, kinds and URLs, which a patch leaves as they were, and
// lists that change only with pages the patch touches (resolve.Graph.Patch
// and Rules return the teams and the runbooks whose lists changed).
func (c *catState) mark(p *site.Page) {
	if c.ents == nil {
		return // made anew, for every page, when first needed
	}
	if c.stale == nil {
		c.stale = map[*site.Page]bool{}
	}
	c.stale[p] = true
	for _, q := range p.AlertPages {
		c.stale[q] = true
	}
}

// put sets entry i, page p's, and its part of the sums.
func (c *catState) put(i int, p *site.Page, e catEntry) {
	old := c.ents[i]
	place := newHasher()
	place.u64(uint64(i))
	place.str(string(p.Kind))
	eh, lh := place, place
	eh.str(e.elem)
	lh.str(e.line)
	e.elemH, e.lineH = eh.sum(), lh.sum()
	c.elemSum += e.elemH - old.elemH
	c.lineSum += e.lineH - old.lineH
	c.ents[i] = e
}

// catEntry is what catalog.json and llms.txt show of one page: its
// element of catalog.json (nil for pages it leaves out) and its line of
// llms.txt ("" likewise), with the term they were made from (entryTerm)
// and, once placed in a catState, their hashes.
type catEntry struct {
	kind         site.Kind
	term         uint64
	elem         string
	line         string
	elemH, lineH uint64
}

// catEntries returns each page's catEntry, by index in r.site.Pages, up
// to date: made for every page the first time (from the cache,
// Options.Bodies, for a page whose term is as it was, so that a new graph
// encodes only the elements that changed), then again only for the stale
// pages whose term changed.
func (r *Renderer) catEntries() (*catState, error) {
	k := r.prepareKeys()
	c := &k.cat
	c.mu.Lock()
	defer c.mu.Unlock()
	bc := r.opt.Bodies
	global := r.catGlobal()
	if bc != nil {
		bc.mu.Lock()
		defer bc.mu.Unlock()
		if bc.catGlobal != global || bc.cat == nil {
			bc.cat, bc.catGlobal = map[*site.Parsed]catEntry{}, global
		}
	}
	entry := func(p *site.Page) (catEntry, error) {
		term := r.entryTerm(p)
		if bc != nil && p.Parsed != nil {
			if e, ok := bc.cat[p.Parsed]; ok && e.term == term {
				return e, nil
			}
		}
		e := catEntry{kind: p.Kind, term: term, line: r.llmsLine(p)}
		if v := r.catalogElem(p); v != nil {
			var err error
			elem, err := jsonValue(v, "    ")
			if err != nil {
				return e, err
			}
			e.elem = string(elem)
		}
		if bc != nil && p.Parsed != nil {
			bc.cat[p.Parsed] = e
			bc.made += savable(p.Parsed)
		}
		return e, nil
	}
	if c.ents == nil {
		c.ents = make([]catEntry, len(r.site.Pages))
		c.elemSum, c.lineSum, c.stale = 0, 0, nil
		for i, p := range r.site.Pages {
			e, err := entry(p)
			if err != nil {
				c.ents = nil
				return nil, err
			}
			c.put(i, p, e)
		}
		return c, nil
	}
	for p := range c.stale {
		i, ok := k.at[p]
		if !ok || r.entryTerm(p) == c.ents[i].term {
			continue
		}
		e, err := entry(p)
		if err != nil {
			c.ents = nil
			return nil, err
		}
		c.put(i, p, e)
	}
	c.stale = nil
	return c, nil
}

// entryTerm hashes everything catalogElem and llmsLine read of page p and
// of the pages it names (its runbook, its alert pages, what a team owns).
func (r *Renderer) entryTerm(p *site.Page) uint64 {
	k := r.prepareKeys()
	h := newHasher()
	h.u64(k.iface(p)) // its title, URL, kind and front matter
	h.u64(dayKey(r.updated(p)))
	if p.Kind == site.Alert {
		h.str(p.Expression())
	}
	for _, a := range p.RuleAlerts {
		h.str(a)
	}
	for _, a := range p.Meta.Alerts {
		h.flag(r.site.Alerts[a] != nil)
		h.flag(r.site.RuleAlertNames[a])
	}
	for _, q := range p.AlertPages {
		h.u64(k.iface(q))
	}
	if rb := p.RunbookOf; rb != nil {
		h.u64(k.iface(rb))
	}
	if p.Kind == site.Team {
		h.u64(uint64(len(p.Owned)))
		for _, q := range p.Owned {
			h.u64(k.iface(q))
		}
	}
	return h.sum()
}
