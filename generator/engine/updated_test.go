package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
	"github.com/opsplaybook/playbook/generator/project"
)

// TestLastUpdatedIsShownAndRebuiltWhenItChanges gives one page of the
// example a date of last change (as gitinfo reads it from git): the page
// says "Last updated" with it and pages.json has it; a page without one
// says nothing. A new date renders that page and pages.json again, and
// the engine's site is then the same as a full build.
func TestLastUpdatedIsShownAndRebuiltWhenItChanges(t *testing.T) {
	opt := project.Example("test", false)
	opt.Now = testNow
	const rb = "runbooks/payments/high-error-rate.md"
	opt.LastUpdated = map[string]time.Time{rb: time.Date(2026, 11, 2, 23, 30, 0, 0, time.UTC)}
	e, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	page := func(s *engine.Snapshot, name string) string {
		t.Helper()
		b, ok := s.File(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		return string(b)
	}
	snap := res.Snapshot
	if p := page(snap, "runbooks/payments/high-error-rate/index.html"); !strings.Contains(p, `Last updated <time datetime="2026-11-02">2026-11-02</time>`) {
		t.Errorf("the runbook does not say when it was last updated:\n%s", p[strings.Index(p, "<footer"):])
	}
	if p := page(snap, "runbooks/payments/high-latency/index.html"); strings.Contains(p, "Last updated") {
		t.Errorf("a page with no date says it was last updated")
	}
	pj := page(snap, "pages.json")
	if strings.Count(pj, `"updated"`) != 1 || !strings.Contains(pj, `"updated": "2026-11-02"`) {
		t.Errorf("pages.json has not the one date:\n%s", pj)
	}

	next := opt
	next.LastUpdated = map[string]time.Time{rb: time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC)}
	res, err = e.Update(context.Background(), engine.Change{Options: &next})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"runbooks/payments/high-error-rate/index.html", "pages.json"} {
		if !slices.Contains(res.Changed, want) {
			t.Errorf("%s was not rendered again; changed: %v", want, res.Changed)
		}
	}
	if slices.Contains(res.Changed, "runbooks/payments/high-latency/index.html") {
		t.Errorf("a page whose date did not change was rendered again: %v", res.Changed)
	}
	if p := page(res.Snapshot, "runbooks/payments/high-error-rate/index.html"); !strings.Contains(p, ">2026-11-05</time>") {
		t.Errorf("the runbook shows the old date")
	}
	enginetest.SameAsBuild(t, res.Snapshot, next, "a new date")
}
