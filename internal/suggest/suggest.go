// Package suggest finds, for a word a person typed (a command, a flag),
// the known word they most likely meant, for "did you mean" messages.
//
// Input: the word and the known words. Output: the closest known word
// when it is near enough to be a slip of the keyboard, else "". Distance
// is the optimal string alignment distance (insertions, deletions,
// substitutions and swaps of neighbours cost one edit each, as in
// Damerau's study of spelling errors), compared case-insensitively.
package suggest

import (
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
)

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
// edits of runes (diag.Distance).
func Distance(a, b string) int { return diag.Distance(a, b) }
