package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// batchSize is the number of pages indexed in one bleve batch.
const batchSize = 500

// Index is the bleve index of a site's pages.
type Index struct {
	idx  bleve.Index
	an   analyzers
	docs uint64
}

// stored is what a hit shows, kept in the index as one stored field.
type stored struct {
	URL     string   `json:"u"`
	Title   string   `json:"t"`
	Kind    string   `json:"k"`
	Owner   string   `json:"o,omitempty"`
	Alerts  []string `json:"a,omitempty"`
	Excerpt string   `json:"e,omitempty"`
}

func storedOf(d Doc) stored {
	return stored{URL: d.URL, Title: d.Title, Kind: d.Kind, Owner: d.Owner, Alerts: d.Alerts, Excerpt: d.Excerpt}
}

// docID is a page's id in the index: its number, zero-padded, so that ids
// sort in URL order.
func docID(n int) string { return fmt.Sprintf("%07d", n) }

// Build indexes docs, in batches, into a new bleve index at path, or in
// memory when path is "".
func Build(docs []Doc, path string) (*Index, error) {
	m := bleve.NewIndexMapping()
	var idx bleve.Index
	var err error
	if path == "" {
		// scorch, not NewMemOnly's upsidedown: its readers find close
		// spellings with a Levenshtein automaton.
		idx, err = bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	} else {
		idx, err = bleve.New(path, m)
	}
	if err != nil {
		return nil, err
	}
	ix := &Index{idx: idx, an: newAnalyzers()}
	b := idx.NewBatch()
	for i, d := range docs {
		if err := b.IndexAdvanced(ix.an.document(docID(i), d)); err != nil {
			idx.Close()
			return nil, err
		}
		if b.Size() >= batchSize {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return nil, err
			}
			b.Reset()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, err
	}
	ix.docs = uint64(len(docs))
	return ix, nil
}

// Open opens an index that Build wrote at path.
func Open(path string) (*Index, error) {
	idx, err := bleve.OpenUsing(path, map[string]interface{}{"read_only": true})
	if err != nil {
		return nil, err
	}
	n, err := idx.DocCount()
	if err != nil {
		idx.Close()
		return nil, err
	}
	return &Index{idx: idx, an: newAnalyzers(), docs: n}, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// document is the bleve document of a page. Fields carry their analyzer,
// so the index needs no analyzers registered by name.
func (a analyzers) document(id string, d Doc) *document.Document {
	doc := document.NewDocument(id)
	searched := index.IndexField | index.IncludeTermVectors
	add := func(name string, i int, text string, an analysis.Analyzer, opt index.FieldIndexingOptions) {
		doc.AddField(document.NewTextFieldCustom(name, []uint64{uint64(i)}, []byte(text), opt, an))
	}
	text := func(name string, i int, text string) {
		add(name, i, text, a.words, searched)
		add(name+partSuffix, i, text, a.parts, searched)
	}
	text("title", 0, d.Title)
	add("x_title", 0, d.Title, a.exact, searched)
	for i, al := range d.Alerts {
		text("alert", i, al)
		add("x_alert", i, al, a.exact, searched)
	}
	text("heading", 0, strings.Join(d.Headings, "\n"))
	text("meta", 0, metaText(d))
	text("body", 0, d.Body)
	add("f_kind", 0, d.Kind, a.verbatim, index.IndexField)
	if d.Owner != "" {
		add("f_owner", 0, d.Owner, a.verbatim, index.IndexField)
	}
	for i, r := range d.Roles {
		add("f_role", i, r, a.verbatim, index.IndexField)
	}
	js, _ := json.Marshal(storedOf(d))
	doc.AddField(document.NewTextFieldWithIndexingOptions("doc", nil, js, index.StoreField))
	return doc
}

// metaText is the text of the meta field: owner, roles, tags and summary.
func metaText(d Doc) string {
	parts := []string{d.Owner}
	parts = append(parts, d.Roles...)
	parts = append(parts, d.Tags...)
	parts = append(parts, d.Summary)
	return strings.Join(parts, "\n")
}

// Query is a search.
type Query struct {
	Text  string
	Kind  string // only pages of this kind
	Owner string // only pages this team owns
	Role  string // only pages for this persona
	// Limit is the number of results; 10 when 0.
	Limit int
}

// DefaultLimit is the number of results a search returns, as many as the
// browser lists.
const DefaultLimit = 10

// Hit is one result.
type Hit struct {
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Kind    string   `json:"kind"`
	Owner   string   `json:"owner,omitempty"`
	Alerts  []string `json:"alerts,omitempty"`
	Snippet string   `json:"snippet,omitempty"`
	Score   float64  `json:"score"`
}

// Terms returns the terms a query searches for.
func (ix *Index) Terms(q string) []string { return ix.an.queryTerms(q) }

// Search runs q: every page that matches all its terms (a term matches an
// indexed term it is a prefix of; a term of one character only itself; a
// term that begins no indexed term, its close spellings, see typo.go),
// ranked as the browser ranks them, the best Limit results in the
// browser's order.
//
// It scores pages as search.js does, straight from the index's term
// dictionaries and postings: for every query term, the indexed terms it
// is a prefix of, field by field, and the pages that have them. Only the
// pages that can be among the first Limit are mapped to their numbers
// and read.
func (ix *Index) Search(q Query) ([]Hit, error) {
	terms := ix.an.queryTerms(q.Text)
	if len(terms) == 0 || ix.docs == 0 {
		return nil, nil
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()

	fuzzy, _ := r.(index.IndexReaderFuzzy)
	var cands map[string]float64
	for _, t := range terms {
		// best maps a page (by internal id) to the best score of t.
		best := map[string]float64{}
		add := func(term, field string, w float64) error {
			return postings(r, term, field, func(id string) {
				if cands != nil {
					if _, ok := cands[id]; !ok {
						return
					}
				}
				if w > best[id] {
					best[id] = w
				}
			})
		}
		hit := false
		for _, f := range indexFields() {
			err := dictTerms(r, f.name, t, func(u string) error {
				hit = true
				return add(u, f.name, matchScore(t, u, f.mask))
			})
			if err != nil {
				return nil, err
			}
		}
		if !hit && typoTerm(t, minTypoLen) {
			d := maxEdits(t)
			for _, f := range indexFields() {
				var dict index.FieldDict
				var err error
				if fuzzy != nil {
					dict, err = fuzzy.FieldDictFuzzy(f.name, t, 2, "")
				} else {
					dict, err = r.FieldDict(f.name)
				}
				if err != nil {
					return nil, err
				}
				err = eachEntry(dict, func(u string) error {
					if !typoTerm(u, minTypoTerm) {
						return nil
					}
					dist := closeDistance(t, u, d)
					if dist > d {
						return nil
					}
					return add(u, f.name, closeScore(f.mask, dist))
				})
				if err != nil {
					return nil, err
				}
			}
		}
		if cands != nil {
			for id, s := range best {
				best[id] = cands[id] + s
			}
		}
		cands = best
		if len(cands) == 0 {
			return nil, nil
		}
	}
	for _, f := range [][2]string{{"f_kind", q.Kind}, {"f_owner", q.Owner}, {"f_role", q.Role}} {
		if f[1] == "" {
			continue
		}
		keep := map[string]float64{}
		err := postings(r, f[1], f[0], func(id string) {
			if s, ok := cands[id]; ok {
				keep[id] = s
			}
		})
		if err != nil {
			return nil, err
		}
		cands = keep
	}
	if kw := ix.an.exactTerm(q.Text); kw != "" {
		bits := map[string]int{}
		for _, f := range []struct {
			name string
			bit  int
		}{{"x_alert", exactAlert}, {"x_title", exactTitle}} {
			err := postings(r, kw, f.name, func(id string) { bits[id] |= f.bit })
			if err != nil {
				return nil, err
			}
		}
		for id, b := range bits {
			if s, ok := cands[id]; ok {
				cands[id] = s + exactBonus(b)
			}
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	// The pages that can be among the first limit: those that score at
	// least the limit-th best score. Ties go to the smaller page number,
	// so all of them are numbered.
	scores := make([]float64, 0, len(cands))
	for _, s := range cands {
		scores = append(scores, s)
	}
	cut := 0.0
	if len(scores) > limit {
		slices.Sort(scores)
		cut = scores[len(scores)-limit]
	}
	hits := make([]scored, 0, min(limit, len(cands)))
	for id, s := range cands {
		if s < cut {
			continue
		}
		ext, err := r.ExternalID(index.IndexInternalID(id))
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(ext)
		if err != nil {
			return nil, fmt.Errorf("search: bad document id %q", ext)
		}
		hits = append(hits, scored{doc: n, score: s})
	}
	rank(hits)
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Hit, 0, len(hits))
	for _, h := range hits {
		st, err := ix.stored(docID(h.doc))
		if err != nil {
			return nil, err
		}
		out = append(out, Hit{URL: st.URL, Title: st.Title, Kind: st.Kind, Owner: st.Owner, Alerts: st.Alerts, Snippet: st.Excerpt, Score: h.score})
	}
	return groupByKind(out, func(h Hit) string { return h.Kind }), nil
}

// dictTerms calls f with every term of field that query term t matches:
// t itself when it is one character long, else the terms it begins.
func dictTerms(r index.IndexReader, field, t string, f func(u string) error) error {
	if utf8.RuneCountInString(t) == 1 {
		found := false
		err := postings(r, t, field, func(string) { found = true })
		if err != nil || !found {
			return err
		}
		return f(t)
	}
	dict, err := r.FieldDictPrefix(field, []byte(t))
	if err != nil {
		return err
	}
	return eachEntry(dict, f)
}

// eachEntry calls f with every term of dict, and closes it.
func eachEntry(dict index.FieldDict, f func(u string) error) error {
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return err
		}
		if e == nil {
			break
		}
		if err := f(e.Term); err != nil {
			dict.Close()
			return err
		}
	}
	return dict.Close()
}

// postings calls f with the internal id of every page that has term in
// field.
func postings(r index.IndexReader, term, field string, f func(id string)) error {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, false, false, false)
	if err != nil {
		return err
	}
	var d *index.TermFieldDoc
	for {
		if d != nil {
			d = d.Reset()
		}
		d, err = tfr.Next(d)
		if err != nil {
			tfr.Close()
			return err
		}
		if d == nil {
			break
		}
		f(string(d.ID))
	}
	return tfr.Close()
}

// stored reads the stored fields of a page.
func (ix *Index) stored(id string) (stored, error) {
	var st stored
	d, err := ix.idx.Document(id)
	if err != nil {
		return st, err
	}
	if d == nil {
		return st, errors.New("search: document " + id + " is missing")
	}
	var raw []byte
	d.VisitFields(func(f index.Field) {
		if f.Name() == "doc" {
			raw = f.Value()
		}
	})
	err = json.Unmarshal(raw, &st)
	return st, err
}
