package search

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// MemoryIndex is the search of a site that changes while it is served, for the
// live preview. Set and SetAt give it the pages after each build; it
// indexes them in the background, in a bleve index in memory: the whole
// site after the first Set, then only the pages that changed. Set and
// SetAt never wait for indexing, so a build never waits for search.
// Search answers once the index holds the latest pages: a query that
// comes while the first index is built waits for it. Its methods are safe
// for concurrent use.
type MemoryIndex struct {
	// mu guards the pages given and which of them the index lacks; it
	// is held only to copy them.
	mu      sync.Mutex
	docs    []Doc        // the latest pages, the index's own copy
	stale   map[int]bool // places of docs the index does not hold yet
	all     bool         // the index is to be built again from docs
	running bool         // an indexing goroutine is on its way
	idle    *sync.Cond   // signalled when running becomes false

	// ixMu guards the index; it is held while indexing and searching.
	ixMu sync.Mutex
	ix   *Index
	n    int // the number of pages ix holds
}

// Set gives the pages of the latest build, as Docs returns them. The
// index keeps its own copy: the caller may change docs afterwards.
func (l *MemoryIndex) Set(docs []Doc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.docs != nil && !l.all {
		if l.stale == nil {
			l.stale = map[int]bool{}
		}
		for i := range docs {
			if i >= len(l.docs) || !sameDoc(docs[i], l.docs[i]) {
				l.stale[i] = true
			}
		}
	}
	if l.docs == nil {
		l.all = true
	}
	l.docs = slices.Clone(docs)
	l.start()
}

// SetAt is Set for pages that are those of the last Set or SetAt but at
// the places at: the same URLs in the same order, no other page changed.
// It copies those pages alone.
func (l *MemoryIndex) SetAt(docs []Doc, at []int) {
	l.mu.Lock()
	if len(docs) != len(l.docs) {
		l.mu.Unlock()
		l.Set(docs)
		return
	}
	defer l.mu.Unlock()
	for _, i := range at {
		l.docs[i] = docs[i]
		if !l.all {
			if l.stale == nil {
				l.stale = map[int]bool{}
			}
			l.stale[i] = true
		}
	}
	l.start()
}

// start starts indexing in the background, unless it is on its way.
// l.mu is held.
func (l *MemoryIndex) start() {
	if l.running {
		return
	}
	l.running = true
	go func() {
		l.ixMu.Lock()
		l.update()
		l.ixMu.Unlock()
		l.mu.Lock()
		l.running = false
		if l.idle != nil {
			l.idle.Broadcast()
		}
		l.mu.Unlock()
	}()
}

// Wait returns once no indexing is on its way in the background: the
// index then holds the pages of the last Set or SetAt, unless indexing
// failed (Search reports that error).
func (l *MemoryIndex) Wait() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.idle == nil {
		l.idle = sync.NewCond(&l.mu)
	}
	for l.running {
		l.idle.Wait()
	}
}

// Search runs q on the latest pages.
func (l *MemoryIndex) Search(q Query) ([]Hit, error) {
	l.ixMu.Lock()
	defer l.ixMu.Unlock()
	if err := l.update(); err != nil {
		return nil, err
	}
	return l.ix.Search(q)
}

// update brings the index up to date with the pages given. l.ixMu is
// held.
func (l *MemoryIndex) update() error {
	l.mu.Lock()
	all, stale := l.all || l.ix == nil, l.stale
	var docs []Doc
	var places []int
	if all {
		docs = slices.Clone(l.docs)
	} else {
		for _, i := range slices.Sorted(maps.Keys(stale)) {
			if i < len(l.docs) {
				places = append(places, i)
				docs = append(docs, l.docs[i])
			}
		}
	}
	n := len(l.docs)
	l.all, l.stale = false, nil
	l.mu.Unlock()

	err := l.index(all, docs, places, n)
	if err != nil {
		// The next update builds the index again from the pages.
		l.mu.Lock()
		l.all = true
		l.mu.Unlock()
	}
	return err
}

// index builds the index from docs (all), or indexes docs, the pages at
// places, and drops the pages past n.
func (l *MemoryIndex) index(all bool, docs []Doc, places []int, n int) error {
	if all {
		if l.ix != nil {
			l.ix.Close()
			l.ix = nil
		}
		ix, err := Build(docs, "")
		if err != nil {
			return err
		}
		l.ix, l.n = ix, n
		return nil
	}
	if len(places) == 0 && n == l.n {
		return nil
	}
	b := l.ix.idx.NewBatch()
	for j, i := range places {
		if err := b.IndexAdvanced(l.ix.an.document(docID(i), docs[j])); err != nil {
			return err
		}
	}
	for i := n; i < l.n; i++ {
		b.Delete(docID(i))
	}
	if b.Size() > 0 {
		if err := l.ix.idx.Batch(b); err != nil {
			return err
		}
	}
	l.ix.docs = uint64(n)
	l.n = n
	return nil
}

func sameDoc(a, b Doc) bool {
	return a.URL == b.URL && a.Title == b.Title && a.Kind == b.Kind && a.Owner == b.Owner &&
		a.Summary == b.Summary && a.Body == b.Body && a.Excerpt == b.Excerpt &&
		slices.Equal(a.Roles, b.Roles) && slices.Equal(a.Tags, b.Tags) &&
		slices.Equal(a.Alerts, b.Alerts) && slices.Equal(a.Headings, b.Headings)
}

// Bounds of the search API's parameters, so that a request (which a page
// on any origin can send with an <img>) costs little: a search's work and
// its answer grow with the number of results and the query's terms.
const (
	MaxLimit      = 100  // results, n
	MaxQueryBytes = 256  // q
	MaxFieldBytes = 128  // kind, owner and role, each
	MaxRawQuery   = 2048 // the whole query string
)

// ParseQuery reads the search API's query string: q, kind, owner, role
// and n, each given at most once and within its bound. Its error reads
// "NAME: problem", for a 400 response.
func ParseQuery(raw string) (Query, error) {
	if len(raw) > MaxRawQuery {
		return Query{}, fmt.Errorf("query string: %d bytes, at most %d", len(raw), MaxRawQuery)
	}
	v, err := url.ParseQuery(raw)
	if err != nil {
		return Query{}, fmt.Errorf("query string: %v", err)
	}
	for name, vals := range v {
		bound := MaxFieldBytes
		switch name {
		case "q":
			bound = MaxQueryBytes
		case "n", "kind", "owner", "role":
		default:
			continue // unknown parameters are ignored, as cache busters
		}
		if len(vals) > 1 {
			return Query{}, fmt.Errorf("%s: given %d times, at most once", name, len(vals))
		}
		if len(vals[0]) > bound {
			return Query{}, fmt.Errorf("%s: %d bytes, at most %d", name, len(vals[0]), bound)
		}
		if !utf8.ValidString(vals[0]) {
			return Query{}, fmt.Errorf("%s: not valid UTF-8", name)
		}
	}
	q := Query{Text: v.Get("q"), Kind: v.Get("kind"), Owner: v.Get("owner"), Role: v.Get("role")}
	if n := v.Get("n"); n != "" {
		limit, err := strconv.Atoi(n)
		if err != nil || limit < 1 || limit > MaxLimit {
			return Query{}, fmt.Errorf("n: want a number of results from 1 to %d", MaxLimit)
		}
		q.Limit = limit
	}
	return q, nil
}

// ServeHTTP answers GET ?q=QUERY (and kind, owner, role, n as the flags
// of "playbook search") with the results as JSON, in the form "playbook
// search --json" prints.
func (l *MemoryIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q, err := ParseQuery(r.URL.RawQuery)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	hits, err := l.Search(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if hits == nil {
		hits = []Hit{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(hits)
}
