package search

import (
	"fmt"
	"slices"
	"testing"
)

func liveDocs(n int) []Doc {
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{URL: fmt.Sprintf("/guides/g%03d/", i), Title: fmt.Sprintf("Guide %d", i), Kind: "guide", Body: "Restart the pods and check the queue."}
	}
	return docs
}

func hitURLs(t *testing.T, l *MemoryIndex, q string) []string {
	t.Helper()
	hits, err := l.Search(Query{Text: q, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.URL)
	}
	slices.Sort(out)
	return out
}

// TestMemoryIndexIsReadyBeforeAnyQuery: the index of the live preview's
// /api/search is built when the pages are given, in the background, not
// on the first query; each later SetAt indexes only the pages it names,
// and the index keeps its own copy of them.
func TestMemoryIndexIsReadyBeforeAnyQuery(t *testing.T) {
	var l MemoryIndex
	docs := liveDocs(50)
	l.Set(docs)
	l.Wait()
	l.ixMu.Lock()
	if l.ix == nil || l.n != len(docs) {
		t.Fatalf("after Set and no query, the index holds %d pages (index built: %v), want %d", l.n, l.ix != nil, len(docs))
	}
	l.ixMu.Unlock()

	// An edit of two pages, in place in the caller's list.
	docs[7].Body += " The zeppelin is grounded."
	docs[42].Title = "Zeppelin operations"
	l.SetAt(docs, []int{7, 42})
	l.Wait()
	l.mu.Lock()
	stale := len(l.stale)
	l.mu.Unlock()
	if stale != 0 {
		t.Errorf("after SetAt and Wait, %d pages wait to be indexed, want none", stale)
	}
	if got, want := hitURLs(t, &l, "zeppelin"), []string{"/guides/g007/", "/guides/g042/"}; !slices.Equal(got, want) {
		t.Errorf("zeppelin: %v, want %v", got, want)
	}

	// The caller changes its list without telling the index: the index
	// answers from the pages it was given.
	docs[3].Body = "quokka"
	if got := hitURLs(t, &l, "quokka"); len(got) != 0 {
		t.Errorf("quokka, which no page given holds: %v", got)
	}

	// Fewer pages through Set: the last ones leave the index.
	l.Set(docs[:40])
	if got, want := hitURLs(t, &l, "zeppelin"), []string{"/guides/g007/"}; !slices.Equal(got, want) {
		t.Errorf("zeppelin after the last 10 pages went: %v, want %v", got, want)
	}
	if got := hitURLs(t, &l, "quokka"); !slices.Equal(got, []string{"/guides/g003/"}) {
		t.Errorf("quokka after a Set that holds it: %v", got)
	}
}
