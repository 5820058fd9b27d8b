package scaffold

import (
	"fmt"
	"strings"

	"github.com/opsplaybook/playbook/generator/site"
)

// Starter is what "playbook init" is told about the playbook it writes.
type Starter struct {
	// Title is the playbook's title ("Operations Playbook" when empty).
	Title string
	// BaseURL is where the site will be published, absolute, with a
	// trailing slash; the rule file's runbook_url points under it.
	BaseURL string
	// Today is the date the pages were last reviewed, as 2006-01-02.
	Today string
	// Ref is the version of playbook that the CI workflow (as the
	// action's ref) and netlify.toml run: a release tag such as v1.2.0,
	// or a branch.
	Ref string
	// GoVersion is the Go release Netlify's build image installs
	// (GO_VERSION), such as 1.26.8; "" leaves it to Netlify.
	GoVersion string
}

// File is a file of a new playbook; Path is slash-separated and relative
// to the site folder.
type File struct {
	Path string
	Data []byte
}

// Action is the GitHub Action of this repository (its action.yml), which
// the CI workflow uses.
const Action = "opsplaybook/playbook"

// Module is the Go package path of the playbook command, which the CI
// workflow and netlify.toml run with "go run".
const Module = "github.com/opsplaybook/playbook/cmd/playbook"

// Playbook returns the files of a new playbook that passes "playbook
// check --strict": playbook.yaml, a team, an on-call persona with its
// onboarding path, a guide, a runbook, the alert it handles with the
// Prometheus rule file that defines it, a service readiness checklist, a
// GitHub Actions workflow that checks pull requests, netlify.toml and a
// .gitignore, in a fixed order. The pages are made by Filled, as
// "playbook new" makes them, with their values filled in.
func Playbook(s Starter) ([]File, error) {
	if s.Title == "" {
		s.Title = "Operations Playbook"
	}
	if s.BaseURL == "" {
		s.BaseURL = "https://playbook.example.org/"
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/") + "/"
	if s.Ref == "" {
		s.Ref = "main"
	}
	var files []File
	add := func(path string, data []byte) { files = append(files, File{Path: path, Data: data}) }
	page := func(path string, kind site.Kind, title, id string, f Fields) error {
		data, err := Filled(kind, title, id, f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		add("content/"+path, data)
		return nil
	}

	add("playbook.yaml", []byte(fmt.Sprintf(configFile, quote(s.Title), quote(s.BaseURL))))
	add("rules/example.rules.yaml", []byte(fmt.Sprintf(ruleFile, quote(s.BaseURL+"alerts/higherrorrate/"))))
	add("content/index.md", []byte(fmt.Sprintf(homePage, quote(s.Title))))
	pages := []struct {
		path, title, id string
		kind            site.Kind
		f               Fields
	}{
		{"teams/platform.md", "Platform", "platform", site.Team, Fields{
			Summary: "Runs the services this playbook covers, and answers their pages.",
			Slack:   "#team-platform", Email: "platform@example.org",
			OnCall: "https://oncall.example.org/schedules/platform",
			Escalation: []string{
				"Platform primary on call, paged by Alertmanager",
				"Platform secondary on call after 15 minutes without acknowledgement",
				"Head of Platform, by phone, after 30 minutes",
			},
			TicketsProject: "OPS", Body: teamBody,
		}},
		{"personas/on-call.md", "On-call engineer", "on-call", site.Persona, Fields{
			Summary: "You carry the pager this week, or you are about to for the first time.",
			Path:    []string{"guides/being-on-call", "runbooks/high-error-rate", "checklists/service-readiness"},
			Body:    personaBody,
		}},
		{"guides/being-on-call.md", "Being on call", "being-on-call", site.Guide, Fields{
			Summary: "What is expected of the person on call, from the first page to the handover.",
			Roles:   []string{"on-call"}, Body: guideBody,
		}},
		{"runbooks/high-error-rate.md", "High error rate", "high-error-rate", site.Runbook, Fields{
			Summary: "More than 5% of requests fail: find what changed, and roll it back.",
			Owner:   "platform", Ticket: "OPS-1", Alerts: []string{"HighErrorRate"}, Severity: "critical",
			Roles: []string{"on-call"}, LastReviewed: s.Today, Body: runbookBody,
		}},
		{"alerts/HighErrorRate.md", "HighErrorRate", "HighErrorRate", site.Alert, Fields{
			Summary: "More than 5% of requests have failed for 10 minutes.",
			Owner:   "platform", Ticket: "OPS-1", Severity: "critical", Runbook: "runbooks/high-error-rate",
			Roles: []string{"on-call"}, Body: alertBody,
		}},
		{"checklists/service-readiness.md", "Service readiness", "service-readiness", site.Checklist, Fields{
			Summary: "What must be true before a new service takes traffic.",
			Owner:   "platform", Ticket: "OPS-2", Roles: []string{"on-call"}, LastReviewed: s.Today,
			Body: checklistBody,
		}},
	}
	for _, p := range pages {
		if err := page(p.path, p.kind, p.title, p.id, p.f); err != nil {
			return nil, err
		}
	}
	add(".github/workflows/playbook.yml", []byte(fmt.Sprintf(workflowFile, Action, s.Ref)))
	netlify := fmt.Sprintf(netlifyFile, Module, s.Ref)
	if s.GoVersion != "" {
		netlify += fmt.Sprintf("\n[build.environment]\n  GO_VERSION = %q\n", s.GoVersion)
	}
	add("netlify.toml", []byte(netlify))
	add(".gitignore", []byte("/public/\n"))
	return files, nil
}

const configFile = `# The playbook's settings. The user guide's configuration page lists them all.
title: %s
# Where the site is published. The runbook_url of your alerting rules
# point here, and "playbook check" matches them against the pages.
base_url: %s
# An "Edit this page" link on every page (optional):
# edit_url: https://github.com/ORG/REPO/edit/main/content/
tickets:
  # Ticket ids as your tracker writes them, and the link to one.
  pattern: '^[A-Z][A-Z0-9_]*-[0-9]+$'
  url: https://tickets.example.org/browse/{id}
# Prometheus rule files: every alerting rule needs an alert page or a
# runbook_url that leads to one.
rules: [rules/*.yaml]
review:
  # Pages not reviewed for this long are flagged (review/stale).
  every: 12 months
`

const ruleFile = `# Prometheus alerting rules, as Prometheus loads them (rule_files:). The
# team label names the owning team; runbook_url leads to the alert's page.
groups:
  - name: example
    rules:
      - alert: HighErrorRate
        expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05'
        for: 10m
        labels:
          severity: critical
          team: platform
        annotations:
          summary: More than 5%% of requests have failed for 10 minutes.
          runbook_url: %s
`

const homePage = `---
title: %s
summary: How we run our services in production, what to do when something breaks, and where to start.
---

This is where we write down how we run our services: what to do when an
alert fires, what must be true before a service goes live, and where a new
team member starts.

**Choose who you are** below: each role has a short path of pages to read
in order.

**Paged by an alert?** The link in the notification leads to the alert's
page: what it means, the runbook's steps, the owning team and how to
escalate.

## Writing pages

Every page is a markdown file under ` + "`content/`" + `. Start a new one with
` + "`playbook new runbook content/runbooks/disk-full`" + ` (or alert,
checklist, guide, team, persona), preview with ` + "`playbook serve`" + `, and
run ` + "`playbook check`" + ` before you push: every alert and runbook needs an
owning team and a ticket.
`

const teamBody = `The Platform team runs the services in this playbook and answers their
alerts.

- Questions: ` + "`#team-platform`" + `.
- Requests: a ticket in ` + "`OPS`" + `.
- Something is down: page the platform on call; do not wait for a reply in
  chat first.
`

const personaBody = `You answer when our systems call for help. This path covers what is
expected of you, how to work through an alert, and what a service needs
before it can page you.
`

const guideBody = `## Before your first shift

- You can reach the dashboards, the logs and the deploy tool.
- Your phone rings for a test page.
- You know who is on call after you, and who to call when you are stuck.

## When you are paged

1. Acknowledge the page, so that it does not escalate.
2. Open the link in the notification: it leads to the alert's page, with
   the runbook's steps.
3. Work through the steps. Write what you see and do in the incident's
   ticket as you go.
4. Escalate early when the steps do not help; that is what escalation is
   for.

## At the end of the week

Hand over what is still open, and fix the runbooks that did not help.
`

const runbookBody = `## Meaning

More than 5% of the requests the service answered in the last 10 minutes
failed with a server error (5xx).

## Impact

Users see errors. Retries hide some of them, and make the load worse.

## Diagnosis

1. Open the service's dashboard: which endpoints fail, since when?
2. Was there a deploy or a configuration change just before the errors
   started?
3. Are the service's dependencies (database, queues, other services)
   healthy?

## Mitigation

- [ ] Roll back the last deploy, when the errors started with it.
- [ ] Fail over to the healthy region when one region fails.
- [ ] Scale out when the service is saturated.

## Escalation

Page the Platform secondary on call when the errors last 30 minutes after
the first mitigation.
`

const alertBody = `Fires when more than 5% of requests fail with a server error for 10
minutes. Defined in ` + "`rules/example.rules.yaml`" + `.
`

const checklistBody = `Work through this list with the team before a new service takes traffic.

## People know what to do when it goes wrong

- [ ] Every alerting rule has an alert page here, with an owner, a ticket and a runbook.
- [ ] Every alerting rule's runbook_url points at its alert page.
- [ ] The on-call rota has at least four people.

## The service can be operated

- [ ] Dashboards show its traffic, errors and latency.
- [ ] A deploy can be rolled back in one step.
- [ ] Backups are restored in a test at least once.
`

const workflowFile = `# Checks the playbook on every pull request: each finding is shown on the
# line of the file it is about, and the check fails on errors and warnings.
name: playbook
on:
  pull_request:
  push:
    branches: [main]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: %s@%s
        with:
          strict: true
`

const netlifyFile = `# Netlify builds the playbook and publishes public/. A deploy preview is
# built for its own address (DEPLOY_PRIME_URL), while the runbook_url
# checks still match base_url in playbook.yaml.
[build]
  command = "go run %s@%s build --strict"
  publish = "public"
`
