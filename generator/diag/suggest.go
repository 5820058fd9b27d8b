package diag

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to word when it is near enough to
// be a slip of the keyboard, for a finding's "did you mean": the same word
// in another case first, then the fewest edits (insertions, deletions,
// substitutions, swaps of neighbours; case ignored), at most one for words
// of up to four letters, two up to eight, and a quarter of the letters for
// longer ones. Ties go to the candidate that sorts first. It returns ""
// when none is near enough, or when word is itself a candidate.
func Closest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	n := utf8.RuneCountInString(word)
	limit := 2
	switch {
	case n <= 4:
		limit = 1
	case n > 8:
		limit = n / 4
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if c == word {
			return ""
		}
		d := Distance(lw, strings.ToLower(c))
		if d == 0 {
			d = -1 // only the case differs: the best there can be
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}

// Distance is the optimal string alignment distance between a and b, in
// runes: insertions, deletions, substitutions and swaps of neighbours each
// cost one edit. Its cost grows with the product of the lengths, so callers
// give it names, not documents.
func Distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
