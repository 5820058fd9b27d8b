package search_test

import (
	"maps"
	"sync"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/search"
)

// countingStore is a Store in memory that counts hits; like any Store
// it is called from the export's goroutines at once.
type countingStore struct {
	mu   sync.Mutex
	m    map[buildcache.Key][]byte
	hits int
}

func (s *countingStore) Get(k buildcache.Key) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if ok {
		s.hits++
	}
	return v, ok
}

func (s *countingStore) Put(k buildcache.Key, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

// TestExportWithAWarmCacheIsExport exports the example playbook's pages
// with a cache, cold and then warm: the files are byte for byte those of
// an export without one, and the warm export took every page's analysis
// from the cache.
func TestExportWithAWarmCacheIsExport(t *testing.T) {
	docs := docsOf(t, exampleOptions())
	var plain search.Exporter
	if _, _, err := plain.Update(docs); err != nil {
		t.Fatal(err)
	}
	store := &countingStore{m: map[buildcache.Key][]byte{}}
	for _, run := range []string{"cold", "warm"} {
		e := search.Exporter{Cache: store}
		if _, _, err := e.Update(docs); err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(plain.Files(), e.Files(), func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("%s: the export with a cache differs from the one without", run)
		}
	}
	if store.hits != len(docs) {
		t.Errorf("the warm export read %d analyses from the cache, want one for each of the %d pages", store.hits, len(docs))
	}
}
