package search

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// The ranking below is the one search.js applies to the static export, so
// that "playbook search" and the browser list the same pages in the same
// order. For every query term, a page scores the best of its matches: the
// weight of the field the term is in, halved when the query term is only a
// prefix of the indexed term (a one-character term matches only itself),
// and a quarter or an eighth of it for a close spelling (typo.go). A page
// must match every term. An exact alert
// name or an exact title (the whole query, lowercased) adds a bonus that
// puts it first. Ties go to the page with the smaller URL.

// Field bits, as the export writes them. A field's bit shifted left by
// partShift says the term is a part term in it (analysis.go).
const (
	bitTitle   = 1
	bitAlert   = 2
	bitHeading = 4
	bitMeta    = 8
	bitBody    = 16
	wordMask   = 31
	partShift  = 5
)

// Bonus bits of exact hits.
const (
	exactTitle = 1
	exactAlert = 2
)

// textField is a field whose terms are searched.
type textField struct {
	name   string
	bit    int
	weight float64
}

// textFields returns the searched fields, best first.
func textFields() []textField {
	return []textField{
		{"title", bitTitle, 10},
		{"alert", bitAlert, 8},
		{"heading", bitHeading, 4},
		{"meta", bitMeta, 3},
		{"body", bitBody, 1},
	}
}

// indexField is a field of the bleve index: a text field's words, or its
// parts (named with partSuffix), with the bits the export gives it.
type indexField struct {
	name string
	mask int
}

// partSuffix ends the name of the bleve field of a text field's parts.
const partSuffix = "_p"

// indexFields returns the searched fields of the bleve index.
func indexFields() []indexField {
	var out []indexField
	for _, f := range textFields() {
		out = append(out, indexField{f.name, f.bit}, indexField{f.name + partSuffix, f.bit << partShift})
	}
	return out
}

// fieldWeight returns the weight of the best field in a field mask.
func fieldWeight(mask int) float64 {
	for _, f := range textFields() {
		if mask&f.bit != 0 {
			return f.weight
		}
	}
	return 0
}

// matchScore is what indexed term u in fields mask scores for query term t;
// 0 when u does not start with t. A part term scores as a prefix does.
func matchScore(t, u string, mask int) float64 {
	if !strings.HasPrefix(u, t) || (u != t && utf8.RuneCountInString(t) == 1) {
		return 0
	}
	w := fieldWeight(mask & wordMask)
	if u != t {
		w /= 2
	}
	return max(w, fieldWeight(mask>>partShift)/2)
}

// closeScore is what indexed term u in fields mask scores for a query
// term it is a close spelling of, at distance d.
func closeScore(mask, d int) float64 {
	return typoScore(max(fieldWeight(mask&wordMask), fieldWeight(mask>>partShift)/2), d)
}

// exactBonus is the score an exact hit adds.
func exactBonus(bits int) float64 {
	b := 0.0
	if bits&exactAlert != 0 {
		b += 100
	}
	if bits&exactTitle != 0 {
		b += 50
	}
	return b
}

// scored is a page with its score, by doc number.
type scored struct {
	doc   int
	score float64
}

// rank sorts hits best first, ties by doc number (URL order).
func rank(hits []scored) {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].doc < hits[j].doc
	})
}

// groupByKind orders results as the browser lists them: in groups of one
// kind, the groups in the order of their best result.
func groupByKind[T any](items []T, kind func(T) string) []T {
	var order []string
	groups := map[string][]T{}
	for _, it := range items {
		k := kind(it)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	out := make([]T, 0, len(items))
	for _, k := range order {
		out = append(out, groups[k]...)
	}
	return out
}
