package generator_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/rules"
)

// fixBase is a small valid playbook: each case of TestFindingsNameTheFix
// adds or replaces files in it.
var fixBase = map[string]string{
	"playbook.yaml": "title: Fixes\ntickets:\n  pattern: '^(OPS|PAY)-[0-9]+$'\n",
	"content/teams/payments.md": `---
title: Payments
tickets_project: PAY
---
`,
	"content/teams/ops.md": "---\ntitle: Ops\n---\n",
	"content/personas/on-call.md": `---
title: On-call
path:
  - runbooks/high-error-rate
---
`,
	"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: payments
ticket: PAY-1
severity: critical
---
## Rolling back

## Scaling up
`,
	"content/alerts/PaymentsApiHighErrorRate.md": `---
alert: PaymentsApiHighErrorRate
owner: payments
ticket: PAY-2
runbook: runbooks/high-error-rate
---
`,
	"content/guides/deploy-and-rollback.md": "# Deploy and roll back\n\n## Rolling back\n",
	"content/guides/severity-levels.md":     "# Severity levels\n",
}

// TestFindingsNameTheFix builds small playbooks, each with one mistake a
// contributor makes, and checks the finding: its file and line, its check,
// and the fix it names (Finding.Fix, which also ends its message). Each
// case lists every finding of its site, so a mistake gets no other.
func TestFindingsNameTheFix(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		rules string
		// want are "path:line [check] fix" for every finding.
		want []string
		// says are texts the findings' messages must hold; lacks, texts
		// they must not.
		says, lacks []string
	}{
		{name: "a valid playbook has no findings"},
		{
			name: "severity high is critical",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: payments
ticket: PAY-1
severity: high
---
`},
			want: []string{`content/runbooks/high-error-rate.md:5 [severity/unknown] did you mean "critical"?`},
			says: []string{`severity "high" is not one of critical, warning, info`},
		},
		{
			name: "a misspelt severity",
			files: map[string]string{"content/alerts/PaymentsApiHighErrorRate.md": `---
alert: PaymentsApiHighErrorRate
owner: payments
ticket: PAY-2
severity: Warnig
runbook: runbooks/high-error-rate
---
`},
			want: []string{`content/alerts/PaymentsApiHighErrorRate.md:5 [severity/unknown] did you mean "warning"?`},
		},
		{
			name: "severities set in playbook.yaml",
			files: map[string]string{
				"playbook.yaml": "title: Fixes\nseverities: [P1, P2, P3]\ntickets:\n  pattern: '^(OPS|PAY)-[0-9]+$'\n",
				"content/alerts/PaymentsApiHighErrorRate.md": `---
alert: PaymentsApiHighErrorRate
owner: payments
ticket: PAY-2
severity: p2
runbook: runbooks/high-error-rate
---
`},
			want: []string{
				`content/alerts/PaymentsApiHighErrorRate.md:5 [severity/unknown] did you mean "P2"?`,
				`content/runbooks/high-error-rate.md:5 [severity/unknown] use one of P1, P2, P3 (severities in playbook.yaml lists them)`,
			},
		},
		{
			name: "a runbook lists an alert that nothing defines",
			files: map[string]string{"content/runbooks/latency.md": `---
title: Latency
owner: payments
ticket: PAY-3
alerts:
  - PaymentsApiHighErrorRates
---
`},
			want: []string{
				`content/runbooks/latency.md:1 [runbook/orphan] list the alerts it handles in "alerts:" or point an alert page's "runbook:" at it`,
				`content/runbooks/latency.md:6 [alert/unknown] did you mean "PaymentsApiHighErrorRate"?`,
			},
			says: []string{`alert "PaymentsApiHighErrorRates" is defined by no alert page`},
		},
		{
			name: "a runbook lists an alert far from any",
			files: map[string]string{"content/runbooks/latency.md": `---
title: Latency
owner: payments
ticket: PAY-3
alerts: [CheckoutSlow]
---
`},
			want: []string{
				`content/runbooks/latency.md:1 [runbook/orphan] list the alerts it handles in "alerts:" or point an alert page's "runbook:" at it`,
				`content/runbooks/latency.md:5 [alert/unknown] write its page (playbook new alert content/alerts/CheckoutSlow.md) or take it off "alerts:"`,
			},
		},
		{
			name: "an alert a rule defines needs no page",
			files: map[string]string{"content/runbooks/latency.md": `---
title: Latency
owner: payments
ticket: PAY-3
alerts: [CheckoutSlow]
---
`},
			rules: "groups:\n- name: p\n  rules:\n  - alert: CheckoutSlow\n    expr: up == 0\n    annotations: {runbook_url: /runbooks/high-error-rate/}\n  - alert: PaymentsApiHighErrorRate\n    expr: up == 0\n    annotations: {runbook_url: /alerts/paymentsapihigherrorrate/}\n",
		},
		{
			name: "an owner in the wrong case",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: Payments
ticket: PAY-1
---
`},
			want: []string{`content/runbooks/high-error-rate.md:3 [owner/unknown] did you mean "payments"? (ids are case-sensitive)`},
		},
		{
			name: "a Backstage owner with a typo",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: group:default/paymnets
ticket: PAY-1
---
`},
			want: []string{`content/runbooks/high-error-rate.md:3 [owner/unknown] did you mean "group:default/payments"?`},
		},
		{
			name: "an empty owner",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
ticket: PAY-1
owner:
---
`},
			want: []string{`content/runbooks/high-error-rate.md:4 [owner/missing] write the id of the team that owns it after "owner:" (teams: ops, payments)`},
			says: []string{"owner is empty"},
		},
		{
			name: "an empty ticket",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: payments
ticket:
---
`},
			want: []string{`content/runbooks/high-error-rate.md:4 [ticket/missing] write the id of the ticket for the work that made it after "ticket:" (an id such as PAY-123)`},
		},
		{
			name: "an empty list of tickets, in another team",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: ops
tickets: []
---
`},
			want: []string{`content/runbooks/high-error-rate.md:4 [ticket/missing] list the ids of the tickets for the work that made it (an id such as OPS-123)`},
		},
		{
			name: "a ticket in lower case with a space",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: payments
tickets:
  - PAY-1
  - pay 12
---
`},
			want:  []string{`content/runbooks/high-error-rate.md:6 [ticket/malformed] did you mean "PAY-12"?`},
			says:  []string{`ticket "pay 12" is not a ticket id such as PAY-123`},
			lacks: []string{"[0-9]", "^("},
		},
		{
			name: "a ticket far from the pattern shows an example from the pattern",
			files: map[string]string{"content/runbooks/high-error-rate.md": `---
title: High error rate
owner: ops
ticket: JIRA
---
`},
			want:  []string{`content/runbooks/high-error-rate.md:4 [ticket/malformed] write the id as the tracker shows it, or give the ticket's URL`},
			says:  []string{`ticket "JIRA" is not a ticket id such as OPS-123`},
			lacks: []string{"[0-9]"},
		},
		{
			name: "a link to a page that moved folder",
			files: map[string]string{"content/guides/on-call.md": `# On call

See [deploying](../deploy-and-rollback.md).
`},
			want: []string{`content/guides/on-call.md:3 [link/broken] did you mean "deploy-and-rollback.md"?`},
		},
		{
			name: "a link with a typo and a shortened name",
			files: map[string]string{"content/guides/on-call.md": `# On call

See [deploying](deploy-and-rolback.md) and [the levels](severity.md).

And [levels](/guides/severity-level/).
`},
			want: []string{
				`content/guides/on-call.md:3 [link/broken] did you mean "deploy-and-rollback.md"?`,
				`content/guides/on-call.md:3 [link/broken] did you mean "severity-levels.md"?`,
				`content/guides/on-call.md:5 [link/broken] did you mean "/guides/severity-levels/"?`,
			},
		},
		{
			name: "an anchor with a typo",
			files: map[string]string{"content/guides/on-call.md": `# On call

See [rolling back](../runbooks/high-error-rate.md#roling-back).
`},
			want: []string{`content/guides/on-call.md:3 [link/broken] did you mean "#rolling-back"?`},
		},
		{
			name: "an anchor far from any lists the page's anchors",
			files: map[string]string{"content/guides/on-call.md": `# On call

See [failover](../runbooks/high-error-rate.md#failover).
`},
			want: []string{`content/guides/on-call.md:3 [link/broken] its headings are #rolling-back, #scaling-up`},
		},
		{
			name: "a link to a draft",
			files: map[string]string{
				"content/guides/on-call.md":     "# On call\n\nSee [the new process](new-process.md).\n",
				"content/guides/new-process.md": "---\ntitle: New process\ndraft: true\n---\n",
			},
			want:  []string{`content/guides/on-call.md:3 [link/broken] publish it (remove "draft: true") or remove the link`},
			says:  []string{`link to "new-process.md": content/guides/new-process.md is a draft`},
			lacks: []string{"no such page"},
		},
		{
			name: "a role and a path entry with typos",
			files: map[string]string{
				"content/guides/on-call.md": "---\ntitle: On call\nroles: [on-cal]\n---\n",
				"content/personas/on-call.md": `---
title: On-call
path:
  - runbooks/high-eror-rate
  - guides/new-process
---
`,
				"content/guides/new-process.md": "---\ntitle: New process\ndraft: true\n---\n",
			},
			want: []string{
				`content/guides/on-call.md:3 [role/unknown] did you mean "on-call"?`,
				`content/personas/on-call.md:4 [persona/path-broken] did you mean "runbooks/high-error-rate"?`,
				`content/personas/on-call.md:5 [persona/path-broken] publish it (remove "draft: true") or take it off the path`,
			},
		},
		{
			name: "an alert's runbook with a typo",
			files: map[string]string{"content/alerts/PaymentsApiHighErrorRate.md": `---
alert: PaymentsApiHighErrorRate
owner: payments
ticket: PAY-2
runbook: runbooks/high-error-rates.md
---
`},
			want: []string{
				`content/alerts/PaymentsApiHighErrorRate.md:5 [alert/no-runbook] did you mean "runbooks/high-error-rate.md"?`,
				`content/runbooks/high-error-rate.md:1 [runbook/orphan] list the alerts it handles in "alerts:" or point an alert page's "runbook:" at it`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := maps.Clone(fixBase)
			maps.Copy(files, tt.files)
			content := fstest.MapFS{}
			for name, data := range files {
				if rest, ok := strings.CutPrefix(name, "content/"); ok {
					content[rest] = &fstest.MapFile{Data: []byte(data)}
				}
			}
			var rs []rules.File
			if tt.rules != "" {
				rs = []rules.File{{Path: "rules/p.yaml", Data: []byte(tt.rules)}}
			}
			res, err := generator.Check(generator.Options{
				Content: content, ContentPrefix: "content/",
				Config: []byte(files["playbook.yaml"]), ConfigFile: "playbook.yaml",
				Rules: rs, Now: testNow,
			})
			if err != nil {
				t.Fatal(err)
			}
			var got, msgs []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s:%d [%s] %s", f.Path, f.Line, f.Check, f.Fix))
				msgs = append(msgs, f.Message)
				if f.Fix != "" && !strings.HasSuffix(f.Message, ": "+f.Fix) {
					t.Errorf("message %q does not end with its fix %q", f.Message, f.Fix)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n\t%s\nwant:\n\t%s\nmessages:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"), strings.Join(msgs, "\n\t"))
			}
			all := strings.Join(msgs, "\n")
			for _, s := range tt.says {
				if !strings.Contains(all, s) {
					t.Errorf("no message says %q:\n%s", s, all)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(all, s) {
					t.Errorf("a message says %q:\n%s", s, all)
				}
			}
		})
	}
}
