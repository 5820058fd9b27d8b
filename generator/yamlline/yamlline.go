// Package yamlline translates between the YAML parser's view of a file and
// the file's own lines, for findings that must point at the right line. Its
// input is the bytes handed to go.yaml.in/yaml/v3; its output is a map from
// the parser's line numbers to the file's.
//
// The parser (a port of libyaml, which follows YAML 1.1) counts NEL
// (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) and a
// lone carriage return as line breaks, and reads a file that starts with a
// UTF-16 byte-order mark as UTF-16. Editors, git and this project's findings
// count lines by "\n" in UTF-8.
package yamlline

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// Map takes the parser's 1-based line numbers to the file's.
type Map struct {
	// starts[k] is the file line on which the parser's line k+1 begins.
	starts []int
}

// New reads src as the parser will (UTF-8; see UTF16 for the other case).
func New(src []byte) Map {
	m := Map{starts: []int{1}}
	line := 1
	for i := 0; i < len(src); {
		switch {
		case src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n':
			i += 2
			line++
		case src[i] == '\n':
			i++
			line++
		case src[i] == '\r':
			i++
		case bytes.HasPrefix(src[i:], []byte("\xc2\x85")):
			i += 2
		case bytes.HasPrefix(src[i:], []byte("\xe2\x80\xa8")), bytes.HasPrefix(src[i:], []byte("\xe2\x80\xa9")):
			i += 3
		default:
			i++
			continue
		}
		m.starts = append(m.starts, line)
	}
	return m
}

// Line returns the file line of the parser's line n, clamped to the file:
// 0 stays 0 (no line known). The zero Map returns n.
func (m Map) Line(n int) int {
	switch {
	case len(m.starts) == 0:
		return n
	case n <= 0:
		return 0
	case n > len(m.starts):
		return m.starts[len(m.starts)-1]
	}
	return m.starts[n-1]
}

// UTF16 reports whether src starts with a UTF-16 byte-order mark, which
// makes the parser read it as UTF-16.
func UTF16(src []byte) bool {
	return bytes.HasPrefix(src, []byte("\xff\xfe")) || bytes.HasPrefix(src, []byte("\xfe\xff"))
}

// ToUTF8 returns src as UTF-8 when it starts with a UTF-16 byte-order mark
// (without the mark; an odd last byte and unpaired surrogates become
// U+FFFD), and src itself otherwise. Its lines are the file's lines.
func ToUTF8(src []byte) []byte {
	if !UTF16(src) {
		return src
	}
	var order binary.ByteOrder = binary.LittleEndian
	if src[0] == 0xfe {
		order = binary.BigEndian
	}
	body := src[2:]
	units := make([]uint16, 0, len(body)/2)
	for i := 0; i+1 < len(body); i += 2 {
		units = append(units, order.Uint16(body[i:]))
	}
	out := make([]byte, 0, len(body))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	if len(body)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}
