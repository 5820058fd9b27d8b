package search

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// splitByDefinition is the shard keys as the export's format defines them,
// term by term: the first two characters, and, where a key's terms are
// more than shardBudget bytes, one character more for the terms longer
// than the key, up to maxKeyLen.
func splitByDefinition(terms []string, size func(string) int) map[string]string {
	keys := map[string]string{}
	var assign func(group []string, n int)
	assign = func(group []string, n int) {
		byKey := map[string][]string{}
		for _, t := range group {
			byKey[prefix(t, n)] = append(byKey[prefix(t, n)], t)
		}
		for k, g := range byKey {
			bytes := 0
			for _, t := range g {
				bytes += size(t)
			}
			if bytes <= shardBudget || n >= maxKeyLen {
				for _, t := range g {
					keys[t] = k
				}
				continue
			}
			var longer []string
			for _, t := range g {
				if utf8.RuneCountInString(t) <= n {
					keys[t] = k
				} else {
					longer = append(longer, t)
				}
			}
			assign(longer, n+1)
		}
	}
	assign(terms, 2)
	return keys
}

// The runs split makes from a group's sorted terms give every term the key
// the definition gives it: over groups of one to thousands of terms, with
// terms that are a prefix of others, of one character, of several bytes a
// character, and of postings large enough to split down to maxKeyLen.
func TestSplitGivesEachTermItsKey(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	alphabets := []string{"ab", "abc", "aé€𝄞", "abcdefghijklmnopqrstuvwxyz"}
	for round := range 400 {
		alphabet := []rune(alphabets[round%len(alphabets)])
		set := map[string]bool{}
		n := 1 + r.Intn(3000)
		for range n {
			var b strings.Builder
			b.WriteString("st") // one group
			for range r.Intn(8) {
				b.WriteRune(alphabet[r.Intn(len(alphabet))])
			}
			set[b.String()] = true
		}
		if r.Intn(4) == 0 {
			set["s"] = true // shorter than a group's key
		}
		sizes := map[string]int{}
		for term := range set {
			sizes[term] = len(term) + 6 + 5*r.Intn(1+r.Intn(4000))
		}
		size := func(t string) int { return sizes[t] }
		terms := slices.Sorted(func(yield func(string) bool) {
			for term := range set {
				if !yield(term) {
					return
				}
			}
		})
		want := splitByDefinition(terms, size)
		got := map[string]string{}
		next := 0
		for _, run := range split(terms, size) {
			if run.from != next || run.to <= run.from {
				t.Fatalf("round %d: run %+v after %d: the runs must cover the terms in order", round, run, next)
			}
			next = run.to
			for _, term := range terms[run.from:run.to] {
				got[term] = run.key
			}
		}
		if next != len(terms) {
			t.Fatalf("round %d: the runs end at %d of %d terms", round, next, len(terms))
		}
		for term, k := range want {
			if got[term] != k {
				t.Fatalf("round %d: %q has key %q, want %q", round, term, got[term], k)
			}
		}
	}
}

// A key whose terms are exactly shardBudget bytes stays whole; one byte
// more splits it, and the term that is the key itself stays at the key.
func TestSplitAtTheBudget(t *testing.T) {
	terms := []string{"st", "sta", "stb"}
	for _, tc := range []struct {
		last int
		want []shardRun
	}{
		{shardBudget - 200, []shardRun{{"st", 0, 3}}},
		{shardBudget - 199, []shardRun{{"st", 0, 1}, {"sta", 1, 2}, {"stb", 2, 3}}},
	} {
		size := func(t string) int {
			if t == "stb" {
				return tc.last
			}
			return 100
		}
		if got := split(terms, size); !slices.Equal(got, tc.want) {
			t.Errorf("with %d bytes: runs %+v, want %+v", 200+tc.last, got, tc.want)
		}
	}
}
