package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
	"github.com/opsplaybook/playbook/generator/project"
)

// catalogAlert is an alert of catalog.json as a program reads it.
type catalogAlert struct {
	Name, URL, Severity, Owner, Runbook, Expr, Source string
	Tickets                                           []struct{ ID, URL string }
}

// exampleCatalog is catalog.json as a program reads it.
type exampleCatalog struct {
	Title    string         `json:"title"`
	Alerts   []catalogAlert `json:"alerts"`
	Runbooks []struct {
		Title, URL, Owner string
		Alerts            []string
		Tickets           []struct{ ID, URL string }
	} `json:"runbooks"`
	Teams []struct {
		ID, URL, Slack, Email, Oncall string
		TicketsProject                string `json:"tickets_project"`
		Alerts, Runbooks              []string
	} `json:"teams"`
}

// TestCatalogAndLLMsTxtDescribeTheExample builds the example playbook and
// reads catalog.json and llms.txt as a bot and an agent would: every alert
// page with its owner, runbook and linked tickets, every runbook with the
// alerts that lead to it, every team with its contacts and what it owns;
// llms.txt with the title, a summary, and a link to every alert and
// runbook. An edit of a runbook's title is in both after the next update,
// as in a full build.
func TestCatalogAndLLMsTxtDescribeTheExample(t *testing.T) {
	opt := project.Example("test", false)
	opt.Now = testNow
	e, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	snap := res.Snapshot
	data, ok := snap.File("catalog.json")
	if !ok {
		t.Fatalf("no catalog.json; files: %v", snap.Names())
	}
	var c exampleCatalog
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.Title != "Larkspur Operations Playbook" {
		t.Errorf("title %q", c.Title)
	}
	var alertPages, runbookPages []string
	for _, p := range snap.Site.Pages {
		switch p.Kind {
		case "alert":
			alertPages = append(alertPages, p.Meta.Alert)
		case "runbook":
			runbookPages = append(runbookPages, "https://playbook.example.org"+p.URL)
		}
	}
	var alerts, runbooks []string
	for _, a := range c.Alerts {
		alerts = append(alerts, a.Name)
		if a.Owner == "" || !strings.HasPrefix(a.Runbook, "https://playbook.example.org/runbooks/") || len(a.Tickets) == 0 || a.Tickets[0].URL == "" {
			t.Errorf("alert %s lacks its owner, runbook or ticket link: %+v", a.Name, a)
		}
	}
	for _, r := range c.Runbooks {
		runbooks = append(runbooks, r.URL)
		if len(r.Alerts) == 0 || r.Owner == "" {
			t.Errorf("runbook %s has no alerts or owner: %+v", r.URL, r)
		}
	}
	if !slices.Equal(alerts, alertPages) || !slices.Equal(runbooks, runbookPages) {
		t.Errorf("catalog alerts %v\nwant %v\nrunbooks %v\nwant %v", alerts, alertPages, runbooks, runbookPages)
	}
	i := slices.IndexFunc(c.Alerts, func(a catalogAlert) bool { return a.Name == "PaymentsApiHighErrorRate" })
	if i < 0 {
		t.Fatal("no PaymentsApiHighErrorRate")
	}
	a := c.Alerts[i]
	if a.URL != "https://playbook.example.org/alerts/paymentsapihigherrorrate/" || a.Severity != "critical" || a.Owner != "payments" ||
		a.Runbook != "https://playbook.example.org/runbooks/payments/high-error-rate/" || !strings.Contains(a.Expr, "> 0.02") ||
		!strings.HasPrefix(a.Tickets[0].URL, "https://larkspur.atlassian.example/browse/PAY-") {
		t.Errorf("PaymentsApiHighErrorRate: %+v", a)
	}
	if strings.Contains(string(data), `\u003e`) {
		t.Error("catalog.json escapes > in expressions")
	}
	found := false
	for _, tm := range c.Teams {
		if tm.ID != "payments" {
			continue
		}
		found = true
		if tm.Slack == "" || tm.Email == "" || tm.Oncall == "" || tm.TicketsProject != "PAY" ||
			!slices.Contains(tm.Alerts, "PaymentsApiHighErrorRate") || !slices.Contains(tm.Runbooks, "https://playbook.example.org/runbooks/payments/high-error-rate/") {
			t.Errorf("team payments: %+v", tm)
		}
	}
	if !found || len(c.Teams) != 5 {
		t.Errorf("teams: %+v", c.Teams)
	}

	llms, ok := snap.File("llms.txt")
	if !ok {
		t.Fatal("no llms.txt")
	}
	text := string(llms)
	lines := strings.Split(text, "\n")
	if lines[0] != "# Larkspur Operations Playbook" || !strings.HasPrefix(lines[2], "> ") || !strings.Contains(lines[2], "14 alerts, 13 runbooks") {
		t.Errorf("llms.txt does not open with the title and a summary:\n%s", strings.Join(lines[:3], "\n"))
	}
	for _, want := range []string{
		"\n## Alerts\n", "\n## Runbooks\n", "\n## Teams\n", "\n## Guides\n", "\n## Optional\n",
		"- [PaymentsApiHighErrorRate](https://playbook.example.org/alerts/paymentsapihigherrorrate/): severity critical, owned by payments, runbook: Payments API high error rate\n",
		"- [catalog.json](https://playbook.example.org/catalog.json)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("llms.txt lacks %q", want)
		}
	}
	for _, u := range runbookPages {
		if !strings.Contains(text, "]("+u+")") {
			t.Errorf("llms.txt does not link %s", u)
		}
	}

	// An edit: the runbook's new title reaches both files.
	dir := copyExample(t)
	opt, err = siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	e, _, err = engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	const rb = "runbooks/payments/high-error-rate.md"
	text = string(must(os.ReadFile(filepath.Join(dir, "content", rb))))
	edited := strings.Replace(text, "title: Payments API high error rate", "title: Payments API failing", 1)
	if edited == text {
		t.Fatal("the runbook's title is not where the test expects it")
	}
	if err := os.WriteFile(filepath.Join(dir, "content", rb), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err = e.Update(context.Background(), engine.Change{Content: []string{rb}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"catalog.json", "llms.txt"} {
		b, _ := res.Snapshot.File(f)
		if !strings.Contains(string(b), "Payments API failing") || !slices.Contains(res.Changed, f) {
			t.Errorf("%s does not have the new title", f)
		}
	}
	enginetest.SameAsBuild(t, res.Snapshot, opt, "a runbook's title")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
