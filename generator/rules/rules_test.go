package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func parseOne(t *testing.T, name, data string) ([]*Rule, string) {
	t.Helper()
	rs, finds := Parse([]File{{Path: name, Data: []byte(data)}})
	var msgs []string
	for _, f := range finds {
		msgs = append(msgs, f.String())
	}
	return rs, strings.Join(msgs, "\n")
}

func alerts(rs []*Rule) string {
	var names []string
	for _, r := range rs {
		names = append(names, fmt.Sprintf("%s@%d", r.Alert, r.Line))
	}
	return strings.Join(names, " ")
}

// Empty documents (a trailing "---", a document of comments only, as Helm
// writes for a template that renders nothing) are skipped, and the rules
// after them are read. From ../shared/cases/hardening/rules-empty-yaml-document.
func TestEmptyDocumentsAreSkipped(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"testdata/trailing-separator.yaml", "NodeDiskFull@4"},
		{"testdata/helm-comment-document.yaml", "NodeMemoryLow@13"},
		{"", ""},
	} {
		data := ""
		if tc.file != "" {
			b, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			data = string(b)
		}
		rs, finds := parseOne(t, tc.file, data)
		if finds != "" {
			t.Errorf("%s: findings:\n%s", tc.file, finds)
		}
		if got := alerts(rs); got != tc.want {
			t.Errorf("%s: rules %q, want %q", tc.file, got, tc.want)
		}
	}
	for _, data := range []string{"---\n---\n", "# only a comment\n", "---\n# a\n---\n# b\n---\n", "~\n", "null\n"} {
		if rs, finds := parseOne(t, "x.yaml", data); finds != "" || len(rs) != 0 {
			t.Errorf("%q: rules %q, findings %q; want none", data, alerts(rs), finds)
		}
	}
	// A document that is not empty and not rules is still an error.
	if _, finds := parseOne(t, "x.yaml", "---\n- a\n"); !strings.Contains(finds, "x.yaml:2: error: want a rule file") {
		t.Errorf("a list document: findings %q", finds)
	}
}

// Rules that share labels, annotations, whole rules or groups through
// anchors, aliases and merge keys read as if written out.
func TestAnchorsAndAliases(t *testing.T) {
	const data = `common: &common
  team: ops
  severity: page
ann: &ann
  runbook_url: https://pb.example.org/alerts/a/
groups:
  - &g
    name: node
    rules:
      - alert: NodeDiskFull
        expr: up == 0
        labels:
          <<: *common
          severity: ticket
        annotations: *ann
      - &memory
        alert: NodeMemoryLow
        expr: up == 1
        labels: *common
        annotations:
          <<: [*ann]
      - *memory
`
	rs, finds := parseOne(t, "shared.yaml", data)
	if finds != "" {
		t.Fatalf("findings:\n%s", finds)
	}
	if got, want := alerts(rs), "NodeDiskFull@10 NodeMemoryLow@17 NodeMemoryLow@17"; got != want {
		t.Fatalf("rules %q, want %q", got, want)
	}
	disk := rs[0]
	if disk.Labels["team"] != "ops" || disk.Labels["severity"] != "ticket" {
		t.Errorf("merged labels %v: want team ops from the anchor and severity ticket, set on the rule", disk.Labels)
	}
	if disk.RunbookURL() != "https://pb.example.org/alerts/a/" || rs[1].RunbookURL() != "https://pb.example.org/alerts/a/" {
		t.Errorf("runbook_url through an alias: %q, %q", disk.RunbookURL(), rs[1].RunbookURL())
	}
	if rs[1].Labels["severity"] != "page" || rs[1].Group != "node" {
		t.Errorf("aliased labels %v, group %q", rs[1].Labels, rs[1].Group)
	}
	if disk.LabelLines["severity"] != 14 {
		t.Errorf("line of the rule's own severity label: %d, want 14", disk.LabelLines["severity"])
	}
}

// An alias bomb (a list of aliases of a group whose rules are a list of
// aliases of one rule: a million rules from 12 KB) is refused with a
// finding instead of being read.
func TestAliasBombIsRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("r: &r\n  alert: Bomb\n  expr: up\ng: &g\n  name: g\n  rules: [*r")
	b.WriteString(strings.Repeat(", *r", 999))
	b.WriteString("]\ngroups: [*g")
	b.WriteString(strings.Repeat(", *g", 999))
	b.WriteString("]\n")
	rs, finds := parseOne(t, "bomb.yaml", b.String())
	if !strings.Contains(finds, "alias bomb") || !strings.Contains(finds, "[rule/invalid]") {
		t.Errorf("findings %q: want a rule/invalid finding about the aliases", finds)
	}
	if len(rs) > MaxAliasExpansion {
		t.Errorf("%d rules read from a bomb", len(rs))
	}
	// Sharing within the budget still reads every rule.
	b.Reset()
	b.WriteString("r: &r\n  alert: Shared\n  expr: up\ngroups:\n  - name: g\n    rules: [*r")
	b.WriteString(strings.Repeat(", *r", 999))
	b.WriteString("]\n")
	if rs, finds := parseOne(t, "shared.yaml", b.String()); finds != "" || len(rs) != 1000 {
		t.Errorf("1,000 aliases of one rule: %d rules, findings %q", len(rs), finds)
	}
}

// FuzzParse reads any bytes as a rule file: no panic, a finding or rules,
// every line inside the file as editors count it, and no more rules than
// the alias budget allows.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n",
		"---\n# Source: x\n---\nkind: PrometheusRule\nspec:\n  groups: [{name: g, rules: [{alert: B, labels: {team: ops}}]}]\n",
		"r: &r {alert: A}\ngroups: [{name: g, rules: [*r, *r]}]\n",
		"l: &l {team: ops}\ngroups: [{rules: [{alert: A, labels: {<<: *l, x: y}}]}]\n",
		"\xff\xfeg\x00r\x00o\x00u\x00p\x00s\x00:\x00\n\x00",
		"groups:\u2028\u2028- name: g\n  rules: [{alert: A}]\n",
		"a: &a [*a]\n", "- 1\n", "groups: 1\n", "", "---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, finds := Parse([]File{{Path: "r.yaml", Data: data}})
		last := 1 + strings.Count(string(data), "\n")
		if len(rs) > MaxAliasExpansion {
			t.Fatalf("%d rules", len(rs))
		}
		for _, r := range rs {
			if r.File != "r.yaml" || r.Line < 1 || r.Line > last || r.RunbookLine < 1 || r.RunbookLine > last {
				t.Fatalf("rule %q at line %d (runbook_url %d), file has %d lines", r.Alert, r.Line, r.RunbookLine, last)
			}
			for k, l := range r.LabelLines {
				if l < 1 || l > last {
					t.Fatalf("label %q at line %d, file has %d lines", k, l, last)
				}
			}
		}
		for _, fd := range finds {
			if fd.Path != "r.yaml" || fd.Line < 0 || fd.Line > last || fd.Message == "" || fd.Check != "rule/invalid" {
				t.Fatalf("finding %v, file has %d lines", fd, last)
			}
		}
	})
}
