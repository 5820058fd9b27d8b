package search

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// MemoryIndex is the search of a site that changes while it is served, for the
// live preview. Set gives it the pages after each build; Search answers
// from a bleve index in memory that follows them. The index is built on
// the first search, and later searches first index again only the pages
// that differ from those it holds, so an edit costs a few documents.
type MemoryIndex struct {
	mu      sync.Mutex
	docs    []Doc
	ix      *Index
	indexed []Doc // the pages ix holds, by document number
}

// Set gives the pages of the latest build, as Docs returns them. The
// slice must not be changed afterwards.
func (l *MemoryIndex) Set(docs []Doc) {
	l.mu.Lock()
	l.docs = docs
	l.mu.Unlock()
}

// Search runs q on the latest pages.
func (l *MemoryIndex) Search(q Query) ([]Hit, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.update(); err != nil {
		return nil, err
	}
	return l.ix.Search(q)
}

// update brings the index up to date with l.docs.
func (l *MemoryIndex) update() error {
	if l.ix == nil {
		ix, err := Build(l.docs, "")
		if err != nil {
			return err
		}
		l.ix, l.indexed = ix, l.docs
		return nil
	}
	if len(l.docs) == len(l.indexed) && (len(l.docs) == 0 || &l.docs[0] == &l.indexed[0]) {
		return nil
	}
	b := l.ix.idx.NewBatch()
	for i, d := range l.docs {
		if i < len(l.indexed) && sameDoc(d, l.indexed[i]) {
			continue
		}
		if err := b.IndexAdvanced(l.ix.an.document(docID(i), d)); err != nil {
			return err
		}
	}
	for i := len(l.docs); i < len(l.indexed); i++ {
		b.Delete(docID(i))
	}
	if b.Size() > 0 {
		if err := l.ix.idx.Batch(b); err != nil {
			return err
		}
	}
	l.ix.docs = uint64(len(l.docs))
	l.indexed = l.docs
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
