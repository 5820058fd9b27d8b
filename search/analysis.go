// Package search is the Index stage of the pipeline. Its input is the
// resolved site (generator/site); its outputs are a bleve index of every
// page (the index of record, which "playbook search" queries) and a static
// export of the same terms for the browser: small shards of postings keyed
// by term prefix, a document store and a manifest with content hashes,
// written through an output.Writer.
//
// Build and browser analyse text alike: bleve's character tokenizer splits
// text into runs of letters, marks and digits, and bleve's to_lower filter
// lowercases them. assets/search.js repeats these two rules, and a test
// checks both give the same terms over every word of the example playbook
// and of the real corpora.
package search

import (
	"bytes"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/character"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
)

// isWordRune is the tokenizer's rule: a term is a run of letters, marks and
// digits. search.js spells it /[\p{L}\p{M}\p{N}]+/u.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// analyzers are the two analysis chains of the index.
type analyzers struct {
	// text makes the terms of titles, headings, alert names, metadata
	// and body text.
	text analysis.Analyzer
	// exact makes one lowercased term of a whole value, for exact alert
	// name and title hits and for filters.
	exact analysis.Analyzer
	// verbatim keeps a whole value as it is, for filters.
	verbatim analysis.Analyzer
}

func newAnalyzers() analyzers {
	lower := lowercase.NewLowerCaseFilter()
	dotted := []analysis.CharFilter{dottedCapitalI{}}
	return analyzers{
		text: &analysis.DefaultAnalyzer{
			CharFilters:  dotted,
			Tokenizer:    character.NewCharacterTokenizer(isWordRune),
			TokenFilters: []analysis.TokenFilter{lower},
		},
		exact: &analysis.DefaultAnalyzer{
			CharFilters:  dotted,
			Tokenizer:    single.NewSingleTokenTokenizer(),
			TokenFilters: []analysis.TokenFilter{lower},
		},
		verbatim: &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()},
	}
}

// dottedCapitalI replaces "İ" (U+0130) with "i" before the lowercase
// filter sees it: to_lower writes invalid UTF-8 for it ("İstanbul" becomes
// "i\xb0stanbu"), because its lowercase is shorter than itself.
type dottedCapitalI struct{}

func (dottedCapitalI) Filter(input []byte) []byte {
	if !bytes.Contains(input, []byte("\u0130")) {
		return input
	}
	return bytes.ReplaceAll(input, []byte("\u0130"), []byte("i"))
}

// terms returns the terms of text, in order, with repeats.
func (a analyzers) terms(text string) []string {
	ts := a.text.Analyze([]byte(text))
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// exactTerm returns the exact term of a whole value: trimmed and lowercased.
func (a analyzers) exactTerm(value string) string {
	ts := a.exact.Analyze([]byte(trimSpace(value)))
	if len(ts) == 0 {
		return ""
	}
	return string(ts[0].Term)
}

// queryTerms returns the distinct terms of a query that are searched for:
// terms of at least two characters, in the order typed.
func (a analyzers) queryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range a.terms(q) {
		if len([]rune(t)) < 2 || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// trimSpace trims the characters JavaScript's String.prototype.trim trims
// that also are Unicode white space, so that both sides agree on the
// exact-match key.
func trimSpace(s string) string {
	rs := []rune(s)
	i, j := 0, len(rs)
	for i < j && isSpace(rs[i]) {
		i++
	}
	for j > i && isSpace(rs[j-1]) {
		j--
	}
	return string(rs[i:j])
}

func isSpace(r rune) bool { return (unicode.IsSpace(r) && r != 0x85) || r == 0xFEFF }
