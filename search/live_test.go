package search_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/search"
)

// TestLiveFollowsThePagesAsAFreshIndexWould edits, adds and removes pages
// of the example playbook under a Live index: after each change, every
// query of the table lists what an index built afresh from the same pages
// lists.
func TestLiveFollowsThePagesAsAFreshIndexWould(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	var live search.Live
	live.Set(docs)
	check := func(step string, docs []search.Doc) {
		t.Helper()
		fresh := memIndex(t, docs)
		for _, q := range append(tableQueries()["example"], "zeppelin") {
			want, err := fresh.Search(search.Query{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			got, err := live.Search(search.Query{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %q: live lists %v, a fresh index %v", step, q, urls(got), urls(want))
			}
		}
	}
	check("first build", docs)

	edited := slices.Clone(docs)
	edited[3].Body += " The zeppelin is grounded."
	edited[5].Title = "Zeppelin operations"
	live.Set(edited)
	check("two pages edited", edited)
	if got, _ := live.Search(search.Query{Text: "zeppelin"}); len(got) != 2 {
		t.Errorf("zeppelin: %v, want the two edited pages", urls(got))
	}

	fewer := slices.Delete(slices.Clone(edited), 4, 6)
	live.Set(fewer)
	check("two pages removed", fewer)

	more := append(slices.Clone(fewer), search.Doc{URL: "/zz/new/", Title: "New zeppelin page", Kind: "guide", Body: "Fresh."})
	live.Set(more)
	check("a page added", more)
}

// TestLiveAnswersOverHTTP checks /api/search's answer: the hits as
// "playbook search --json" prints them, filters included, and a clear
// error for a bad number of results.
func TestLiveAnswersOverHTTP(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	var live search.Live
	live.Set(docs)
	get := func(query string) (int, []search.Hit) {
		rec := httptest.NewRecorder()
		live.ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?"+query, nil))
		var hits []search.Hit
		if rec.Code == http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &hits); err != nil {
				t.Fatalf("%s: %v\n%s", query, err, rec.Body)
			}
		}
		return rec.Code, hits
	}
	want, _ := live.Search(search.Query{Text: "rollback", Kind: "runbook", Limit: 3})
	if code, got := get("q=rollback&kind=runbook&n=3"); code != 200 || !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("q=rollback&kind=runbook&n=3: %d %v, want %v", code, urls(got), urls(want))
	}
	for _, h := range want {
		if h.Kind != "runbook" {
			t.Errorf("kind=runbook lists a %s", h.Kind)
		}
	}
	if code, got := get("q=zzzzqqq"); code != 200 || got == nil || len(got) != 0 {
		t.Errorf("a query nothing matches: %d %v, want 200 and []", code, got)
	}
	if code, _ := get("q=rollback&n=none"); code != http.StatusBadRequest {
		t.Errorf("n=none: %d, want 400", code)
	}
}
