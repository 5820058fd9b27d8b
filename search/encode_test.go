package search

import (
	"encoding/json"
	"math/rand/v2"
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

func randomShard(r *rand.Rand) *shard {
	s := &shard{}
	for _, m := range []*map[string][]int{&s.Terms, &s.Exact} {
		switch r.IntN(3) {
		case 0: // nil: omitted
		case 1:
			*m = map[string][]int{} // empty: omitted too
		default:
			*m = map[string][]int{}
			for range r.IntN(20) {
				var ns []int
				if r.IntN(5) > 0 {
					ns = []int{}
					for range r.IntN(8) {
						ns = append(ns, r.IntN(1<<20)-1000)
					}
				}
				(*m)[randomString(r)] = ns
			}
		}
	}
	return s
}

// TestEncodersWriteWhatEncodingJSONWrites: the shards and manifest the
// export writes are byte for byte what json.Marshal writes for them, so
// the search script and every export before these encoders read them
// alike.
func TestEncodersWriteWhatEncodingJSONWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		s := randomShard(r)
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.appendJSON(nil); string(got) != string(want) {
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

// FuzzEncodeShard: for any term and numbers, a shard's encoding is what
// json.Marshal writes.
func FuzzEncodeShard(f *testing.F) {
	for _, s := range tricky {
		f.Add(s, s, 3, -1)
	}
	f.Fuzz(func(t *testing.T, term, exact string, a, b int) {
		s := &shard{Terms: map[string][]int{term: {a, b}}, Exact: map[string][]int{exact: {b}, term + exact: nil}}
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.appendJSON(nil); string(got) != string(want) {
			t.Fatalf("wrote\n%s\nwant\n%s", got, want)
		}
	})
}
