// Package scaffold writes new pages: the front matter each kind needs,
// with a comment on what to fill in, and a body in the shape the kind's
// readers expect. Its input is a kind, a title, and for alert pages made
// from rule files the rule; its output is the page's markdown.
package scaffold

import (
	"fmt"
	"strings"

	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Kinds lists the kinds "playbook new" makes.
func Kinds() []site.Kind { return site.Kinds() }

// Page returns a new page of a kind. id is the page's file name, which is
// the id of a team or persona and the alert name of an alert.
func Page(kind site.Kind, title, id string) ([]byte, error) {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", quote(title))
	b.WriteString("summary: # one sentence: what this page is for\n")
	switch kind {
	case site.Runbook:
		b.WriteString("owner: # the id of the owning team (its file name under teams/)\n")
		b.WriteString("ticket: # the ticket that asked for this runbook, e.g. OPS-123\n")
		b.WriteString("alerts: [] # the exact names of the alerts it handles\n")
		b.WriteString("severity: warning\n")
		b.WriteString("roles: [] # the persona ids it serves\n")
		b.WriteString("review_every: 6 months\n")
		b.WriteString("---\n\n## Meaning\n\nWhat fired, in plain words.\n\n## Impact\n\nWho notices, and how badly.\n\n## Diagnosis\n\n1. The first thing to look at.\n\n## Mitigation\n\n- [ ] The first step that makes it better.\n\n## Escalation\n\nWho to call when the steps above do not help.\n")
	case site.Alert:
		fmt.Fprintf(&b, "alert: %s # the rule's exact name\n", quote(id))
		b.WriteString("severity: warning\n")
		b.WriteString("owner: # the id of the owning team\n")
		b.WriteString("ticket: # the ticket that asked for this alert\n")
		b.WriteString("runbook: # the runbook, e.g. runbooks/payments/high-error-rate\n")
		b.WriteString("roles: [] # the persona ids it serves, e.g. on-call\n")
		b.WriteString("---\n\nWhat it means when this alert fires, and the first thing to check.\n")
	case site.Checklist:
		b.WriteString("owner: # the id of the owning team\n")
		b.WriteString("roles: []\n")
		b.WriteString("---\n\n- [ ] The first thing to check\n- [ ] The next\n")
	case site.Team:
		b.WriteString("slack: \"#channel\"\nemail: team@example.org\noncall: # the on-call schedule's URL\nescalation:\n  - Primary on call\ntickets_project: # e.g. OPS\n")
		b.WriteString("---\n\nWhat the team runs, and how to reach it.\n")
	case site.Persona:
		b.WriteString("path:\n  - # the pages of this role's onboarding path, in order\n")
		b.WriteString("---\n\nWho this role is, and where to start.\n")
	case site.Guide:
		b.WriteString("roles: []\n---\n\n")
	default:
		return nil, fmt.Errorf("unknown kind %q (want one of runbook, alert, checklist, guide, team, persona)", kind)
	}
	return []byte(b.String()), nil
}

// Alert returns an alert page for a rule: owner from its team label, the
// runbook when its runbook_url leads to one (runbook is then the page
// reference), and the ticket left for a person to fill in.
func Alert(r *rules.Rule, owner, runbook string, roles []string) []byte {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", quote(r.Alert))
	if s := r.Annotations["summary"]; s != "" {
		fmt.Fprintf(&b, "summary: %s\n", quote(s))
	}
	fmt.Fprintf(&b, "alert: %s\n", quote(r.Alert))
	if s := r.Labels["severity"]; s != "" {
		fmt.Fprintf(&b, "severity: %s\n", quote(s))
	}
	if owner != "" {
		fmt.Fprintf(&b, "owner: %s\n", quote(owner))
	} else {
		b.WriteString("owner: # the id of the owning team: the rule has no team label\n")
	}
	b.WriteString("ticket: # the ticket that asked for this alert, e.g. OPS-123\n")
	if runbook != "" {
		fmt.Fprintf(&b, "runbook: %s\n", quote(runbook))
	} else {
		b.WriteString("runbook: # the runbook that handles it, e.g. runbooks/payments/high-error-rate\n")
	}
	if d := r.Annotations["dashboard"]; d != "" {
		fmt.Fprintf(&b, "dashboard: %s\n", quote(d))
	}
	fmt.Fprintf(&b, "roles: [%s]\n---\n\n", strings.Join(roles, ", "))
	if d := r.Annotations["description"]; d != "" {
		b.WriteString(strings.TrimSpace(d) + "\n\n")
	}
	fmt.Fprintf(&b, "Defined in `%s` (group %s).\n", r.File, r.Group)
	return []byte(b.String())
}

// quote writes a YAML scalar, quoted when it would not read back as the
// same string.
func quote(s string) string {
	plain := s != "" && !strings.ContainsAny(s, ":#{}[],&*!|>'\"%@`\n") && strings.TrimSpace(s) == s && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "?")
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~":
		plain = false
	}
	if plain {
		return s
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"", "\n", "\\n").Replace(s) + "\""
}
