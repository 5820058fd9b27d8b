package search

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

// tricky are shard keys and hashes that json.Marshal escapes or writes
// as they are: HTML characters, quotes, control characters, non-ASCII,
// invalid UTF-8, the line separators JavaScript reads as line ends.
var tricky = []string{"", "kube", "a<b", "x&y", "q\"", "back\\slash", "tab\t", "nul\x00", "del\x7f", "café", "日本", "\xff\xfe", "ls\u2028ps\u2029", ">", "plain-term_1.2"}

func randomString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return tricky[r.IntN(len(tricky))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return string(b)
}

// randomPostings returns terms, sorted, with postings in post: page
// numbers rising from 0 to millions, bits of any int32.
func randomPostings(r *rand.Rand, post map[string][]posting) []string {
	var terms []string
	for range r.IntN(20) {
		t := randomString(r)
		if _, ok := post[t]; ok {
			continue
		}
		var ps []posting
		doc := int32(r.IntN(3))
		for range 1 + r.IntN(8) {
			ps = append(ps, posting{doc, int32(r.Uint32())})
			doc += 1 + int32(r.IntN(1<<20))
		}
		post[t] = ps
		terms = append(terms, t)
	}
	slices.Sort(terms)
	return terms
}

// flat is the shard of terms as the format defines it (see shard): each
// term's postings as one list of the page's difference from the previous
// page and the bits; no terms, no field.
func flat(terms []string, post map[string][]posting) map[string][]int {
	if len(terms) == 0 {
		return nil
	}
	m := map[string][]int{}
	for _, t := range terms {
		prev := int32(0)
		m[t] = []int{}
		for _, p := range post[t] {
			m[t] = append(m[t], int(p.doc-prev), int(p.bits))
			prev = p.doc
		}
	}
	return m
}

// TestEncodersWriteWhatEncodingJSONWrites: the shards and manifest the
// export writes are byte for byte what json.Marshal writes for them, so
// the search script and every export before these encoders read them
// alike.
func TestEncodersWriteWhatEncodingJSONWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		post, xpost := map[string][]posting{}, map[string][]posting{}
		terms, exact := randomPostings(r, post), randomPostings(r, xpost)
		want, err := json.Marshal(&shard{Terms: flat(terms, post), Exact: flat(exact, xpost)})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendShard(nil, terms, post, exact, xpost); string(got) != string(want) {
			t.Fatalf("shard %d: wrote\n%s\nwant\n%s", i, got, want)
		}
		m := &Manifest{Version: r.IntN(3), Docs: r.IntN(100000), Typo: randomString(r)}
		if r.IntN(4) > 0 {
			m.Shards = map[string]string{}
			for range r.IntN(30) {
				m.Shards[randomString(r)] = randomString(r)
			}
		}
		if r.IntN(4) > 0 {
			m.Facets = map[string]map[string]string{}
			for range r.IntN(4) {
				var f map[string]string
				if r.IntN(4) > 0 {
					f = map[string]string{}
					for range r.IntN(5) {
						f[randomString(r)] = randomString(r)
					}
				}
				m.Facets[randomString(r)] = f
			}
		}
		if r.IntN(4) > 0 {
			m.Store = []string{}
			for range r.IntN(5) {
				m.Store = append(m.Store, randomString(r))
			}
		}
		want, err = json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("manifest %d: wrote\n%s\nwant\n%s", i, got, want)
		}
	}
}

// FuzzEncodeShard: for any terms, page numbers and bits, a shard's
// encoding is what json.Marshal writes for it.
func FuzzEncodeShard(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, s, int32(3), int32(-1))
	}
	f.Fuzz(func(t *testing.T, term, exact string, doc, bits int32) {
		doc = max(doc, 0)
		post := map[string][]posting{term: {{0, bits}, {doc + 1, doc}}}
		xpost := map[string][]posting{exact: {{doc, bits}}, term + exact: {{doc, 0}}}
		terms := []string{term}
		exacts := []string{exact}
		if term != "" {
			exacts = append(exacts, term+exact)
		}
		slices.Sort(exacts)
		exacts = slices.Compact(exacts)
		want, err := json.Marshal(&shard{Terms: flat(terms, post), Exact: flat(exacts, xpost)})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendShard(nil, terms, post, exacts, xpost); string(got) != string(want) {
			t.Fatalf("wrote\n%s\nwant\n%s", got, want)
		}
	})
}
