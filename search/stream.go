package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
)

// Stream makes the static export of a build that runs once ("playbook
// build"), with a fraction of an Exporter's memory: the files are
// Export's, byte for byte, but nothing is kept for a next update.
//
// A page is analysed as soon as its document is made (Analyse, from any
// goroutine), and what the export needs of it is kept compactly: its
// terms as numbers with their bits, its entry in the document store, its
// kind, team and roles. Its text is not kept. Write then numbers the
// pages, makes the postings (two int32s each) and hands every file to the
// Writer as soon as it is encoded, keeping none. At 100,000 pages an
// Exporter holds about 1.5 GB at its peak (a map of terms per page, the
// pages' text, every file); a Stream about 250 MB.
type Stream struct {
	ex Exporter // its analysers and cache; Write's export

	mu    sync.Mutex
	ids   map[string]uint32 // term -> number
	names []string          // number -> term
}

// Analysed is what a Stream keeps of one page (see Stream.Analyse).
type Analysed struct {
	url, kind, owner string
	roles            []string
	stored           []byte // the page's entry in the document store
	// The page's terms and exact-hit terms, by number, with their bits.
	terms, exact []termBits
}

// URL is the page's URL.
func (a *Analysed) URL() string { return a.url }

type termBits struct{ id, bits uint32 }

// NewStream returns a Stream whose analyses go through cache (see
// Exporter.Cache); cache may be nil.
func NewStream(cache buildcache.Store) *Stream {
	s := &Stream{ids: map[string]uint32{}}
	s.ex.Cache = cache
	s.ex.an = newAnalyzers()
	return s
}

// Analyse analyses a page for the export. It is safe for concurrent use.
// The error is that of encoding the page's entry in the document store.
func (s *Stream) Analyse(d Doc) (*Analysed, error) {
	stored, err := json.Marshal(storedOf(d))
	if err != nil {
		return nil, err
	}
	a := &Analysed{url: d.URL, kind: d.Kind, owner: d.Owner, roles: d.Roles, stored: stored}
	if s.ex.Cache != nil {
		// The page's terms as the cache keeps them (encodeTerms),
		// numbered from their bytes: a page from the cache costs no map
		// and, but for terms new to the build, no string.
		k := termsKey(d)
		if data, ok := s.ex.Cache.Get(k); ok {
			if terms, exact, err := splitTerms(data); err == nil {
				s.mu.Lock()
				a.terms = s.numberRaw(terms)
				a.exact = s.numberRaw(exact)
				s.mu.Unlock()
				return a, nil
			}
		}
		terms, exact := s.ex.an.fieldTerms(d)
		s.ex.Cache.Put(k, encodeTerms(terms, exact))
		s.mu.Lock()
		a.terms = s.number(terms)
		a.exact = s.number(exact)
		s.mu.Unlock()
		return a, nil
	}
	terms, exact := s.ex.analysis(d)
	s.mu.Lock()
	a.terms = s.number(terms)
	a.exact = s.number(exact)
	s.mu.Unlock()
	return a, nil
}

// Cached returns the analysis of the parsed page p that the cache
// holds, as AnalysePage would return it for the page resolved from p,
// or false: for a page that is not searched, without a cache key, or
// that the cache does not have. It makes no analysis and reads only
// what Parse made of p (its front matter, outline, URL and keys), so it
// can run while later stages read p.
func (s *Stream) Cached(p *site.Parsed) (*Analysed, bool) {
	d, ok := docFields(p)
	if !ok || s.ex.Cache == nil || p.BodyKey == ([32]byte{}) {
		return nil, false
	}
	a := s.cached(d, pageKey(d, p.BodyKey))
	return a, a != nil
}

// cached returns the analysis of d stored under k, or nil.
func (s *Stream) cached(d Doc, k buildcache.Key) *Analysed {
	var a *Analysed
	// The cache's bytes are lent: the entry in the document store is
	// copied, and the terms are numbered (numberRaw copies a new one).
	buildcache.View(s.ex.Cache, k, func(data []byte) {
		a = nil
		stored, terms, exact, err := splitPage(data)
		if err != nil {
			return
		}
		na := &Analysed{url: d.URL, kind: d.Kind, owner: d.Owner, roles: d.Roles, stored: bytes.Clone(stored)}
		s.mu.Lock()
		defer s.mu.Unlock()
		na.terms = s.numberRaw(terms)
		na.exact = s.numberRaw(exact)
		a = na
	})
	return a
}

// ErrNoText is AnalysePage's error for a page with a body whose plain
// text is neither in a syntax tree nor kept (a page whose body came from
// the build cache, see site.Parsed.Raw and Unread, or whose tree Parse
// released)
// and whose analysis the cache does not have: the caller makes the
// page's tree again and asks again.
var ErrNoText = errors.New("search: the page's text is not at hand")

// AnalysePage analyses page p for the export, as Analyse(DocOf(p))
// does; ok is false for a page that is not searched (DocOf). With a
// cache, a page whose body has a cache key (site.Parsed.BodyKey) is
// looked up whole (pageKey): its entry in the document store and its
// terms, so that a page that did not change since an earlier build costs
// no document, no excerpt and no JSON, and needs no text. A page the
// cache does not have is analysed from its tree or its kept text, and
// put in the cache; without either, the error is ErrNoText.
func (s *Stream) AnalysePage(p *site.Page) (a *Analysed, ok bool, err error) {
	d, ok := docFields(p.Parsed)
	if !ok {
		return nil, false, nil
	}
	keyed := s.ex.Cache != nil && p.BodyKey != ([32]byte{})
	var k buildcache.Key
	if keyed {
		k = pageKey(d, p.BodyKey)
		if a := s.cached(d, k); a != nil {
			return a, true, nil
		}
	}
	switch {
	case p.Doc != nil:
		d.Body = markdown.PlainText(p.Doc, p.Body)
	case p.TextKept:
		d.Body = p.Text
	case p.Body != nil || p.Raw != nil || p.Unread:
		return nil, true, ErrNoText
	}
	d.Excerpt = excerpt(d.Summary, d.Body, d.Title)
	if !keyed {
		a, err := s.Analyse(d)
		return a, true, err
	}
	stored, err := json.Marshal(storedOf(d))
	if err != nil {
		return nil, true, err
	}
	terms, exact := s.ex.an.fieldTerms(d)
	s.ex.Cache.Put(k, encodePage(stored, terms, exact))
	a = &Analysed{url: d.URL, kind: d.Kind, owner: d.Owner, roles: d.Roles, stored: stored}
	s.mu.Lock()
	a.terms = s.number(terms)
	a.exact = s.number(exact)
	s.mu.Unlock()
	return a, true, nil
}

// numberRaw is number for terms read from the cache. s.mu must be held.
func (s *Stream) numberRaw(terms rawTerms) []termBits {
	out := make([]termBits, 0, terms.n)
	for t, bits := range terms.all() {
		id, ok := s.ids[string(t)]
		if !ok {
			name := string(t)
			id = uint32(len(s.names))
			s.ids[name] = id
			s.names = append(s.names, name)
		}
		out = append(out, termBits{id, bits})
	}
	return out
}

// number returns terms by number, giving new terms the next numbers.
// s.mu must be held.
func (s *Stream) number(terms map[string]int) []termBits {
	out := make([]termBits, 0, len(terms))
	for t, bits := range terms {
		id, ok := s.ids[t]
		if !ok {
			id = uint32(len(s.names))
			s.ids[t] = id
			s.names = append(s.names, t)
		}
		out = append(out, termBits{id, uint32(bits)})
	}
	return out
}

// Write writes, through w, the export of pages, which must be sorted by
// URL (as Export's documents are) and analysed by s: the files Export
// writes for the documents the pages were made from. It releases the
// pages' terms as it goes: pages cannot be written again. Each file is
// written once; shards are encoded a batch at a time.
func (s *Stream) Write(pages []*Analysed, w Writer) error {
	if !slices.IsSortedFunc(pages, func(a, b *Analysed) int { return strings.Compare(a.url, b.url) }) {
		return errors.New("search: the pages of Stream.Write are not sorted by URL")
	}
	e := &s.ex
	e.out = &sender{w: w, sent: map[string]bool{}}
	defer func() { e.out = nil }()
	e.docs = make([]Doc, len(pages))
	e.store = make([][]byte, len(pages))
	for i, a := range pages {
		e.docs[i] = Doc{URL: a.url, Kind: a.kind, Owner: a.owner, Roles: a.roles}
		e.store[i] = a.stored
	}
	// The postings of the terms and of the exact-hit terms, at once.
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.xpost = s.postings(pages, func(a *Analysed) *[]termBits { return &a.exact })
	}()
	e.post = s.postings(pages, func(a *Analysed) *[]termBits { return &a.terms })
	<-done
	if err := e.assemble(); err != nil {
		return err
	}
	return e.out.failed()
}

// postings makes the postings of the terms of pages that list picks, in
// page order, all in one array, and releases the lists.
func (s *Stream) postings(pages []*Analysed, list func(*Analysed) *[]termBits) map[string][]posting {
	count := make([]int32, len(s.names))
	total := 0
	for _, a := range pages {
		for _, tb := range *list(a) {
			count[tb.id]++
		}
		total += len(*list(a))
	}
	all := make([]posting, total)
	byID := make([][]posting, len(s.names))
	next, terms := int32(0), 0
	for id, n := range count {
		byID[id] = all[next : next : next+n]
		next += n
		if n > 0 {
			terms++
		}
	}
	for i, a := range pages {
		for _, tb := range *list(a) {
			byID[tb.id] = append(byID[tb.id], posting{int32(i), int32(tb.bits)})
		}
		*list(a) = nil
	}
	post := make(map[string][]posting, terms)
	for id, ps := range byID {
		if len(ps) > 0 {
			post[s.names[id]] = ps
		}
	}
	return post
}

// sender writes an Exporter's files through a Writer as they are made
// (see Exporter.out), each name once, and keeps the first error. It is
// safe for concurrent use when the Writer is.
type sender struct {
	w    Writer
	mu   sync.Mutex
	sent map[string]bool
	err  error
}

func (s *sender) send(name string, data []byte) {
	s.mu.Lock()
	if s.err != nil || s.sent[name] {
		s.mu.Unlock()
		return
	}
	s.sent[name] = true
	s.mu.Unlock()
	if err := s.w.WriteFile(name, data); err != nil {
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
}

// keep asks the Writer, when it is a Keeper, to keep file name as an
// earlier build wrote it, and reports whether it did; a kept file counts
// as sent.
func (s *sender) keep(name string) bool {
	k, ok := s.w.(Keeper)
	if !ok {
		return false
	}
	s.mu.Lock()
	if s.err != nil || s.sent[name] {
		s.mu.Unlock()
		return s.sent[name]
	}
	s.mu.Unlock()
	if !k.KeepFile(name) {
		return false
	}
	s.mu.Lock()
	s.sent[name] = true
	s.mu.Unlock()
	return true
}

// failed returns the first error of a write.
func (s *sender) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
