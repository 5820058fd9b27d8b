// Package search is the Index stage of the pipeline. Its input is the
// resolved site (generator/site); its outputs are a bleve index of every
// page (the index of record, which "playbook search" queries) and a static
// export of the same terms for the browser: small shards of postings keyed
// by term prefix, a list of close spellings by deletion neighbourhood, a
// document store and a manifest with content hashes, written through a
// Writer.
//
// Build and browser analyse text alike (assets/search.js repeats every
// rule below, and a test checks both give the same terms over every text
// of the example playbook and of the real corpora):
//
//  1. Unicode normalization: NFKD, then the combining marks of the
//     Combining Diacritical Marks blocks are removed (accent folding),
//     then NFC; golang.org/x/text here, String.prototype.normalize there.
//  2. Words are runs of letters, marks and digits. A run of Han, Hiragana,
//     Katakana or Hangul is cut out of its word and indexed as overlapping
//     bigrams (a lone character as itself), as bleve's cjk analysis does,
//     with bleve's cjk_bigram filter.
//  3. Other words are terms. A word splits into parts at case changes
//     (kubePod, HTTPServer) and between letters and digits. Words joined
//     by one of "_ - . :" make an identifier. The index keeps, beside the
//     words, the parts of each word, the whole identifier, and each run
//     of parts that ends the identifier (KubePodCrashLooping: kube, pod,
//     crash, looping, podcrashlooping, crashlooping; v1.2.3: v, 1, 1.2.3,
//     2.3), so that "crash" is a term and "crashloop" the prefix of one.
//     These are part terms: they score as a prefix
//     of a word does, so a part finds what it did not find before without
//     changing how the pages it found before rank. A query searches its
//     words, but an identifier with a word of one character or of digits
//     only (v1.2.3, 10:30) whole.
//  4. Terms are lowercased rune by rune with the simple case mapping, a
//     capital sigma that ends a term becoming a final sigma (the rule of
//     bleve's to_lower, whose code garbles the rest of a term after a
//     letter whose lowercase is shorter in UTF-8, such as "ẞ").
package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// analysisVersion changes when the analysis does, so that indexes kept in
// the cache by an older analysis are built again.
const analysisVersion = "2"

// isWordRune is the rule of a word: a run of letters, marks and digits.
// search.js spells it /[\p{L}\p{M}\p{N}]/u.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// isCJK reports whether r is written without spaces between words: Han,
// Hiragana, Katakana, Hangul and the prolonged sound mark "ー" (whose
// script is Common). A mark takes the side of the rune before it.
func isCJK(r rune) bool {
	if r < 0x1100 { // below Hangul Jamo, the first of these blocks
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r == 'ー'
}

// isConnector reports whether r joins two words into one identifier.
func isConnector(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ':' }

// maxSuffixParts is the most parts an identifier may have for its runs of
// trailing parts to be indexed; longer ones (hashes, blobs) keep their
// whole and their parts only.
const maxSuffixParts = 8

// diacritics are the blocks of combining marks that accent folding
// removes: Combining Diacritical Marks and its Extended, Supplement, For
// Symbols and Half Marks blocks. Marks of other blocks (Indic vowel signs,
// the kana voicing marks) are letters' parts and stay.
var diacritics = &unicode.RangeTable{R16: []unicode.Range16{
	{Lo: 0x0300, Hi: 0x036f, Stride: 1},
	{Lo: 0x1ab0, Hi: 0x1aff, Stride: 1},
	{Lo: 0x1dc0, Hi: 0x1dff, Stride: 1},
	{Lo: 0x20d0, Hi: 0x20ff, Stride: 1},
	{Lo: 0xfe20, Hi: 0xfe2f, Stride: 1},
}}

// fold is the char filter of step 1: compatibility decomposition, accents
// removed, canonical composition.
type fold struct{}

func (fold) Filter(input []byte) []byte {
	ascii := true
	for _, b := range input {
		if b >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return input
	}
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(diacritics)), norm.NFC)
	out, _, err := transform.Bytes(t, input)
	if err != nil {
		return input
	}
	return out
}

// identTokenizer makes the tokens of steps 2 and 3: word terms, or part
// terms (of type partTerm), or both.
type identTokenizer struct{ mode int }

// Modes of identTokenizer.
const (
	modeAll   = iota // words and parts
	modeWords        // words and CJK text
	modeParts        // parts of words, whole identifiers
	modeQuery        // what a query searches: its words and CJK text
)

// partTerm is the token type of a part term.
const partTerm analysis.TokenType = 100

// span is a piece of the input, in bytes.
type span struct{ start, end int }

func (t identTokenizer) Tokenize(input []byte) analysis.TokenStream {
	// About one token for every six bytes of English prose.
	out := make(analysis.TokenStream, 0, len(input)/6+1)
	pos := 1
	// Tokens are made in blocks, not one allocation each; a block lives
	// as long as a token of it does.
	var block []analysis.Token
	// Terms share the input's bytes: the lowercase filter writes new
	// ones, and nothing writes to these.
	emit := func(s span, typ analysis.TokenType) {
		if len(block) == cap(block) {
			block = make([]analysis.Token, 0, min(max(cap(block)*2, 16), 256))
		}
		block = append(block, analysis.Token{Term: input[s.start:s.end:s.end], Start: s.start, End: s.end, Position: pos, Type: typ})
		out = append(out, &block[len(block)-1])
		pos++
	}
	var ident []span // the words of the identifier being read
	flush := func() {
		if len(ident) > 0 {
			t.identifier(input, ident, emit)
			ident = ident[:0]
		}
	}
	i := 0
	for i < len(input) {
		r, w := utf8.DecodeRune(input[i:])
		if !isWordRune(r) {
			// A connector between two words of the identifier keeps
			// it open.
			if len(ident) > 0 && ident[len(ident)-1].end == i && isConnector(r) {
				if r2, _ := utf8.DecodeRune(input[i+w:]); i+w < len(input) && isWordRune(r2) && !isCJK(r2) && !unicode.IsMark(r2) {
					i += w
					continue
				}
			}
			flush()
			i += w
			continue
		}
		// A run of one side (CJK or not); a mark stays with the rune
		// before it.
		cjkRun := isCJK(r)
		start := i
		i += w
		for i < len(input) {
			r, w := utf8.DecodeRune(input[i:])
			if !isWordRune(r) || (!unicode.IsMark(r) && isCJK(r) != cjkRun) {
				break
			}
			i += w
		}
		if cjkRun {
			flush()
			if t.mode != modeParts {
				emit(span{start, i}, analysis.Ideographic)
			}
			continue
		}
		if len(ident) > 0 && ident[len(ident)-1].end != start-1 {
			flush()
		}
		ident = append(ident, span{start, i})
	}
	flush()
	return out
}

// identifier emits the terms of one identifier made of words.
func (t identTokenizer) identifier(input []byte, words []span, emit func(span, analysis.TokenType)) {
	if t.mode == modeQuery && len(words) > 1 && searchedWhole(input, words) {
		emit(span{words[0].start, words[len(words)-1].end}, analysis.AlphaNumeric)
		return
	}
	parts := t.mode == modeAll || t.mode == modeParts
	end := words[len(words)-1].end
	if len(words) > 1 && parts {
		emit(span{words[0].start, end}, partTerm)
	}
	var all []span
	for _, w := range words {
		if t.mode != modeParts {
			emit(w, analysis.AlphaNumeric)
		}
		if !parts {
			continue
		}
		ps := splitParts(input, w)
		all = append(all, ps...)
		if len(ps) == 1 {
			continue
		}
		for _, p := range ps {
			emit(p, partTerm)
		}
	}
	// The runs of parts that end the identifier, but the whole and the
	// last part, which are terms already.
	if len(all) <= maxSuffixParts {
		for i := 1; i < len(all)-1; i++ {
			emit(span{all[i].start, end}, partTerm)
		}
	}
}

// searchedWhole reports whether a query searches an identifier whole
// rather than word by word: when a word of it is one character or only
// digits, as in versions (v1.2.3), times (10:30) and "e.g.".
func searchedWhole(input []byte, words []span) bool {
	for _, w := range words {
		if utf8.RuneCount(input[w.start:w.end]) == 1 {
			return true
		}
		digits := true
		for _, r := range string(input[w.start:w.end]) {
			if !unicode.IsNumber(r) {
				digits = false
				break
			}
		}
		if digits {
			return true
		}
	}
	return false
}

// Rune classes of the part rules.
const (
	clsOther = iota
	clsUpper
	clsLower
	clsDigit
)

func class(r rune) int {
	switch {
	case unicode.IsUpper(r) || unicode.IsTitle(r):
		return clsUpper
	case unicode.IsLower(r):
		return clsLower
	case unicode.IsNumber(r):
		return clsDigit
	}
	return clsOther
}

// splitParts cuts a word into its parts: between a letter and a digit, a
// lower-case letter and an upper-case one, and before the last upper-case
// letter of a run followed by a lower-case one (HTTPServer: HTTP,
// Server). A mark has the class of the rune before it.
func splitParts(input []byte, w span) []span {
	// Most words are ASCII letters in one case, or capitalized: one
	// part; and so are numbers.
	word := input[w.start:w.end]
	lower, upper, digits := 0, 0, 0
	for _, b := range word {
		switch {
		case 'a' <= b && b <= 'z':
			lower++
		case 'A' <= b && b <= 'Z':
			upper++
		case '0' <= b && b <= '9':
			digits++
		}
	}
	n := len(word)
	if digits == n || lower+upper == n && (upper == n || lower == n || upper == 1 && word[0] <= 'Z') {
		return []span{w}
	}
	type rc struct {
		at, cls int
	}
	var rs []rc
	prev := clsOther
	for i := w.start; i < w.end; {
		r, n := utf8.DecodeRune(input[i:])
		c := class(r)
		if unicode.IsMark(r) {
			c = prev
		}
		rs = append(rs, rc{i, c})
		prev = c
		i += n
	}
	var parts []span
	start := w.start
	for k := 1; k < len(rs); k++ {
		a, b := rs[k-1].cls, rs[k].cls
		cut := (a == clsDigit) != (b == clsDigit) ||
			(a == clsLower && b == clsUpper) ||
			(a == clsUpper && b == clsUpper && k+1 < len(rs) && rs[k+1].cls == clsLower)
		if cut {
			parts = append(parts, span{start, rs[k].at})
			start = rs[k].at
		}
	}
	return append(parts, span{start, w.end})
}

// lowerFilter lowercases terms (step 4).
type lowerFilter struct{}

func (lowerFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		t.Term = lowerTerm(t.Term)
	}
	return input
}

func lowerTerm(s []byte) []byte {
	lower := true
	for _, b := range s {
		if b >= utf8.RuneSelf || ('A' <= b && b <= 'Z') {
			lower = false
			break
		}
	}
	if lower {
		return s
	}
	out := make([]byte, 0, len(s))
	for i, r := range string(s) {
		l := unicode.ToLower(r)
		if l == 'σ' && r != l && i+utf8.RuneLen(r) == len(s) {
			l = 'ς'
		}
		out = utf8.AppendRune(out, l)
	}
	return out
}

// analyzers are the analysis chains of the index.
type analyzers struct {
	// text makes the terms of titles, headings, alert names, metadata
	// and body text: words and parts; words and parts alone.
	text, words, parts analysis.Analyzer
	// query makes the terms a query searches for.
	query analysis.Analyzer
	// exact makes one normalized, lowercased term of a whole value, for
	// exact alert name and title hits.
	exact analysis.Analyzer
	// verbatim keeps a whole value as it is, for filters.
	verbatim analysis.Analyzer
}

func newAnalyzers() analyzers {
	lower := lowerFilter{}
	bigram := cjk.NewCJKBigramFilter(false)
	chars := []analysis.CharFilter{fold{}}
	chain := func(mode int) analysis.Analyzer {
		return &analysis.DefaultAnalyzer{
			CharFilters:  chars,
			Tokenizer:    identTokenizer{mode: mode},
			TokenFilters: []analysis.TokenFilter{lower, bigram},
		}
	}
	return analyzers{
		text:  chain(modeAll),
		words: chain(modeWords),
		parts: chain(modeParts),
		query: chain(modeQuery),
		exact: &analysis.DefaultAnalyzer{
			CharFilters:  chars,
			Tokenizer:    single.NewSingleTokenTokenizer(),
			TokenFilters: []analysis.TokenFilter{lower},
		},
		verbatim: &analysis.DefaultAnalyzer{Tokenizer: single.NewSingleTokenTokenizer()},
	}
}

// exactTerm returns the exact term of a whole value: trimmed, normalized
// and lowercased.
func (a analyzers) exactTerm(value string) string {
	ts := a.exact.Analyze([]byte(trimSpace(value)))
	if len(ts) == 0 {
		return ""
	}
	return string(ts[0].Term)
}

// queryTerms returns the distinct terms of a query, in the order typed:
// its words (or whole identifiers, see searchedWhole) and the bigrams of
// its CJK text. Every query term of a text is a term of that text.
func (a analyzers) queryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range a.query.Analyze([]byte(q)) {
		s := string(t.Term)
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
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
