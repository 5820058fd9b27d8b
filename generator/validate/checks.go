package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/site"
)

// ownerUnknown reports an owner that names no team, with the team meant
// when one is near (its id in another case, or a slip of the keyboard).
func (v *checker) ownerUnknown(p *site.Page, top int) {
	m := p.Meta
	id := site.TeamID(m.Owner)
	fix := ""
	if near := diag.Closest(id, keys(v.site.Teams)); near != "" {
		meant := m.Owner[:strings.LastIndex(m.Owner, id)] + near
		fix = didYouMean(meant) + caseNote(id, near)
	} else if len(v.site.Teams) > 0 {
		fix = "use a team's id" + v.teamHint() + " or add teams/" + names.FileName(id) + ".md"
	} else {
		fix = "add teams/" + names.FileName(id) + ".md"
	}
	v.fix(p, "owner/unknown", m.Line("owner", top), fix, "owner %q%s is no team (there is no teams/%s.md)", m.Owner, inherited(m, "owner"), names.FileName(id))
}

// ticketExample is a ticket id the site's pattern accepts, in the project
// of the page's team (its tickets_project) when it has one, quoted; or
// "<id>" when none can be made.
func (v *checker) ticketExample(p *site.Page) string {
	project := ""
	if p.OwnerTeam != nil {
		project = p.OwnerTeam.Meta.TicketsProject
	}
	if ex := v.site.Config.Tickets.Example(project); ex != "" {
		return ex
	}
	return "<id>"
}

// such is " (an id such as X)" for an example id, or "".
func such(example string) string {
	if example == "<id>" {
		return ""
	}
	return " (an id such as " + example + ")"
}

// ticketMalformed reports a ticket that is neither an id the pattern
// accepts nor a URL, with the id it was likely meant to be ("pay 5" for
// PAY-5), or else an example of an id.
func (v *checker) ticketMalformed(p *site.Page, t, from string, line int) {
	tk := v.site.Config.Tickets
	example := v.ticketExample(p)
	what := fmt.Sprintf("is not a ticket id such as %s (tickets.pattern in playbook.yaml) nor a URL", example)
	if example == "<id>" {
		what = fmt.Sprintf("does not match tickets.pattern %s in playbook.yaml, nor is it a URL", tk.Pattern)
	}
	fix := didYouMean(tk.Correct(t))
	if fix == "" {
		fix = "write the id as the tracker shows it, or give the ticket's URL"
	}
	v.fix(p, "ticket/malformed", line, fix, "ticket %q%s %s", t, from, what)
}

// severity checks a page's severity against the site's severities
// (playbook.yaml "severities", by default critical, warning and info).
func (v *checker) severity(p *site.Page, top int) {
	sev, known := p.Meta.Severity, v.site.Config.Severities
	if sev == "" || len(known) == 0 || slices.Contains(known, sev) {
		return
	}
	v.fix(p, "severity/unknown", p.Meta.Line("severity", top), severityFix(sev, known), "severity %q%s is not one of %s", sev, inherited(p.Meta, "severity"), strings.Join(known, ", "))
}

// runbookAlerts checks the alerts a runbook lists: each is defined by an
// alert page or an alerting rule. A runbook that no alert leads to (no
// alert page points at it, no rule's runbook_url, no alert it lists that
// exists) is an orphan.
func (v *checker) runbookAlerts(p *site.Page, top int) {
	m := p.Meta
	handled := len(p.AlertPages) > 0 || len(p.RuleAlerts) > 0
	for _, a := range m.Alerts {
		if v.site.Alerts[a] != nil || v.site.RuleAlertNames[a] {
			handled = true
			continue
		}
		by := "no alert page"
		if v.site.RuleAlertNames != nil {
			by = "no alert page or alerting rule"
		}
		fix := ""
		if near := diag.Closest(a, v.alertNames()); near != "" {
			fix = didYouMean(near) + caseNote(a, near)
		} else {
			fix = fmt.Sprintf("write its page (playbook new alert content/alerts/%s.md) or take it off \"alerts:\"", names.FileName(a))
		}
		v.out.AddFix("alert/unknown", diag.Warning, p.File, m.ItemLine("alerts", a, m.Line("alerts", top)), fix, "alert %q%s is defined by %s", a, inherited(m, "alerts"), by)
	}
	if !handled {
		v.out.AddFix("runbook/orphan", diag.Warning, p.File, top, "list the alerts it handles in \"alerts:\" or point an alert page's \"runbook:\" at it", "no alert leads to this runbook")
	}
}
