package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// TestShardNameIsTheHashItDocuments checks shardName, which hashes a
// buffer at a time, against the bytes its doc names made whole: the
// name of a shard file must not change with how it is computed, or every
// deploy would upload every shard again.
func TestShardNameIsTheHashItDocuments(t *testing.T) {
	whole := func(terms []string, post map[string][]posting, exact []string, xpost map[string][]posting) string {
		b := []byte(shardNameFormat)
		for _, list := range []struct {
			terms []string
			post  map[string][]posting
		}{{terms, post}, {exact, xpost}} {
			b = binary.AppendUvarint(b, uint64(len(list.terms)))
			for _, term := range list.terms {
				b = binary.AppendUvarint(b, uint64(len(term)))
				b = append(b, term...)
				b = binary.AppendUvarint(b, uint64(len(list.post[term])))
				for _, p := range list.post[term] {
					b = binary.AppendUvarint(b, uint64(uint32(p.doc)))
					b = binary.AppendUvarint(b, uint64(uint32(p.bits)))
				}
			}
		}
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:])[:12]
	}
	many := make([]posting, 3000) // more bytes than one buffer
	for i := range many {
		many[i] = posting{doc: int32(i * 977), bits: int32(i % 7)}
	}
	long := strings.Repeat("ä", 3000) // a term longer than the buffer
	cases := []struct {
		name         string
		terms, exact []string
		post, xpost  map[string][]posting
	}{
		{name: "empty"},
		{name: "small", terms: []string{"disk", "rollback"}, post: map[string][]posting{"disk": {{0, 1}, {4, 3}}, "rollback": {{2, 2}}},
			exact: []string{"rollback"}, xpost: map[string][]posting{"rollback": {{2, 1}}}},
		{name: "many postings", terms: []string{"a", "b"}, post: map[string][]posting{"a": many, "b": many[:10]}},
		{name: "long term", terms: []string{"x", long, "y"}, post: map[string][]posting{long: many[:5], "y": many},
			exact: []string{long}, xpost: map[string][]posting{long: many}},
		{name: "negative numbers", terms: []string{"n"}, post: map[string][]posting{"n": {{-1, -2}}}},
	}
	for _, c := range cases {
		got, want := shardName(c.terms, c.post, c.exact, c.xpost), whole(c.terms, c.post, c.exact, c.xpost)
		if got != want {
			t.Errorf("%s: shardName = %s, want %s", c.name, got, want)
		}
	}
}
