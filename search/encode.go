package search

import (
	"encoding/json"
	"slices"
	"strconv"
)

// The export's shards and manifest are written by these encoders rather
// than by encoding/json, which sorts map keys through reflection: an edit
// in the live preview writes several shards and the manifest. The bytes
// are those json.Marshal writes for the same values (keys sorted, HTML
// characters escaped, omitempty as the struct tags say), which
// TestEncodersWriteWhatEncodingJSONWrites and FuzzEncodeShard check.

// appendShard appends the shard of terms and exact, each list sorted,
// with their postings in post and xpost: the bytes json.Marshal writes for
// a shard whose lists are the postings flattened (see shard), written
// from the postings themselves, with no map of lists made and sorted.
func appendShard(b []byte, terms []string, post map[string][]posting, exact []string, xpost map[string][]posting) []byte {
	b = append(b, '{')
	if len(terms) > 0 {
		b = append(b, `"t":`...)
		b = appendPostings(b, terms, post)
	}
	if len(exact) > 0 {
		if len(terms) > 0 {
			b = append(b, ',')
		}
		b = append(b, `"x":`...)
		b = appendPostings(b, exact, xpost)
	}
	return append(b, '}')
}

// appendPostings appends an object of the terms, sorted, each to its
// postings flattened: the page number as a difference from the previous
// one, then the bits.
func appendPostings(b []byte, terms []string, post map[string][]posting) []byte {
	b = append(b, '{')
	for i, t := range terms {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, t)
		b = append(b, ':', '[')
		prev := int32(0)
		for j, p := range post[t] {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(p.doc-prev), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(p.bits), 10)
			prev = p.doc
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendStrings appends a map of strings to strings, keys sorted; nil is
// null.
func appendStrings(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	return appendObject(b, m, appendString)
}

// appendObject appends m as a JSON object, keys sorted, each value
// written by value.
func appendObject[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	return append(b, '}')
}

// appendJSON appends m as json.Marshal writes it.
func (m *Manifest) appendJSON(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(m.Docs), 10)
	b = append(b, `,"s":`...)
	b = appendStrings(b, m.Shards)
	b = append(b, `,"f":`...)
	if m.Facets == nil {
		b = append(b, "null"...)
	} else {
		b = appendObject(b, m.Facets, appendStrings)
	}
	b = append(b, `,"d":`...)
	if m.Store == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, h := range m.Store {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, h)
		}
		b = append(b, ']')
	}
	b = append(b, `,"y":`...)
	b = appendString(b, m.Typo)
	return append(b, '}')
}

// appendString appends s as a JSON string the way json.Marshal does:
// plain printable ASCII as it is, anything else (quotes, backslashes,
// HTML characters, control characters, non-ASCII) through json.Marshal
// itself.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
