// Package suggest finds, for a word a person typed (a command, a flag),
// the known word they most likely meant, for "did you mean" messages.
//
// Input: the word and the known words. Output: the closest known word
// when it is near enough to be a slip of the keyboard, else "". Distance
// is the optimal string alignment distance (insertions, deletions,
// substitutions and swaps of neighbours cost one edit each, as in
// Damerau's study of spelling errors), compared case-insensitively.
package suggest

import "strings"

// Closest returns the word of known nearest to word: within one edit for
// words of up to four letters, two for longer ones. Ties go to the
// alphabetically first word; an exact match is returned as it is.
func Closest(word string, known []string) string {
	limit := 2
	if len([]rune(word)) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	w := strings.ToLower(word)
	for _, k := range known {
		if d := Distance(w, strings.ToLower(k)); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}

// Distance is the optimal string alignment distance between a and b, in
// edits of runes.
func Distance(a, b string) int {
	s, t := []rune(a), []rune(b)
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range t {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}
