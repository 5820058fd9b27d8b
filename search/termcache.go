package search

import (
	"encoding/binary"
	"errors"
	"iter"
	"maps"
	"math"
	"slices"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// termsFormat names the cached analyses of pages and their encoding; it
// changes when either does (the analysis itself is analysisVersion).
const termsFormat = "search/terms/1"

// termsKey is the cache key of a page's analysis: the fields fieldTerms
// reads, and the analysis version.
func termsKey(d Doc) buildcache.Key {
	h := buildcache.NewHasher(termsFormat)
	h.String(analysisVersion)
	h.String(d.Title)
	h.Strings(d.Alerts)
	h.Strings(d.Headings)
	h.String(metaText(d))
	h.String(d.Body)
	return h.Sum()
}

// pageFormat names the cached analyses of whole pages (Stream.AnalysePage)
// and their encoding (encodePage); it changes when either does.
const pageFormat = "search/page/2"

// pageKey is the cache key of a page's whole analysis, its entry in the
// document store and its terms: every field of d that DocOf fills, but
// its body and excerpt, which are made from the page's body, whose cache
// key (site.Parsed.BodyKey) stands for it. The analysis version is in it
// too, as in termsKey.
func pageKey(d Doc, body [32]byte) buildcache.Key {
	h := buildcache.NewHasher(pageFormat)
	h.String(analysisVersion)
	h.String(d.URL)
	h.String(d.Title)
	h.String(d.Kind)
	h.String(d.Owner)
	h.Strings(d.Roles)
	h.Strings(d.Tags)
	h.String(d.Summary)
	h.Strings(d.Alerts)
	h.Strings(d.Headings)
	h.Bytes(body[:])
	return h.Sum()
}

// encodePage writes a page's whole analysis: the length of its entry in
// the document store as an unsigned varint, the entry, then its terms as
// encodeTerms writes them.
func encodePage(stored []byte, terms, exact map[string]int) []byte {
	b := binary.AppendUvarint(nil, uint64(len(stored)))
	b = append(b, stored...)
	return append(b, encodeTerms(terms, exact)...)
}

// splitPage reads what encodePage wrote; the entry and the terms share
// b's bytes. The entry must look like a JSON object (the cache's
// checksum vouches for the rest).
func splitPage(b []byte) (stored []byte, terms, exact rawTerms, err error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, rawTerms{}, rawTerms{}, errTerms
	}
	stored = b[w : w+int(n) : w+int(n)]
	if len(stored) < 2 || stored[0] != '{' || stored[len(stored)-1] != '}' {
		return nil, rawTerms{}, rawTerms{}, errTerms
	}
	terms, exact, err = splitTerms(b[w+int(n):])
	if err != nil {
		return nil, rawTerms{}, rawTerms{}, err
	}
	return stored, terms, exact, nil
}

// analysis returns fieldTerms(d), from e.Cache when it holds it.
func (e *Exporter) analysis(d Doc) (map[string]int, map[string]int) {
	if e.Cache == nil {
		return e.an.fieldTerms(d)
	}
	k := termsKey(d)
	if data, ok := e.Cache.Get(k); ok {
		if terms, exact, err := decodeTerms(data); err == nil {
			return terms, exact
		}
	}
	terms, exact := e.an.fieldTerms(d)
	e.Cache.Put(k, encodeTerms(terms, exact))
	return terms, exact
}

// rawTerms is one list of a cached analysis as encodeTerms wrote it, in
// its bytes, checked by splitTerms: n terms, each its length, the term
// and its bits, as unsigned varints.
type rawTerms struct {
	data []byte
	n    int
}

// all yields the terms of r and their bits, in order; the terms share
// r's bytes.
func (r rawTerms) all() iter.Seq2[[]byte, uint32] {
	return func(yield func([]byte, uint32) bool) {
		b := r.data
		for range r.n {
			l, w := binary.Uvarint(b)
			t := b[w : w+int(l) : w+int(l)]
			b = b[w+int(l):]
			bits, w := binary.Uvarint(b)
			b = b[w:]
			if !yield(t, uint32(bits)) {
				return
			}
		}
	}
}

// splitTerms reads what encodeTerms wrote, as decodeTerms does, but
// into lists of terms that share data's bytes, with no copy and no
// allocation. A term listed twice is an error, as it is in the maps
// encodeTerms writes.
func splitTerms(b []byte) (terms, exact rawTerms, err error) {
	var out [2]rawTerms
	for i := range out {
		n, w := binary.Uvarint(b)
		if w <= 0 || n > uint64(len(b)) {
			return rawTerms{}, rawTerms{}, errTerms
		}
		b = b[w:]
		start := b
		var last []byte
		for k := range n {
			l, w := binary.Uvarint(b)
			if w <= 0 || l > uint64(len(b)-w) {
				return rawTerms{}, rawTerms{}, errTerms
			}
			t := b[w : w+int(l)]
			b = b[w+int(l):]
			bits, w := binary.Uvarint(b)
			if w <= 0 || bits > maxBits {
				return rawTerms{}, rawTerms{}, errTerms
			}
			b = b[w:]
			// encodeTerms writes the terms sorted, each once.
			if k > 0 && string(last) >= string(t) {
				return rawTerms{}, rawTerms{}, errTerms
			}
			last = t
		}
		out[i] = rawTerms{data: start[: len(start)-len(b) : len(start)-len(b)], n: int(n)}
	}
	if len(b) != 0 {
		return rawTerms{}, rawTerms{}, errTerms
	}
	return out[0], out[1], nil
}

// encodeTerms writes a page's terms and exact-hit terms, each as a count
// and then, in term order, the term's length, the term and its bits, as
// unsigned varints.
func encodeTerms(terms, exact map[string]int) []byte {
	var b []byte
	for _, m := range []map[string]int{terms, exact} {
		b = binary.AppendUvarint(b, uint64(len(m)))
		for _, t := range slices.Sorted(maps.Keys(m)) {
			b = binary.AppendUvarint(b, uint64(len(t)))
			b = append(b, t...)
			b = binary.AppendUvarint(b, uint64(m[t]))
		}
	}
	return b
}

var errTerms = errors.New("malformed cached terms")

// maxBits bounds a term's bits read from the cache: the export keeps them
// in the int32 of a posting, which 1<<31 would turn negative.
const maxBits = math.MaxInt32

// decodeTerms reads what encodeTerms wrote.
func decodeTerms(b []byte) (map[string]int, map[string]int, error) {
	var out [2]map[string]int
	for i := range out {
		n, w := binary.Uvarint(b)
		if w <= 0 || n > uint64(len(b)) {
			return nil, nil, errTerms
		}
		b = b[w:]
		m := make(map[string]int, n)
		for range n {
			l, w := binary.Uvarint(b)
			if w <= 0 || l > uint64(len(b)-w) {
				return nil, nil, errTerms
			}
			t := string(b[w : w+int(l)])
			b = b[w+int(l):]
			bits, w := binary.Uvarint(b)
			if w <= 0 || bits > maxBits {
				return nil, nil, errTerms
			}
			b = b[w:]
			m[t] = int(bits)
		}
		out[i] = m
	}
	if len(b) != 0 {
		return nil, nil, errTerms
	}
	return out[0], out[1], nil
}
