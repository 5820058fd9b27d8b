// Package frontmatter is the first half of the Parse stage: it splits a
// markdown file into its YAML front matter and its body, and decodes the front
// matter into the typed Meta of the content model, keeping the line of every
// key so that later stages can point at it. Its input is a file's bytes; its
// output is a Meta, the body, and findings for anything wrong or unknown.
package frontmatter

import (
	"bytes"
)

// Split separates front matter from the body. Front matter starts on the
// first line with "---" and ends at the next line that is "---" or "...".
// It returns the YAML between the fences, the body after them, and the
// 1-based line on which the body starts. A file without an opening fence is
// all body. ok is false when an opening fence has no closing one; then the
// whole file is returned as body.
func Split(src []byte) (yaml, body []byte, bodyLine int, ok bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, rest, found := cutLine(src)
	if !isFence(first, false) {
		return nil, src, 1, true
	}
	if !found {
		return nil, src, 1, false
	}
	line := 2
	start := len(src) - len(rest)
	for pos := start; pos < len(src); {
		l, _, _ := cutLine(src[pos:])
		next := len(src)
		if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 {
			next = pos + i + 1
		}
		if isFence(l, true) {
			return src[start:pos], src[next:], line + 1, true
		}
		pos = next
		line++
	}
	return nil, src, 1, false
}

// cutLine returns the first line of b without its line ending.
func cutLine(b []byte) (line, rest []byte, found bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil, false
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:], true
}

func isFence(l []byte, closing bool) bool {
	l = bytes.TrimRight(l, " \t")
	if string(l) == "---" {
		return true
	}
	return closing && string(l) == "..."
}
