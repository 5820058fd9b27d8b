package search_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/search"
)

// onceWriter keeps the files written through it and counts the writes of
// each name.
type onceWriter struct {
	mu     sync.Mutex
	files  map[string][]byte
	writes map[string]int
}

func (w *onceWriter) WriteFile(name string, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files[name] = data
	w.writes[name]++
	return nil
}

// streamExport analyses docs with a Stream from several goroutines, in
// an order of its own (so that terms are numbered in another order than
// the pages'), and writes the export.
func streamExport(t *testing.T, docs []search.Doc, r *rand.Rand, cache buildcache.Store) *onceWriter {
	t.Helper()
	s := search.NewStream(cache)
	pages := make([]*search.Analysed, len(docs))
	order := r.Perm(len(docs))
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			for k := g; k < len(order); k += 3 {
				i := order[k]
				a, err := s.Analyse(docs[i])
				if err != nil {
					t.Error(err)
					return
				}
				pages[i] = a
			}
		})
	}
	wg.Wait()
	w := &onceWriter{files: map[string][]byte{}, writes: map[string]int{}}
	if err := s.Write(pages, w); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestStreamWritesWhatExportWrites: the export of a one-shot build
// (Stream) is byte for byte the export the live preview keeps (Export, an
// Exporter), file for file, each file written once, whatever the pages:
// the example playbook several times over (several chunks of the
// document store), pages with many terms that share their first letters
// (shards split by longer keys), pages alike (files with the same name),
// one page, and none; with no build cache, a cold one and a warm one
// (whose analyses are read, not made).
func TestStreamWritesWhatExportWrites(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var example []search.Doc
	for i := range 6 {
		for _, d := range docsOf(t, exampleOptions()) {
			d.URL = fmt.Sprintf("/%d%s", i, d.URL)
			example = append(example, d)
		}
	}
	// Words that share their first two or three letters, in numbers
	// that make a shard past its budget.
	var crowded []search.Doc
	for i := range 1500 {
		var b strings.Builder
		for range 40 {
			fmt.Fprintf(&b, "co%c%c%d ", 'a'+rune(r.Intn(3)), 'a'+rune(r.Intn(26)), r.Intn(300))
		}
		crowded = append(crowded, search.Doc{
			URL: fmt.Sprintf("/c/%04d/", i), Title: fmt.Sprintf("Comet %d", i%7), Kind: []string{"runbook", "alert", "guide"}[i%3],
			Owner: fmt.Sprintf("team-%d", i%4), Roles: []string{"on-call", "engineer"}[:1+i%2], Alerts: []string{fmt.Sprintf("CometDown%d", i%5)},
			Headings: []string{"Coma", "Überprüfung <&>"}, Body: b.String(), Excerpt: "Comets.",
		})
	}
	alike := []search.Doc{
		{URL: "/a/", Title: "Same", Kind: "guide", Roles: []string{"x"}, Body: "same words"},
		{URL: "/b/", Title: "Same", Kind: "guide", Roles: []string{"x"}, Body: "same words"},
		{URL: "/c/", Title: "", Kind: "", Body: ""},
	}
	for _, tc := range []struct {
		name string
		docs []search.Doc
	}{
		{"example", example},
		{"crowded", crowded},
		{"alike", alike},
		{"one page", example[:1]},
		{"no page", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := output.NewMemory()
			if err := search.Export(tc.docs, want); err != nil {
				t.Fatal(err)
			}
			store := &countingStore{m: map[buildcache.Key][]byte{}}
			for _, cache := range []string{"no cache", "cold cache", "warm cache"} {
				var got *onceWriter
				if cache == "no cache" {
					got = streamExport(t, tc.docs, r, nil)
				} else {
					store.hits = 0
					got = streamExport(t, tc.docs, r, store)
				}
				if cache == "warm cache" && store.hits != len(tc.docs) {
					t.Errorf("%s: %d analyses read from the cache, want %d", cache, store.hits, len(tc.docs))
				}
				sameExport(t, cache, want, got)
			}
			if tc.name == "crowded" {
				// The case is there for shards split by longer keys.
				data, _ := want.File("search/manifest.json")
				var m search.Manifest
				if err := json.Unmarshal(data, &m); err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(slices.Collect(maps.Keys(m.Shards)), func(k string) bool { return len(k) > 3 }) {
					t.Fatalf("no shard key longer than 3 characters: %v", slices.Sorted(maps.Keys(m.Shards)))
				}
			}
		})
	}
}

// sameExport fails unless got holds the files of want, each written
// once.
func sameExport(t *testing.T, run string, want *output.Memory, got *onceWriter) {
	t.Helper()
	for _, name := range want.Names() {
		data, _ := want.File(name)
		if g, ok := got.files[name]; !ok {
			t.Errorf("%s: %s is not written", run, name)
		} else if string(g) != string(data) {
			t.Errorf("%s: %s differs from Export's:\n%.300s\nExport:\n%.300s", run, name, g, data)
		}
	}
	if len(got.files) != len(want.Names()) {
		t.Errorf("%s: %d files written, Export writes %d", run, len(got.files), len(want.Names()))
	}
	for name, n := range got.writes {
		if n != 1 {
			t.Errorf("%s: %s written %d times", run, name, n)
		}
	}
}

// failWriter fails from its nth write on.
type failWriter struct{ n atomic.Int64 }

var errFull = errors.New("disk full")

func (w *failWriter) WriteFile(name string, data []byte) error {
	if w.n.Add(-1) < 0 {
		return errFull
	}
	return nil
}

func failAfter(n int) *failWriter {
	w := &failWriter{}
	w.n.Store(int64(n))
	return w
}

// A Stream's export stops at the first file the Writer cannot write and
// returns its error; pages not sorted by URL are an error, not a wrong
// export.
func TestStreamReturnsTheWritersError(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	for _, n := range []int{0, 5, 40} {
		s := search.NewStream(nil)
		var pages []*search.Analysed
		for _, d := range docs {
			a, err := s.Analyse(d)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, a)
		}
		if err := s.Write(pages, failAfter(n)); !errors.Is(err, errFull) {
			t.Errorf("the writer failed after %d files: Write returned %v", n, err)
		}
	}
	s := search.NewStream(nil)
	a, _ := s.Analyse(search.Doc{URL: "/b/"})
	b, _ := s.Analyse(search.Doc{URL: "/a/"})
	if err := s.Write([]*search.Analysed{a, b}, failAfter(1000)); err == nil {
		t.Error("pages out of URL order: no error")
	}
}
