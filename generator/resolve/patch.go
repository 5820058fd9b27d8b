package resolve

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Patch brings g up to date, in place, after the pages in changed were
// parsed again (each takes the place of the page with its Path). It
// applies to the changes that leave the graph's shape as it was: each
// changed page keeps its URL, reference, kind, id, heading ids and the
// front matter that ties pages together (alert, runbook, alerts, roles,
// onboarding_path, aliases, weight, sidebar label, Docusaurus id and
// slug); its title, owner, review dates, tickets, other front matter and
// body may change. It returns the pages whose resolved fields changed
// (the changed pages, the teams that gained or lost one) and true; or
// nil and false, with g as it was, when a change is not of that kind and
// the site must be resolved again (New).
//
// Nodes are changed in place: a Site that g made before is this one.
func (g *Graph) Patch(changed []*site.Parsed, now time.Time) ([]*site.Page, bool) {
	s := g.Site
	nodes := make([]*site.Page, len(changed))
	for i, np := range changed {
		p := g.byPath[np.Path]
		if p == nil || p.Parsed == nil || !sameShape(s, p.Parsed, np) {
			return nil, false
		}
		nodes[i] = p
	}
	var touched []*site.Page
	resort := map[*site.Page]bool{}
	for i, np := range changed {
		p := nodes[i]
		old := p.Parsed
		p.Parsed = np
		touched = append(touched, p)
		p.Links = nil
		for _, l := range np.Outline.Links {
			p.Links = append(p.Links, link(s, g.files, g.docs, p, l))
		}
		if np.Title != old.Title && p.Parent != nil {
			resort[p.Parent] = true
		}
		team := (*site.Page)(nil)
		if o := np.Meta.Owner; o != "" {
			team = s.Teams[site.TeamID(o)]
		}
		if team != p.OwnerTeam {
			if t := p.OwnerTeam; t != nil {
				t.Owned = slices.DeleteFunc(slices.Clone(t.Owned), func(q *site.Page) bool { return q == p })
				touched = append(touched, t)
			}
			if team != nil {
				at, _ := slices.BinarySearchFunc(team.Owned, p, byURL)
				team.Owned = slices.Insert(slices.Clone(team.Owned), at, p)
				touched = append(touched, team)
			}
			p.OwnerTeam = team
		}
		p.ReviewDue, p.Stale = reviewDue(s, np, now)
	}
	for folder := range resort {
		sortChildren(folder)
	}
	return touched, true
}

// sameShape reports whether np, a new parse of the page old, leaves the
// site graph's shape as it was (see Patch).
func sameShape(s *site.Site, old, np *site.Parsed) bool {
	if old.Path != np.Path || old.URL != np.URL || old.Ref != np.Ref || old.Kind != np.Kind || old.ID != np.ID ||
		old.AnchorSum != np.AnchorSum || old.File != np.File {
		return false
	}
	a, b := old.Meta, np.Meta
	if a.Alert != b.Alert || a.Runbook != b.Runbook || a.Weight != b.Weight || a.NavLabel != b.NavLabel ||
		a.Draft != b.Draft || a.DocID != b.DocID || a.Slug != b.Slug || a.Cascade != b.Cascade ||
		!slices.Equal(a.Alerts, b.Alerts) || !slices.Equal(a.Roles, b.Roles) ||
		!slices.Equal(a.OnboardingPath, b.OnboardingPath) || !slices.Equal(a.Aliases, b.Aliases) {
		return false
	}
	if s.Config.Source == "docusaurus" && parse.DocusaurusPath(old.Ref, a) != parse.DocusaurusPath(np.Ref, b) {
		return false
	}
	// A team's id is its file name, but an owner reference may name it
	// in another case; a persona's and a team's pages are read by every
	// page (the sidebar's personas, owner names): New resolves those.
	return np.Kind != site.Team && np.Kind != site.Persona && !strings.EqualFold(np.Path, "_index.md") && np.URL != "/"
}

// Rules links the alert pages to their rules again after the rule files
// changed (see the function Rules): the alert pages' Rule and the
// runbooks' RuleAlerts are made anew from rs. It returns the pages whose
// rule, or whose alerts from rules, changed.
//
// The first call links every page. Later calls link again only the pages
// that the rules added or gone since the last call name (their alert, the
// runbook their runbook_url leads to): rules.Parse makes new rules only
// for a file whose bytes changed, so a rule file's edit links the rules of
// that file, not every rule. When the rules that stay are in another
// order, every page is linked again, as an alert's rule is the first
// that defines it.
func (g *Graph) Rules(rs []*rules.Rule) []*site.Page {
	if g.runbooks == nil {
		g.runbooks = map[string]*site.Page{}
	}
	find := func(raw string) *site.Page {
		p, ok := g.runbooks[raw]
		if !ok {
			p = ruleRunbook(g.Site, raw)
			g.runbooks[raw] = p
		}
		return p
	}
	type was struct {
		rule   *rules.Rule
		alerts []string
	}
	before := map[*site.Page]was{}
	// The rules added and those gone, and what they name.
	now := make(map[*rules.Rule]bool, len(rs))
	for _, r := range rs {
		now[r] = true
	}
	was0 := make(map[*rules.Rule]bool, len(g.rules))
	names := map[string]bool{}
	runbooks := map[*site.Page]bool{}
	note := func(r *rules.Rule) {
		if r.Alert == "" {
			return
		}
		names[r.Alert] = true
		if rb := find(r.RunbookURL()); rb != nil {
			runbooks[rb] = true
		}
	}
	for _, r := range g.rules {
		was0[r] = true
		if !now[r] {
			note(r)
		}
	}
	// An alert's rule is the first that defines it: the rules that stay
	// must stay in their order (their files in theirs), or every page is
	// linked again.
	full, j := !g.linked, 0
	for _, r := range rs {
		if !was0[r] {
			note(r)
			continue
		}
		for j < len(g.rules) && !now[g.rules[j]] {
			j++
		}
		if j == len(g.rules) || g.rules[j] != r {
			full = true
		}
		j++
	}
	if full {
		for _, p := range g.Site.Pages {
			if p.Rule != nil || p.RuleAlerts != nil {
				before[p] = was{p.Rule, p.RuleAlerts}
				p.Rule, p.RuleAlerts = nil, nil
			}
		}
		g.Site.RuleAlertNames = nil
		linkRules(g.Site, rs, find)
		g.linked, g.rules = true, rs
		var touched []*site.Page
		for _, p := range g.Site.Pages {
			w := before[p]
			if !sameRule(w.rule, p.Rule) || !slices.Equal(w.alerts, p.RuleAlerts) {
				touched = append(touched, p)
			}
		}
		return touched
	}
	g.rules = rs
	if len(names) == 0 {
		return nil
	}
	var pages []*site.Page
	for name := range names {
		if p := g.Site.Alerts[name]; p != nil {
			before[p] = was{p.Rule, p.RuleAlerts}
			p.Rule = nil
			pages = append(pages, p)
		}
	}
	for rb := range runbooks {
		if _, ok := before[rb]; !ok {
			before[rb] = was{rb.Rule, rb.RuleAlerts}
			pages = append(pages, rb)
		}
		rb.RuleAlerts = nil
	}
	defined := map[string]bool{}
	for _, r := range rs {
		if r.Alert == "" || !names[r.Alert] && len(runbooks) == 0 {
			continue
		}
		if names[r.Alert] {
			defined[r.Alert] = true
			if p := g.Site.Alerts[r.Alert]; p != nil && p.Rule == nil {
				p.Rule = r
			}
		}
		if rb := find(r.RunbookURL()); rb != nil && runbooks[rb] && !slices.Contains(rb.RuleAlerts, r.Alert) {
			rb.RuleAlerts = append(rb.RuleAlerts, r.Alert)
			slices.Sort(rb.RuleAlerts)
		}
	}
	for name := range names {
		if defined[name] {
			if g.Site.RuleAlertNames == nil {
				g.Site.RuleAlertNames = map[string]bool{}
			}
			g.Site.RuleAlertNames[name] = true
		} else {
			delete(g.Site.RuleAlertNames, name)
		}
	}
	var touched []*site.Page
	for _, p := range pages {
		w := before[p]
		if !sameRule(w.rule, p.Rule) || !slices.Equal(w.alerts, p.RuleAlerts) {
			touched = append(touched, p)
		}
	}
	slices.SortFunc(touched, byURL)
	return touched
}

// sameRule reports whether two rules are the same as an alert page shows
// and checks them.
func sameRule(a, b *rules.Rule) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Alert == b.Alert && a.Expr == b.Expr && a.For == b.For && a.File == b.File && a.Line == b.Line &&
		a.RunbookLine == b.RunbookLine && a.RunbookURL() == b.RunbookURL() &&
		a.Group == b.Group && maps.Equal(a.Labels, b.Labels) && maps.Equal(a.Annotations, b.Annotations) &&
		maps.Equal(a.LabelLines, b.LabelLines)
}

// reviewDue is when page p is due for review, and whether it is overdue
// at now.
func reviewDue(s *site.Site, p *site.Parsed, now time.Time) (due frontmatter.Date, stale bool) {
	every := p.Meta.ReviewEvery
	if every.IsZero() {
		every = s.Config.Review.Every
	}
	if !p.Meta.LastReviewed.IsZero() && !every.IsZero() {
		due = every.After(p.Meta.LastReviewed)
		stale = !now.Before(due.Time)
	}
	return due, stale
}

// sortChildren sorts a folder page's pages as sections does (sortPages),
// into a new list: the previous graph's readers keep theirs.
func sortChildren(p *site.Page) {
	kids := slices.Clone(p.Children)
	sortPages(kids)
	p.Children = kids
}
