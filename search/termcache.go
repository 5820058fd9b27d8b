package search

import (
	"encoding/binary"
	"errors"
	"maps"
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
			if w <= 0 || bits > 1<<31 {
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
