package markdown

import (
	"bytes"
	"fmt"
)

// Limits on a page body, past which it is not parsed: the page gets a
// finding instead. goldmark and this package's extensions work in time
// that grows with the size of a page and, for some constructs, with the
// square (or more) of their nesting or number: nested callouts, block
// quotes and lists each match every line against every open container,
// and footnote references are looked up among all definitions. The limits
// keep every page within a second or so and a few hundred megabytes,
// whatever it holds, and are far above what a hand-written page uses.
const (
	// MaxPageBytes is the largest body parsed: 1 MiB, some 150,000 words.
	MaxPageBytes = 1 << 20
	// MaxNesting is the deepest nesting of block quotes, list items and
	// callouts of any spelling.
	MaxNesting = 32
	// MaxHeadings is the most headings a page may have: each gets an id,
	// an entry in the page's outline and in the search index.
	MaxHeadings = 10_000
	// MaxFootnotes is the most footnote references and definitions ("[^")
	// a page may have.
	MaxFootnotes = 2000
)

// A LimitError says which limit a body passes and where.
type LimitError struct {
	Line  int    // 1-based line in the body; 0 for the whole body
	Check string // page/too-large, page/too-deep, page/too-many-headings or page/too-many-footnotes
	Msg   string
}

func (e *LimitError) Error() string { return e.Msg }

// CheckLimits reads a body once, in linear time, and returns a LimitError
// when it passes MaxPageBytes, MaxNesting, MaxHeadings or MaxFootnotes, or
// nil. Headings are counted as ATX headings ("## Title") outside fenced
// code, lines that could be setext underlines ("---", "===") being
// counted too, so the count is an upper bound. Nesting
// is counted from the markers that open containers ("> ", list markers,
// ":::type", "!!! type" and "??? type" with their indentation), so it is
// an upper bound of goldmark's: a page it accepts nests no deeper.
func CheckLimits(body []byte) *LimitError {
	if len(body) > MaxPageBytes {
		return &LimitError{Check: "page/too-large", Msg: fmt.Sprintf(
			"page body is %.1f MiB, more than the %d MiB a page may have; split it into several pages", float64(len(body))/(1<<20), MaxPageBytes>>20)}
	}
	if n := bytes.Count(body, []byte("[^")); n > MaxFootnotes {
		return &LimitError{Check: "page/too-many-footnotes", Msg: fmt.Sprintf(
			"page has %d footnote references and definitions, more than %d; split it into several pages", n, MaxFootnotes)}
	}
	docusaurus := 0 // open ":::" callouts
	var open []byte // the fence of the code block the line is in
	headings := 0
	for line, rest := 1, body; len(rest) > 0; line++ {
		l := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if open != nil {
			// In a fenced code block at the top level: code until the
			// closing fence, whatever it looks like.
			if t := bytes.TrimLeft(l, " "); len(l)-len(t) < 4 && bytes.HasPrefix(t, open) && len(bytes.Trim(t, string(open[:1])+" \t\r")) == 0 {
				open = nil
			}
			continue
		}
		if f := topLevelFence(l); f != nil {
			open = f
			continue
		}
		if isHeading(l) {
			if headings++; headings > MaxHeadings {
				return &LimitError{Line: line, Check: "page/too-many-headings", Msg: fmt.Sprintf(
					"page has more than %d headings; split it into several pages", MaxHeadings)}
			}
		}
		depth, fence := lineNesting(l)
		switch {
		case fence > 0:
			docusaurus++
		case fence < 0 && docusaurus > 0:
			docusaurus--
		}
		if d := depth + docusaurus; d > MaxNesting {
			return &LimitError{Line: line, Check: "page/too-deep", Msg: fmt.Sprintf(
				"block quotes, lists and callouts nest %d deep here, more than %d", d, MaxNesting)}
		}
	}
	return nil
}

// lineNesting counts the containers a line's start can open or continue:
// each "> ", list marker and MkDocs admonition, and one level for each
// two columns of indentation before a list marker or admonition (nested
// lists and admonitions are written with indentation). fence is 1 for a
// Docusaurus opening fence (":::note"), -1 for a closing one (":::").
func lineNesting(l []byte) (depth, fence int) {
	col := 0
	for i := 0; i < len(l); {
		switch c := l[i]; {
		case c == ' ':
			col++
			i++
		case c == '\t':
			col += 4 - col%4
			i++
		case c == '>':
			depth++
			col = 0
			i++
		case (c == '-' || c == '*' || c == '+') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			depth += 1 + col/2
			col = 0
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 10 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j < len(l) && (l[j] == '.' || l[j] == ')') && (j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t') {
				depth += 1 + col/2
				col = 0
				i = j + 1
				continue
			}
			return depth, 0
		case (c == '!' || c == '?') && bytes.HasPrefix(l[i:], []byte{c, c, c}):
			return depth + 1 + col/2, 0
		case c == ':' && bytes.HasPrefix(l[i:], []byte(":::")):
			j := i
			for j < len(l) && l[j] == ':' {
				j++
			}
			if len(bytes.TrimSpace(l[j:])) == 0 {
				return depth, -1
			}
			return depth, 1
		default:
			return depth, 0
		}
	}
	return depth, 0
}

// topLevelFence returns the fence ("```", "~~~~") that opens a fenced code
// block on l at the top level (at most three spaces before it), or nil.
func topLevelFence(l []byte) []byte {
	t := bytes.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return nil
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 || (t[0] == '`' && bytes.IndexByte(t[n:], '`') >= 0) {
		return nil
	}
	return t[:n]
}

// isHeading reports whether l may be a heading: an ATX heading's "#" to
// "######" after at most three spaces, or a setext underline.
func isHeading(l []byte) bool {
	t := bytes.TrimLeft(l, " ")
	if len(l)-len(t) > 3 || len(t) == 0 {
		return false
	}
	switch t[0] {
	case '#':
		n := 0
		for n < len(t) && t[n] == '#' {
			n++
		}
		return n <= 6 && (n == len(t) || t[n] == ' ' || t[n] == '\t' || t[n] == '\r')
	case '=', '-':
		return len(bytes.Trim(t, string(t[:1])+" \t\r")) == 0
	}
	return false
}
