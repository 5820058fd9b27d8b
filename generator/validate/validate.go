// Package validate is the Validate stage: it checks the resolved site graph
// against the content model (every alert and runbook owned by a team and
// ticketed, alerts leading to runbooks, links and anchors that exist, roles
// and persona paths that exist, pages reviewed in time, redirects that do
// not shadow pages). Its input is a site.Site; its output is findings, all
// of them, sorted by file and line.
package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
)

// Site runs every check and returns the findings, sorted.
func Site(s *site.Site) []diag.Finding {
	v := &checker{site: s}
	urls := map[string]*site.Page{}
	for _, p := range s.Pages {
		if p.Path == "" {
			continue // made by the generator
		}
		prev := urls[p.URL]
		switch {
		case prev == nil:
			urls[p.URL] = p
		case p.Kind == site.Alert && prev.Kind == site.Alert && p.Meta.Alert != "" && prev.Meta.Alert != "":
			// alert/duplicate or alert/case-collision says it better.
		default:
			v.err(p, "page/url-conflict", 1, "this page and %s both have the URL %s; rename one of them", prev.File, p.URL)
		}
		if top, _, _ := strings.Cut(strings.Trim(p.URL, "/"), "/"); top != "" && resolve.IsSiteFile(top) {
			v.err(p, "page/url-conflict", 1, "this page's URL %s would make a folder where the build writes its own %s; rename the page", p.URL, top)
		}
		v.page(p)
	}
	v.alerts()
	v.aliases()
	for _, f := range s.Files {
		if what := resolve.Generated(s, f); what != "" {
			hint := ""
			switch f {
			case "404.html":
				hint = " (a site's own 404 page goes in layouts/404.html)"
			case "_redirects":
				hint = " (redirects come from the aliases: of pages)"
			}
			name := v.filePrefix() + f
			if src := s.FileFrom[f]; src != "" {
				name = src
			}
			v.out.Errorf("file/replaces-output", name, 0, "this file would replace %s, which the build writes, so it is left out: rename or remove it%s", what, hint)
		}
	}
	diag.Sort(v.out)
	return v.out
}

type checker struct {
	site *site.Site
	out  diag.List
	// served and files are the site paths a host answers and the
	// content's other files, made when first needed (see exact.go).
	served map[string]string
	files  map[string]bool
}

// filePrefix is what goes before a content path in findings
// ("content/"), as the pages' File fields have it.
func (v *checker) filePrefix() string {
	for _, p := range v.site.Pages {
		if p.Path != "" && strings.HasSuffix(p.File, p.Path) {
			return strings.TrimSuffix(p.File, p.Path)
		}
	}
	return ""
}

// inherited names where a page's value came from when a folder's cascade
// or playbook.yaml's defaults supplied it (frontmatter.Meta.Inherited),
// under any of the key's spellings: ", inherited from
// content/runbooks/_index.md:4," to go after the value in a message, or ""
// for the page's own value.
func inherited(m *frontmatter.Meta, keys ...string) string {
	for _, k := range keys {
		if where := m.Inherited[k]; where != "" {
			return ", inherited from " + where + ","
		}
	}
	return ""
}

func (v *checker) err(p *site.Page, check string, line int, format string, args ...any) {
	v.out.Errorf(check, p.File, line, format, args...)
}

func (v *checker) page(p *site.Page) {
	m := p.Meta
	if m.Unreadable {
		// Parse reported the front matter; what it would have said is
		// unknown, so checks of it would only bury that finding.
		return
	}
	top := m.Line("kind", 1)
	needsOwner := p.Kind == site.Runbook || p.Kind == site.Alert || p.Kind == site.Checklist
	if needsOwner && m.Owner == "" {
		v.err(p, "owner/missing", top, "%s has no owner: add \"owner: <team id>\"%s", p.Kind, v.teamHint())
	}
	if m.Owner != "" && p.OwnerTeam == nil {
		v.err(p, "owner/unknown", m.Line("owner", top), "owner %q%s is no team: there is no teams/%s.md%s", m.Owner, inherited(m, "owner"), names.FileName(site.TeamID(m.Owner)), v.teamHint())
	}
	if (p.Kind == site.Runbook || p.Kind == site.Alert) && len(m.Tickets) == 0 {
		v.err(p, "ticket/missing", top, "%s has no ticket: add \"ticket: <id>\" for the work that made it", p.Kind)
	}
	for _, t := range m.Tickets {
		if !v.site.Config.Tickets.Valid(t) {
			line := m.Line("ticket", m.Line("tickets", top))
			v.err(p, "ticket/malformed", line, "ticket %q%s does not match %s (nor is it a URL)", t, inherited(m, "ticket", "tickets"), v.site.Config.Tickets.Pattern)
		}
	}
	if p.Kind == site.Alert {
		switch {
		case m.Alert == "":
			v.err(p, "alert/no-name", top, "alert page has no alert name: add \"alert: <the rule's exact name>\"")
		}
		switch {
		case m.Runbook == "":
			v.err(p, "alert/no-runbook", top, "alert has no runbook: add \"runbook: <page reference>\"")
		case p.RunbookOf == nil:
			v.err(p, "alert/no-runbook", m.Line("runbook", top), "runbook %q%s is no page", m.Runbook, inherited(m, "runbook"))
		case p.RunbookOf.Kind != site.Runbook:
			v.err(p, "alert/no-runbook", m.Line("runbook", top), "runbook %q%s is a %s page, not a runbook", m.Runbook, inherited(m, "runbook"), p.RunbookOf.Kind)
		}
	}
	if p.Kind == site.Runbook && len(p.AlertPages) == 0 && len(m.Alerts) == 0 && len(p.RuleAlerts) == 0 {
		v.out.Warnf("runbook/orphan", p.File, top, "no alert leads to this runbook: list the alerts it handles in \"alerts:\" or point an alert page's \"runbook:\" at it")
	}
	for _, r := range m.Roles {
		if v.site.Personas[r] == nil {
			v.err(p, "role/unknown", m.Line("roles", top), "role %q%s is no persona: there is no personas/%s.md%s", r, inherited(m, "roles"), names.FileName(r), v.personaHint())
		}
	}
	for i, target := range p.OnboardingPages {
		if target == nil {
			line := top
			if i < len(m.OnboardingPathLines) {
				line = m.OnboardingPathLines[i]
			}
			v.err(p, "persona/path-broken", line, "path entry %q is no page", m.OnboardingPath[i])
		}
	}
	for _, l := range p.Links {
		v.link(p, l)
	}
	if p.Stale {
		sev := diag.Warning
		if v.site.Config.Review.FailWhenStale {
			sev = diag.Error
		}
		from := strings.TrimSuffix(inherited(m, "last_reviewed", "last_reviewed_on"), ",")
		if every := inherited(m, "review_every", "review_in"); every != "" {
			from += "; review_every" + strings.TrimSuffix(every, ",")
		}
		v.out.Add("review/stale", sev, p.File, m.Line("last_reviewed", top),
			"review was due on %s (last reviewed %s%s): check the page and update last_reviewed", p.ReviewDue, m.LastReviewed, from)
	}
}

func (v *checker) link(p *site.Page, l site.Link) {
	if !l.Local {
		return
	}
	what := "link"
	if l.Image {
		what = "image"
	}
	if l.File {
		if l.Missing {
			hint := ""
			if looksLikeEmail(l.Dest) {
				hint = `: add "mailto:" for an e-mail address`
			}
			v.err(p, "link/missing-file", l.Line, "%s to %q: no such file in the content folder%s", what, l.Dest, hint)
		} else if want := v.inexactLink(p, l); want != "" {
			v.err(p, "link/missing-file", l.Line, "%s to %q: no such file, as paths are case-sensitive on GitHub and most hosts; did you mean %q?", what, l.Dest, want)
		}
		return
	}
	if l.Target == nil {
		v.err(p, "link/broken", l.Line, "%s to %q: no such page or file", what, l.Dest)
		return
	}
	if want := v.inexactLink(p, l); want != "" {
		v.err(p, "link/broken", l.Line, "%s to %q: no such page or file, as paths are case-sensitive on GitHub and most hosts; did you mean %q?", what, l.Dest, want)
		return
	}
	if _, ok := l.Target.Anchor(l.Fragment); l.Fragment != "" && !ok {
		where := "this page"
		if l.Target != p {
			where = l.Target.File
			if where == "" {
				where = l.Target.URL
			}
		}
		v.err(p, "link/broken", l.Line, "%s to %q: %s has no heading with id %q", what, l.Dest, where, l.Fragment)
	}
}

func (v *checker) alerts() {
	lower := map[string]*site.Page{}
	for _, p := range v.site.Pages {
		a := p.Meta.Alert
		if p.Kind != site.Alert || a == "" {
			continue
		}
		line := p.Meta.Line("alert", 1)
		if err := names.Segment(a); err != nil {
			// Prometheus 3 accepts any UTF-8 alert name; the page's own
			// URL is made of the name's letters and digits, but the
			// exact spelling cannot be a path, so it gets no redirect.
			sev := diag.Warning
			if strings.ContainsFunc(a, unicode.IsControl) || !utf8.ValidString(a) {
				sev = diag.Error
			}
			v.out.Add("alert/invalid-name", sev, p.File, line, "alert name %q %v, so it cannot be a URL path segment: no redirect from its exact spelling is written; the page is at %s", a, err, p.URL)
		}
		if first := v.site.Alerts[a]; first != p {
			v.err(p, "alert/duplicate", line, "alert %q already has a page: %s", a, first.File)
			continue
		}
		key := strings.ToLower(a)
		if other := lower[key]; other != nil {
			v.err(p, "alert/case-collision", line, "alert %q differs only in case from %q (%s): both would be served at %s", a, other.Meta.Alert, other.File, p.URL)
			continue
		}
		lower[key] = p
	}
}

func (v *checker) aliases() {
	claimed := map[string]*site.Page{}
	for _, p := range v.site.Pages {
		for _, a := range p.Meta.Aliases {
			u := load.AliasURL(a)
			line := p.Meta.Line("aliases", 1)
			if err := resolve.AliasError(a); err != nil {
				v.err(p, "redirect/invalid", line, "alias %q %v; no redirect is written for it", a, err)
				continue
			}
			if live := v.site.ByURL[u]; live != nil {
				v.err(p, "redirect/conflict", line, "alias %q would redirect %s, which is the page %s", a, u, nameOf(live))
				continue
			}
			if prev := claimed[u]; prev != nil && prev != p {
				v.err(p, "redirect/conflict", line, "alias %q is also an alias of %s", a, prev.File)
				continue
			}
			claimed[u] = p
		}
	}
}

func nameOf(p *site.Page) string {
	if p.File != "" {
		return p.File
	}
	return fmt.Sprintf("listing %s", p.URL)
}

func (v *checker) teamHint() string {
	return hint(" (teams: ", keys(v.site.Teams))
}

func (v *checker) personaHint() string {
	return hint(" (personas: ", keys(v.site.Personas))
}

func hint(prefix string, ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) > 8 {
		ids = append(ids[:8:8], "…")
	}
	return prefix + strings.Join(ids, ", ") + ")"
}

// looksLikeEmail reports whether a link destination is an e-mail address
// written without "mailto:".
func looksLikeEmail(dest string) bool {
	at := strings.IndexByte(dest, '@')
	return at > 0 && !strings.ContainsAny(dest, "/?#") && strings.Contains(dest[at:], ".")
}
