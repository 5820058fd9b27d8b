package search

// TermsOf is the index's analysis of text, for the tests of package
// search_test.
func TermsOf(text string) []string { return newAnalyzers().terms(text) }

// ExactTermOf is the index's exact-hit term of a value.
func ExactTermOf(text string) string { return newAnalyzers().exactTerm(text) }

// QueryTermsOf is the index's analysis of a query.
func QueryTermsOf(q string) []string { return newAnalyzers().queryTerms(q) }
