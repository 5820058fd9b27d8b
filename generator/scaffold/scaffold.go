// Package scaffold writes new pages: the front matter each kind needs,
// with a comment on what to fill in, and a body in the shape the kind's
// readers expect. Its input is a kind, a title, and for alert pages made
// from rule files the rule; its output is the page's markdown.
package scaffold

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Kinds lists the kinds "playbook new" makes.
func Kinds() []site.Kind { return site.Kinds() }

// Page returns a new page of a kind, its front matter left for a person
// to fill in. id is the page's file name, which is the id of a team or
// persona and the alert name of an alert.
func Page(kind site.Kind, title, id string) ([]byte, error) {
	return Filled(kind, title, id, Fields{})
}

// Fields are the front matter values and body of a new page (see the
// content model in the README). An empty field is written as the kind's
// placeholder, with a comment on what to fill in; a nil list as [].
type Fields struct {
	Summary  string
	Owner    string // a team id
	Ticket   string // e.g. OPS-123
	Severity string // "warning" when empty
	Runbook  string // an alert's runbook, as a page reference
	Alerts   []string
	Roles    []string // persona ids
	// LastReviewed is a date (2006-01-02), written only when set.
	LastReviewed string
	// A team's contacts.
	Slack, Email, OnCall, TicketsProject string
	Escalation                           []string
	// Path is a persona's onboarding path: page references, in order.
	Path []string
	// Body is the markdown after the front matter; "" gives the kind's
	// outline (Meaning, Impact, Diagnosis, Mitigation for a runbook).
	Body string
}

// Filled returns a new page of a kind with the values of f; Page is
// Filled with no values. Errors: an unknown kind.
func Filled(kind site.Kind, title, id string, f Fields) ([]byte, error) {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", quote(title))
	field(&b, "summary", f.Summary, "# one sentence: what this page is for")
	severity := f.Severity
	if severity == "" {
		severity = "warning"
	}
	body := ""
	switch kind {
	case site.Runbook:
		field(&b, "owner", f.Owner, "# the id of the owning team (its file name under teams/)")
		field(&b, "ticket", f.Ticket, "# the ticket that asked for this runbook, e.g. OPS-123")
		list(&b, "alerts", f.Alerts, " # the exact names of the alerts it handles")
		field(&b, "severity", severity, "")
		list(&b, "roles", f.Roles, " # the persona ids it serves")
		field(&b, "last_reviewed", f.LastReviewed, "")
		b.WriteString("review_every: 6 months\n")
		body = "## Meaning\n\nWhat fired, in plain words.\n\n## Impact\n\nWho notices, and how badly.\n\n## Diagnosis\n\n1. The first thing to look at.\n\n## Mitigation\n\n- [ ] The first step that makes it better.\n\n## Escalation\n\nWho to call when the steps above do not help.\n"
	case site.Alert:
		fmt.Fprintf(&b, "alert: %s # the rule's exact name\n", quote(id))
		field(&b, "severity", severity, "")
		field(&b, "owner", f.Owner, "# the id of the owning team")
		field(&b, "ticket", f.Ticket, "# the ticket that asked for this alert")
		field(&b, "runbook", f.Runbook, "# the runbook, e.g. runbooks/payments/high-error-rate")
		list(&b, "roles", f.Roles, " # the persona ids it serves, e.g. on-call")
		body = "What it means when this alert fires, and the first thing to check.\n"
	case site.Checklist:
		field(&b, "owner", f.Owner, "# the id of the owning team")
		field(&b, "ticket", f.Ticket, "")
		list(&b, "roles", f.Roles, "")
		field(&b, "last_reviewed", f.LastReviewed, "")
		body = "- [ ] The first thing to check\n- [ ] The next\n"
	case site.Team:
		field(&b, "slack", or(f.Slack, "#channel"), "")
		field(&b, "email", or(f.Email, "team@example.org"), "")
		field(&b, "oncall", f.OnCall, "# the on-call schedule's URL")
		b.WriteString("escalation:\n")
		escalation := f.Escalation
		if len(escalation) == 0 {
			escalation = []string{"Primary on call"}
		}
		for _, e := range escalation {
			fmt.Fprintf(&b, "  - %s\n", scalar(e))
		}
		field(&b, "tickets_project", f.TicketsProject, "# e.g. OPS")
		body = "What the team runs, and how to reach it.\n"
	case site.Persona:
		b.WriteString("path:\n")
		if len(f.Path) == 0 {
			b.WriteString("  - # the pages of this role's onboarding path, in order\n")
		}
		for _, p := range f.Path {
			fmt.Fprintf(&b, "  - %s\n", scalar(p))
		}
		body = "Who this role is, and where to start.\n"
	case site.Guide:
		list(&b, "roles", f.Roles, "")
	default:
		return nil, fmt.Errorf("unknown kind %q (want one of runbook, alert, checklist, guide, team, persona)", kind)
	}
	b.WriteString("---\n\n")
	b.WriteString(or(f.Body, body))
	return []byte(b.String()), nil
}

// field writes "key: value", or "key: placeholder" when value is empty and
// there is a placeholder, or nothing.
func field(b *strings.Builder, key, value, placeholder string) {
	switch {
	case value != "":
		fmt.Fprintf(b, "%s: %s\n", key, scalar(value))
	case placeholder != "":
		fmt.Fprintf(b, "%s: %s\n", key, placeholder)
	}
}

// list writes a YAML flow sequence ("key: [a, b]"), and comment after an
// empty one.
func list(b *strings.Builder, key string, values []string, comment string) {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quote(v)
	}
	fmt.Fprintf(b, "%s: [%s]", key, strings.Join(q, ", "))
	if len(values) == 0 {
		b.WriteString(comment)
	}
	b.WriteString("\n")
}

// or returns v, or def when v is empty.
func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
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

// scalar writes a YAML scalar in block context (a mapping's value, an
// item of a block sequence): plain where it reads back as the same
// string, where quote would quote any comma or colon.
func scalar(s string) string {
	plain := s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") && !strings.ContainsAny(s, "\n\t")
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n":
		plain = false
	}
	if plain {
		return s
	}
	return quote(s)
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

// RunbookFor finds the runbook page that handles a Prometheus alert by
// name, for an alert page made from its rule when the rule's runbook_url
// leads to no runbook: the one runbook that lists the alert in "alerts:",
// else the one runbook whose file name is the alert's name, compared
// without case and without separators (KettleTooHot.md, kettle-too-hot.md
// and kettle_too_hot.md all name KettleTooHot). It returns nil when no
// runbook, or more than one, matches.
func RunbookFor(s *site.Site, alert string) *site.Page {
	var listed, named []*site.Page
	want := squash(alert)
	for _, p := range s.Pages {
		if p.Kind != site.Runbook {
			continue
		}
		for _, a := range p.Meta.Alerts {
			if a == alert {
				listed = append(listed, p)
				break
			}
		}
		if p.Path != "" && want != "" && squash(baseName(p.Path)) == want {
			named = append(named, p)
		}
	}
	switch {
	case len(listed) == 1:
		return listed[0]
	case len(listed) == 0 && len(named) == 1:
		return named[0]
	}
	return nil
}

// baseName is a content path's file name without its extensions
// ("runbooks/db/kettle-too-hot.md" is "kettle-too-hot").
func baseName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.Index(p, "."); i > 0 {
		p = p[:i]
	}
	return p
}

// squash lowercases letters and digits and drops everything else.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
