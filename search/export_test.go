package search

// TermsOf is the index's analysis of text, for the tests of package
// search_test.
func TermsOf(text string) []string {
	ts, _ := newAnalyzers().terms(text)
	return ts
}

// WordsOf is the index's word terms of text (no parts).
func WordsOf(text string) []string {
	ts, part := newAnalyzers().terms(text)
	var out []string
	for i, t := range ts {
		if !part[i] {
			out = append(out, t)
		}
	}
	return out
}

// ExactTermOf is the index's exact-hit term of a value.
func ExactTermOf(text string) string { return newAnalyzers().exactTerm(text) }

// QueryTermsOf is the index's analysis of a query.
func QueryTermsOf(q string) []string { return newAnalyzers().queryTerms(q) }

// terms returns the terms of text, in order, with repeats, and whether
// each is a part term.
func (a analyzers) terms(text string) ([]string, []bool) {
	ts := a.text.Analyze([]byte(text))
	out := make([]string, len(ts))
	part := make([]bool, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
		part[i] = t.Type == partTerm
	}
	return out, part
}
