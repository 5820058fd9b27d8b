package engine_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/engine"
)

// TestRuleFilesInAnotherOrder gives the engine the same rule files in the
// other order, as a caller may: an alert's rule is the first that defines
// it, so the alert page shows the other file's expression, as a full build
// of that order does, though no rule file changed.
func TestRuleFilesInAnotherOrder(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"playbook.yaml":          "title: Order\nbase_url: https://pb.example.org/\nrules: [rules/*.yaml]\n",
		"content/index.md":       "---\ntitle: Home\n---\nWelcome.\n",
		"content/teams/ops.md":   "---\ntitle: Ops\n---\nOps.\n",
		"content/runbooks/r.md":  "---\ntitle: Restart\nowner: ops\nticket: OPS-1\n---\nRestart it.\n",
		"content/alerts/Disk.md": "---\nalert: DiskFull\nowner: ops\nticket: OPS-1\nrunbook: runbooks/r\n---\nFull.\n",
		"rules/a.yaml":           "groups:\n  - name: a\n    rules:\n      - alert: DiskFull\n        expr: from_a > 1\n        labels:\n          team: ops\n",
		"rules/b.yaml":           "groups:\n  - name: b\n    rules:\n      - alert: DiskFull\n        expr: from_b > 2\n        labels:\n          team: ops\n          tier: two\n",
	}
	for name, text := range files {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	opt, err := siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(opt.Rules) != 2 {
		t.Fatalf("%d rule files, want 2", len(opt.Rules))
	}
	e, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	page := func(snap *engine.Snapshot) string {
		data, _ := snap.File("alerts/diskfull/index.html")
		return string(data)
	}
	first := "from_a"
	if !strings.HasSuffix(opt.Rules[0].Path, "a.yaml") {
		first = "from_b"
	}
	if !strings.Contains(page(res.Snapshot), first) {
		t.Fatalf("the alert page does not show the first rule file's expression %s", first)
	}
	other := opt
	other.Rules = slices.Clone(opt.Rules)
	slices.Reverse(other.Rules)
	res, err = e.Update(context.Background(), engine.Change{Options: &other})
	if err != nil {
		t.Fatal(err)
	}
	sameAsBuild(t, res.Snapshot, other, "rule files in the other order")
	if strings.Contains(page(res.Snapshot), first) {
		t.Errorf("the alert page still shows %s, its rule in the first file before", first)
	}
}
