package search

import (
	"encoding/json"
	"slices"
	"unicode"
	"unicode/utf8"
)

// Close spellings. A query term of minTypoLen letters or more that no
// indexed term starts with matches the indexed terms of letters within
// edit distance 1 of it, or 2 from longTypoLen letters, scoring a
// fraction of what an exact hit in the same field scores (typoScore).
// The distance counts an insertion, a deletion, a substitution and a
// swap of two neighbours as one edit each (optimal string alignment
// distance), and a close spelling is also within Levenshtein distance 2
// (so two swaps are too far), which bleve's automaton finds.
// "playbook search" finds them with bleve's Levenshtein automaton; the
// browser looks them up in the export's deletion neighbourhoods: every
// term of letters is filed under each string made by deleting up to its
// distance of characters from its first typoPrefix characters. Two
// strings within distance d have such deletions in common (delete the
// characters an edit touches, then cut both to the shorter), so the
// keys of a query term find every candidate, which is then checked.
const (
	minTypoLen  = 5
	longTypoLen = 8
	typoPrefix  = 5
	// minTypoTerm is the shortest indexed term a close spelling can be:
	// minTypoLen less one edit.
	minTypoTerm = minTypoLen - 1
)

// typoTerm reports whether t is made of letters (and their marks) only,
// at least n of them, and not CJK text (whose terms are bigrams).
func typoTerm(t string, n int) bool {
	if utf8.RuneCountInString(t) < n {
		return false
	}
	for _, r := range t {
		if !(unicode.IsLetter(r) || unicode.IsMark(r)) || isCJK(r) {
			return false
		}
	}
	return true
}

// maxEdits is the distance of the close spellings of query term t.
func maxEdits(t string) int {
	if utf8.RuneCountInString(t) >= longTypoLen {
		return 2
	}
	return 1
}

// typoScore is what a close spelling at distance d in a field of weight
// w scores: below any prefix hit in that field.
func typoScore(w float64, d int) float64 {
	if d <= 1 {
		return w / 4
	}
	return w / 8
}

// levenshtein returns the edit distance of a and b in characters, or
// max+1 when it is more than max.
func levenshtein(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			low = min(low, cur[j])
		}
		if low > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], max+1)
}

// editDistance returns the optimal string alignment distance of a and b
// in characters (a swap of neighbours is one edit), or max+1 when it is
// more than max.
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > max || -d > max {
		return max + 1
	}
	rows := [3][]int{make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		pp, prev, cur := rows[(i+2)%3], rows[i%3], rows[(i+1)%3]
		cur[0] = i
		low := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
			low = min(low, cur[j])
		}
		if low > max {
			return max + 1
		}
	}
	return min(rows[(len(ra)+1)%3][len(rb)], max+1)
}

// closeDistance returns the distance of a close spelling u of query term
// t, at most d, or d+1 when u is not one.
func closeDistance(t, u string, d int) int {
	if levenshtein(t, u, 2) > 2 {
		return d + 1
	}
	return editDistance(t, u, d)
}

// deletionKeys returns the keys of term t: the strings made by deleting
// up to d characters from its first typoPrefix characters, sorted.
func deletionKeys(t string, d int) []string {
	rs := []rune(t)
	if len(rs) > typoPrefix {
		rs = rs[:typoPrefix]
	}
	seen := map[string]bool{string(rs): true}
	level := [][]rune{rs}
	for range d {
		var next [][]rune
		for _, s := range level {
			for i := range s {
				v := slices.Concat(s[:i], s[i+1:])
				if k := string(v); !seen[k] {
					seen[k] = true
					next = append(next, v)
				}
			}
		}
		level = next
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// termKeys are the keys an indexed term is filed under: with up to 2
// deletions when a query at distance 2 can reach it, else 1.
func termKeys(t string) []string {
	if utf8.RuneCountInString(t) >= longTypoLen-2 {
		return deletionKeys(t, 2)
	}
	return deletionKeys(t, 1)
}

// bucketOf is the bucket of a key among n (a power of two): FNV-1a of its
// UTF-8 bytes. search.js computes the same.
func bucketOf(key string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h & uint32(n-1))
}

// typoPairsPerBucket is the number of key and term pairs a bucket holds
// on average: about 2 KB of JSON, a few hundred bytes gzipped.
const typoPairsPerBucket = 160

// bucketCount is the number of buckets for a number of key and term
// pairs: a power of two, at least 1.
func bucketCount(pairs int) int {
	n := 1
	for n*typoPairsPerBucket < pairs {
		n *= 2
	}
	return n
}

// typoIndex is the deletion index of the export: for every key, the
// terms filed under it, and the keys of every bucket.
type typoIndex struct {
	keys    map[string]map[string]bool
	pairs   int
	buckets []map[string]bool // by bucket, when bucketed
}

func (x *typoIndex) add(t string, touched map[int]bool) {
	if x.keys == nil {
		x.keys = map[string]map[string]bool{}
	}
	for _, k := range termKeys(t) {
		if x.keys[k] == nil {
			x.keys[k] = map[string]bool{}
			if x.buckets != nil {
				x.buckets[bucketOf(k, len(x.buckets))][k] = true
			}
		}
		if !x.keys[k][t] {
			x.keys[k][t] = true
			x.pairs++
		}
		if x.buckets != nil {
			touched[bucketOf(k, len(x.buckets))] = true
		}
	}
}

func (x *typoIndex) remove(t string, touched map[int]bool) {
	for _, k := range termKeys(t) {
		if !x.keys[k][t] {
			continue
		}
		delete(x.keys[k], t)
		x.pairs--
		if x.buckets != nil {
			touched[bucketOf(k, len(x.buckets))] = true
		}
		if len(x.keys[k]) == 0 {
			delete(x.keys, k)
			if x.buckets != nil {
				delete(x.buckets[bucketOf(k, len(x.buckets))], k)
			}
		}
	}
}

// rebucket files every key into one of n buckets.
func (x *typoIndex) rebucket(n int) {
	x.buckets = make([]map[string]bool, n)
	for i := range x.buckets {
		x.buckets[i] = map[string]bool{}
	}
	for k := range x.keys {
		x.buckets[bucketOf(k, n)][k] = true
	}
}

// bucket returns the JSON of bucket b: its keys, each with its terms,
// sorted.
func (x *typoIndex) bucket(b int) ([]byte, error) {
	out := make(map[string][]string, len(x.buckets[b]))
	for k := range x.buckets[b] {
		ts := make([]string, 0, len(x.keys[k]))
		for t := range x.keys[k] {
			ts = append(ts, t)
		}
		slices.Sort(ts)
		out[k] = ts
	}
	return json.Marshal(out)
}
