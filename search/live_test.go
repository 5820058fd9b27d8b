package search_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/search"
)

// TestLiveFollowsThePagesAsAFreshIndexWould edits, adds and removes pages
// of the example playbook under a Live index: after each change, every
// query of the table lists what an index built afresh from the same pages
// lists.
func TestLiveFollowsThePagesAsAFreshIndexWould(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	var live search.MemoryIndex
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
	var live search.MemoryIndex
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

// A page on any origin can send a request to /api/search (an <img> needs
// no permission): every parameter is bounded, and a request past a bound
// gets 400 quickly instead of costing memory.
func TestLiveBoundsEveryParameter(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	var live search.MemoryIndex
	live.Set(docs)
	do := func(query string) (int, string) {
		rec := httptest.NewRecorder()
		live.ServeHTTP(rec, httptest.NewRequest("GET", "/api/search?"+query, nil))
		return rec.Code, rec.Body.String()
	}
	do("q=pa") // builds the index before memory is measured
	long := strings.Repeat("a", search.MaxQueryBytes+1)
	for _, tc := range []struct {
		query string
		code  int
		body  string
	}{
		{"q=pa&n=1000000000000", 400, "n: want a number of results from 1 to 100"},
		{"q=pa&n=101", 400, "n: want"},
		{"q=pa&n=-1", 400, "n: want"},
		{"q=" + long, 400, "q: 257 bytes, at most 256"},
		{"q=pa&kind=" + long, 400, "kind: 257 bytes"},
		{"q=pa&owner=" + long, 400, "owner: 257 bytes"},
		{"q=pa&role=" + long, 400, "role: 257 bytes"},
		{"q=pa&q=pb", 400, "q: given 2 times"},
		{"q=%ff", 400, "q: not valid UTF-8"},
		{"q=%zz", 400, "query string"},
		{"q=pa&x=" + strings.Repeat("b", search.MaxRawQuery), 400, "query string: "},
		{"q=pa&n=100", 200, "["},
		{"q=pa&n=1&cachebust=1", 200, "["},
		{"q=" + strings.Repeat("a", search.MaxQueryBytes), 200, "["},
	} {
		code, body := do(tc.query)
		if code != tc.code || !strings.Contains(body, tc.body) {
			t.Errorf("%.60s: %d %.100q, want %d %q", tc.query, code, body, tc.code, tc.body)
		}
	}
	// Index.Search itself keeps its memory to the hits it has, whatever
	// the limit asked.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := live.Search(search.Query{Text: "pa", Limit: 1 << 40}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
		t.Errorf("a search with a limit of 2^40 allocated %d MB", alloc>>20)
	}
}
