package search_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/search"
)

// tableQueries are queries a user types, on the example playbook and on
// the PagerDuty incident response guide.
func tableQueries() map[string][]string {
	return map[string][]string{
		"example": {
			"PaymentsApiHighErrorRate", "KafkaConsumerLagHigh", "DashboardLoginFailureSpike",
			"incident commander", "rollback", "escal", "payments", "on-call handover",
			"postgres replication", "vpn", "runbook", "severity levels", "deploy", "platform", "kafka lag",
		},
		"pagerduty-ir": {
			"incident commander", "rollback", "escal", "postmortem", "severity", "scribe",
			"subject matter expert", "status page", "on-call", "deputy", "anti-patterns",
			"call etiquette", "customer liaison", "security incident", "training",
		},
	}
}

func memIndex(t testing.TB, docs []search.Doc) *search.Index {
	t.Helper()
	ix, err := search.Build(docs, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func urls(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.URL)
	}
	return out
}

func TestExactAlertNameRanksFirst(t *testing.T) {
	ix := memIndex(t, docsOf(t, exampleOptions()))
	for _, q := range []string{"PaymentsApiHighErrorRate", "paymentsapihigherrorrate", " KafkaConsumerLagHigh "} {
		hits, err := ix.Search(search.Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		want := "/alerts/" + strings.ToLower(strings.TrimSpace(q)) + "/"
		if len(hits) == 0 || hits[0].URL != want {
			t.Errorf("%q: first result %v, want %s", q, urls(hits), want)
		}
	}
}

func TestPartialWordFindsWholeWords(t *testing.T) {
	ix := memIndex(t, docsOf(t, exampleOptions()))
	hits, err := ix.Search(search.Query{Text: "escal"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatal(`"escal" found nothing; pages speak of escalation`)
	}
	none, _ := ix.Search(search.Query{Text: "escalx"})
	if len(none) != 0 {
		t.Errorf(`"escalx" found %v`, urls(none))
	}
}

func TestFilterByKindNarrowsResults(t *testing.T) {
	ix := memIndex(t, docsOf(t, exampleOptions()))
	all, _ := ix.Search(search.Query{Text: "payments", Limit: 1000})
	runbooks, _ := ix.Search(search.Query{Text: "payments", Kind: "runbook", Limit: 1000})
	if len(runbooks) == 0 || len(runbooks) >= len(all) {
		t.Fatalf("payments: %d results, %d runbooks", len(all), len(runbooks))
	}
	for _, h := range runbooks {
		if h.Kind != "runbook" {
			t.Errorf("kind filter let through %s (%s)", h.URL, h.Kind)
		}
	}
	owned, _ := ix.Search(search.Query{Text: "payments", Owner: "payments", Limit: 1000})
	for _, h := range owned {
		if h.Owner != "payments" {
			t.Errorf("owner filter let through %s (%s)", h.URL, h.Owner)
		}
	}
}

// browserSearch runs assets/search.js with node over the static export in
// dir and returns the URLs it lists for each query.
func browserSearch(t *testing.T, dir string, queries []string) [][]string {
	t.Helper()
	node := needNode(t)
	js, _ := filepath.Abs("../assets/search.js")
	q, _ := json.Marshal(queries)
	script := `const fs = require("fs");
global.fetch = p => Promise.resolve({ok: true, status: 200, json: () => Promise.resolve(JSON.parse(fs.readFileSync(p, "utf8")))});
const s = require(process.argv[1]);
const sr = new s.Searcher(process.argv[2] + "/search/");
(async () => {
  const out = [];
  for (const q of JSON.parse(process.argv[3])) out.push((await sr.search(q, {})).map(r => r.u));
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });`
	cmd := exec.Command(node, "-e", script, js, dir, string(q))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res [][]string
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// writeExport writes the static export of docs into a folder.
func writeExport(t *testing.T, docs []search.Doc) string {
	t.Helper()
	mem := output.NewMemory()
	if err := search.Export(docs, mem); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, n := range mem.Names() {
		data, _ := mem.File(n)
		p := filepath.Join(dir, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBrowserListsWhatPlaybookSearchLists runs the queries of the table in
// the issue through "playbook search"'s index and through search.js over
// the static export: both list the same pages in the same order.
func TestBrowserListsWhatPlaybookSearchLists(t *testing.T) {
	sites := map[string][]search.Doc{"example": docsOf(t, exampleOptions())}
	addCorpora(t, sites, corpora()[0])
	for _, name := range []string{"example", "pagerduty-ir"} {
		docs, ok := sites[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			queries := tableQueries()[name]
			ix := memIndex(t, docs)
			browser := browserSearch(t, writeExport(t, docs), queries)
			for i, q := range queries {
				hits, err := ix.Search(search.Query{Text: q})
				if err != nil {
					t.Fatal(err)
				}
				got := urls(hits)
				if len(got) == 0 {
					t.Errorf("%q found nothing", q)
				}
				if !slices.Equal(got, browser[i]) && !(len(got) == 0 && len(browser[i]) == 0) {
					t.Errorf("%q:\n playbook search: %v\n browser:         %v", q, got, browser[i])
				}
				top := func(u []string) string { return strings.Join(u[:min(3, len(u))], " ") }
				t.Logf("| %s | %s | %s | %s |", name, q, top(got), top(browser[i]))
			}
		})
	}
}

// TestFingerprintDirIsFingerprint checks that the fast walk of a folder
// gives the value of the generic one, and that both change when a file
// does.
func TestFingerprintDirIsFingerprint(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"a.md": "a", "b/c.md": "c", "b/d/e.md": "e", "b.md": "b", "z.md": "z"}
	for i := range 100 { // a folder of many files is read in parallel
		files[fmt.Sprintf("many/p%03d.md", i)] = strings.Repeat("x", i)
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	both := func() string {
		t.Helper()
		slow, err := search.Fingerprint(os.DirFS(dir), []byte("cfg"))
		if err != nil {
			t.Fatal(err)
		}
		fast, err := search.FingerprintDir(dir, []byte("cfg"))
		if err != nil {
			t.Fatal(err)
		}
		if fast != slow {
			t.Fatalf("FingerprintDir %s, Fingerprint %s", fast, slow)
		}
		return fast
	}
	before := both()
	if err := os.WriteFile(filepath.Join(dir, "b", "d", "e.md"), []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	if both() == before {
		t.Error("the fingerprint did not change when a file did")
	}
}

// TestTopThreeAsBefore checks that the queries of the table list the same
// first three pages as before the analysis learnt identifier parts, CJK,
// normalization and close spellings; but for one query, where a page it
// could not find before is now among them: "postgres replication" finds
// the alert PostgresReplicationLagHigh, whose name has "replication" as a
// part. And where the example gained a page that a query is about, or a
// page changed so that a query is about it too.
func TestTopThreeAsBefore(t *testing.T) {
	changed := map[[2]string]string{
		// Decided: the alert is right in third place. Who types
		// "postgres replication" is most likely on call with replication
		// lag, or about to be: the runbook first, then the payments
		// runbook that names replication lag as a cause of slow
		// checkouts, then the alert page, which shows the alert's
		// severity, owner and expression with the runbook's steps. The
		// dashboards tour it displaces mentions the replication panel in
		// passing and is reading for a quiet day. Before, the alert was
		// not found at all: its name was one term, and "replication" only
		// a part of it.
		{"example", "postgres replication"}: "/runbooks/platform/postgres-replication-lag/ /runbooks/payments/high-latency/ /alerts/postgresreplicationlaghigh/",
		// A page on deploy previews joined the user guide.
		{"example", "deploy"}: "/guides/contributing/publishing/ /guides/delivery/deploy-and-rollback/ /guides/delivery/change-management/",
		// The checks reference has since gained a section on the
		// severities a page may have (severity/unknown).
		{"example", "severity levels"}: "/guides/incidents/severity-levels/ /guides/contributing/checks/ /",
	}
	sites := map[string][]search.Doc{"example": docsOf(t, exampleOptions())}
	addCorpora(t, sites, corpora()[0])
	ixs := map[string]*search.Index{}
	for key, before := range topThreeBefore() {
		docs, ok := sites[key[0]]
		if !ok {
			continue
		}
		if ixs[key[0]] == nil {
			ixs[key[0]] = memIndex(t, docs)
		}
		hits, err := ixs[key[0]].Search(search.Query{Text: key[1]})
		if err != nil {
			t.Fatal(err)
		}
		got := urls(hits)
		top := strings.Join(got[:min(3, len(got))], " ")
		want := before
		if c, ok := changed[key]; ok {
			want = c
		}
		if top != want {
			t.Errorf("%s %q: top 3 %s, want %s", key[0], key[1], top, want)
		}
	}
}

// topThreeBefore is the top 3 of every query of the table, as the
// closing note of the search issue gives them: before identifier parts,
// CJK bigrams, normalization and close spellings. Where the example's
// pages changed since, the row is what the previous analysis (commit
// 96218bb) lists on today's pages.
func topThreeBefore() map[[2]string]string {
	return map[[2]string]string{
		{"example", "PaymentsApiHighErrorRate"}:   "/alerts/paymentsapihigherrorrate/ /runbooks/payments/high-error-rate/ /runbooks/payments/high-latency/",
		{"example", "KafkaConsumerLagHigh"}:       "/alerts/kafkaconsumerlaghigh/ /runbooks/platform/kafka-consumer-lag/ /guides/on-call/handling-a-page/",
		{"example", "DashboardLoginFailureSpike"}: "/alerts/dashboardloginfailurespike/ /runbooks/security/credential-stuffing/",
		{"example", "incident commander"}:         "/guides/incidents/major-incident/ /guides/observability/dashboards-tour/ /guides/incidents/severity-levels/",
		{"example", "rollback"}:                   "/guides/delivery/deploy-and-rollback/ /guides/contributing/callouts-and-markdown/ /guides/contributing/checks/",
		{"example", "escal"}:                      "/runbooks/data/ledger-reconciliation-mismatch/ /runbooks/data/warehouse-load-delayed/ /runbooks/payments/card-processor-degraded/",
		{"example", "payments"}:                   "/teams/payments/ /runbooks/payments/high-error-rate/ /runbooks/payments/high-latency/",
		{"example", "on-call handover"}:           "/checklists/on-call-handover/ /checklists/service-readiness/ /guides/on-call/being-on-call/",
		{"example", "postgres replication"}:       "/runbooks/platform/postgres-replication-lag/ /runbooks/payments/high-latency/ /guides/observability/dashboards-tour/",
		{"example", "vpn"}:                        "/guides/onboarding/accounts-and-access/ /guides/observability/dashboards-tour/ /guides/onboarding/first-week/",
		{"example", "runbook"}:                    "/guides/contributing/checks/ /guides/contributing/writing-pages/ /",
		{"example", "severity levels"}:            "/guides/incidents/severity-levels/ / /guides/contributing/writing-pages/",
		{"example", "deploy"}:                     "/guides/delivery/deploy-and-rollback/ /guides/delivery/change-management/ /guides/contributing/alert-links/", // the guide alert-links came later; the previous analysis lists it here too
		{"example", "platform"}:                   "/teams/platform/ /alerts/certificateexpiressoon/ /alerts/kafkaconsumerlaghigh/",
		{"example", "kafka lag"}:                  "/runbooks/platform/kafka-consumer-lag/ /runbooks/payments/webhook-backlog/ /runbooks/data/warehouse-load-delayed/",
		{"pagerduty-ir", "incident commander"}:    "/training/incident_commander/ /after/after_an_incident/ /during/during_an_incident/",
		{"pagerduty-ir", "rollback"}:              "/training/incident_commander/",
		{"pagerduty-ir", "escal"}:                 "/before/what_is_an_incident/ /resources/anti_patterns/ /training/subject_matter_expert/",
		{"pagerduty-ir", "postmortem"}:            "/after/post_mortem_process/ /after/post_mortem_template/ /after/effective_post_mortems/",
		{"pagerduty-ir", "severity"}:              "/before/severity_levels/ /before/what_is_an_incident/ /getting_started/",
		{"pagerduty-ir", "scribe"}:                "/training/scribe/ /after/after_an_incident/ /before/different_roles/",
		{"pagerduty-ir", "subject matter expert"}: "/training/subject_matter_expert/ /before/different_roles/ /after/after_an_incident/",
		{"pagerduty-ir", "status page"}:           "/resources/chatops/ /crisis/pagerduty/ /training/courses/incident_response/",
		{"pagerduty-ir", "on-call"}:               "/oncall/being_oncall/ /oncall/whos_oncall/ /before/call_etiquette/",
		{"pagerduty-ir", "deputy"}:                "/training/deputy/ /after/after_an_incident/ /before/different_roles/",
		{"pagerduty-ir", "anti-patterns"}:         "/resources/anti_patterns/ /training/courses/incident_response/ /training/incident_commander/",
		{"pagerduty-ir", "call etiquette"}:        "/before/call_etiquette/ /oncall/being_oncall/ /",
		{"pagerduty-ir", "customer liaison"}:      "/training/customer_liaison/ /training/internal_liaison/ /after/after_an_incident/",
		{"pagerduty-ir", "security incident"}:     "/during/security_incident_response/ /during/during_an_incident/ /before/complex_incidents/",
		{"pagerduty-ir", "training"}:              "/training/courses/incident_response/ /training/overview/ /",
	}
}
