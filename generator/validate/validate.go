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
	return NewChecker(s).Findings()
}

// global runs the checks that are not about one page: URL conflicts,
// alert names, aliases and the content's other files.
func (v *checker) global() {
	urls := map[string]*site.Page{}
	for _, p := range v.site.Pages {
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
		if list, n := resolve.PagerOf(v.site, p.URL); list != nil {
			v.err(p, "page/url-conflict", 1, "this page's URL %s is where page %d of the list on %s goes once the list has more than %d entries (pager_size %d; Hugo's pagination path): this page would be shown there instead; rename the page or its folder", p.URL, n, listName(list), (n-1)*v.site.Config.PagerSize, v.site.Config.PagerSize)
		}
		if top, _, _ := strings.Cut(strings.Trim(p.URL, "/"), "/"); top != "" && resolve.IsSiteFile(top) {
			v.err(p, "page/url-conflict", 1, "this page's URL %s would make a folder where the build writes its own %s; rename the page", p.URL, top)
		}
	}
	v.alerts()
	v.aliases()
	for _, f := range v.site.Files {
		if what := resolve.Generated(v.site, f); what != "" {
			hint := ""
			switch f {
			case "404.html":
				hint = " (a site's own 404 page goes in layouts/404.html)"
			case "_redirects":
				hint = " (redirects come from the aliases: of pages)"
			}
			name := v.filePrefix() + f
			if src := v.site.FileFrom[f]; src != "" {
				name = src
			}
			v.out.Errorf("file/replaces-output", name, 0, "this file would replace %s, which the build writes, so it is left out: rename or remove it%s", what, hint)
		}
	}
}

type checker struct {
	site *site.Site
	out  diag.List
	// served and files are the site paths a host answers and the
	// content's other files, made when first needed (see exact.go).
	served map[string]string
	files  map[string]bool
	// refs, refList and alertList are the pages by lowercased content
	// reference and the alert names, for did-you-mean hints (hints.go).
	refs      map[string]*site.Page
	refList   []string
	alertList []string
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

// fix adds an error whose message ends with its fix (see diag.Finding.Fix).
func (v *checker) fix(p *site.Page, check string, line int, fix, format string, args ...any) {
	v.out.AddFix(check, diag.Error, p.File, line, fix, format, args...)
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
		if line, empty := m.Lines["owner"]; empty {
			v.fix(p, "owner/missing", line, "write the id of the team that owns it after \"owner:\""+v.teamHint(), "owner is empty")
		} else {
			v.fix(p, "owner/missing", top, "add \"owner: <team id>\""+v.teamHint(), "%s has no owner", p.Kind)
		}
	}
	if m.Owner != "" && p.OwnerTeam == nil {
		v.ownerUnknown(p, top)
	}
	if (p.Kind == site.Runbook || p.Kind == site.Alert) && len(m.Tickets) == 0 {
		example := v.ticketExample(p)
		if line, empty := m.Lines["ticket"]; empty {
			v.fix(p, "ticket/missing", line, "write the id of the ticket for the work that made it after \"ticket:\""+such(example), "ticket is empty")
		} else if line, empty := m.Lines["tickets"]; empty {
			v.fix(p, "ticket/missing", line, "list the ids of the tickets for the work that made it"+such(example), "tickets is empty")
		} else {
			v.fix(p, "ticket/missing", top, "add \"ticket: <id>\" for the work that made it"+such(example), "%s has no ticket", p.Kind)
		}
	}
	for _, t := range m.Tickets {
		if !v.site.Config.Tickets.Valid(t) {
			line := m.ItemLine("ticket", t, m.ItemLine("tickets", t, m.Line("ticket", m.Line("tickets", top))))
			v.ticketMalformed(p, t, inherited(m, "ticket", "tickets"), line)
		}
	}
	v.severity(p, top)
	if p.Kind == site.Alert {
		switch {
		case m.Alert == "":
			v.err(p, "alert/no-name", top, "alert page has no alert name: add \"alert: <the rule's exact name>\"")
		}
		isRunbook := func(t *site.Page) bool { return t.Kind == site.Runbook }
		switch {
		case m.Runbook == "":
			if line, empty := m.Lines["runbook"]; empty {
				v.fix(p, "alert/no-runbook", line, "write the runbook's path from content/ after \"runbook:\"", "runbook is empty")
			} else {
				v.fix(p, "alert/no-runbook", top, "add \"runbook: <page reference>\"", "alert has no runbook")
			}
		case p.RunbookOf == nil && v.draftRef(m.Runbook) != nil:
			v.fix(p, "alert/no-runbook", m.Line("runbook", top), "publish the runbook (remove \"draft: true\") before its alert page", "runbook %q is a draft (%s), which the site leaves out", m.Runbook, v.draftRef(m.Runbook).File)
		case p.RunbookOf == nil:
			v.fix(p, "alert/no-runbook", m.Line("runbook", top), didYouMean(v.closestRef(m.Runbook, isRunbook)), "runbook %q%s is no page", m.Runbook, inherited(m, "runbook"))
		case p.RunbookOf.Kind != site.Runbook:
			v.err(p, "alert/no-runbook", m.Line("runbook", top), "runbook %q%s is a %s page, not a runbook", m.Runbook, inherited(m, "runbook"), p.RunbookOf.Kind)
		}
	}
	if p.Kind == site.Runbook {
		v.runbookAlerts(p, top)
	}
	for _, r := range m.Roles {
		if v.site.Personas[r] == nil {
			line := m.ItemLine("roles", r, m.Line("roles", top))
			fix := didYouMean(diag.Closest(r, keys(v.site.Personas)))
			if fix == "" {
				fix = "add personas/" + names.FileName(r) + ".md"
				if len(v.site.Personas) > 0 {
					fix = "use a persona's id" + v.personaHint() + " or " + fix
				}
			}
			v.fix(p, "role/unknown", line, fix, "role %q%s is no persona (there is no personas/%s.md)", r, inherited(m, "roles"), names.FileName(r))
		}
	}
	for i, target := range p.OnboardingPages {
		if target == nil {
			line := top
			if i < len(m.OnboardingPathLines) {
				line = m.OnboardingPathLines[i]
			}
			ref := m.OnboardingPath[i]
			if d := v.draftRef(ref); d != nil {
				v.fix(p, "persona/path-broken", line, "publish it (remove \"draft: true\") or take it off the path", "path entry %q is a draft (%s), which the site leaves out", ref, d.File)
				continue
			}
			v.fix(p, "persona/path-broken", line, didYouMean(v.closestRef(ref, nil)), "path entry %q is no page", ref)
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
		v.out.AddFix("review/stale", sev, p.File, m.Line("last_reviewed", top), "check the page and update last_reviewed",
			"review was due on %s (last reviewed %s%s)", p.ReviewDue, m.LastReviewed, from)
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
			fix := ""
			if looksLikeEmail(l.Dest) {
				fix = `add "mailto:" for an e-mail address`
			}
			v.fix(p, "link/missing-file", l.Line, fix, "%s to %q: no such file in the content folder", what, l.Dest)
		} else if want := v.inexactLink(p, l); want != "" {
			v.fix(p, "link/missing-file", l.Line, didYouMean(want), "%s to %q: no such file, as paths are case-sensitive on GitHub and most hosts", what, l.Dest)
		}
		return
	}
	if l.Target == nil {
		if d := v.draftLink(p, l); d != nil {
			v.fix(p, "link/broken", l.Line, "publish it (remove \"draft: true\") or remove the link", "%s to %q: %s is a draft, which the site leaves out", what, l.Dest, d.File)
			return
		}
		v.fix(p, "link/broken", l.Line, didYouMean(v.closestLink(p, l)), "%s to %q: no such page or file", what, l.Dest)
		return
	}
	if want := v.inexactLink(p, l); want != "" {
		v.fix(p, "link/broken", l.Line, didYouMean(want), "%s to %q: no such page or file, as paths are case-sensitive on GitHub and most hosts", what, l.Dest)
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
		v.fix(p, "link/broken", l.Line, anchorFix(l.Target.Parsed, l.Fragment), "%s to %q: %s has no heading with id %q", what, l.Dest, where, l.Fragment)
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
			if list, n := resolve.PagerOf(v.site, u); list != nil {
				v.err(p, "redirect/conflict", line, "alias %q would redirect %s, where page %d of the list on %s goes once the list has more than %d entries (pager_size %d; Hugo's pagination path); no redirect is written for it", a, u, n, listName(list), (n-1)*v.site.Config.PagerSize, v.site.Config.PagerSize)
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

// listName names a listing page in a message: its URL, and its file when
// it has one.
func listName(p *site.Page) string {
	if p.File != "" {
		return p.URL + " (" + p.File + ")"
	}
	return p.URL
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
