package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sync"
)

// The static export, under search/ in the site:
//
//	search/manifest.json        shard keys, facets and the document store's hashes
//	search/s/HASH.json          a shard: the postings of the terms of one key
//	search/f/HASH.json          the pages of one kind, team or role
//	search/d/HASH/N.json        what result N shows; HASH is that of the
//	                            chunk of storeChunk pages N is in
//	search/y/HASH.json          the list of the deletion index's buckets,
//	                            and each bucket: keys with their terms
//
// A term's shard key is a prefix of it: two characters, or more where a
// shard would be too large (see split). A query term fetches the shards
// whose key is a prefix of it or starts with it; a whole query fetches the
// shard of its exact-hit key too. Every file but the manifest is named by
// a hash of what it holds, so hosts may cache it for ever: a shard by the
// hash of its terms and postings (shardName), which its bytes are made
// from, so that a shard whose file an earlier build wrote is known
// without being encoded; the other files by the hash of their bytes, or
// of their chunk's.
//
// A Writer that also keeps files (Keeper) is asked to keep each file
// whose name it may already have, and the file is made only when it is
// not kept.

// Dir is the folder of the export in the site.
const Dir = "search"

// shardBudget is the size, in bytes of JSON, above which a shard is split
// by a longer key.
const shardBudget = 32 << 10

// storeChunk is the number of pages that share a folder of the document
// store, named by their hash: an edit renames the files of one chunk.
const storeChunk = 256

// maxKeyLen is the longest shard key.
const maxKeyLen = 6

// Manifest is search/manifest.json.
type Manifest struct {
	Version int `json:"v"`
	// Docs is the number of pages.
	Docs int `json:"n"`
	// Shards maps shard keys to file hashes.
	Shards map[string]string `json:"s"`
	// Facets maps "kind", "owner" and "role" to values to file hashes.
	Facets map[string]map[string]string `json:"f"`
	// Store are the hashes of the document store's chunks: page N is in
	// chunk N/storeChunk.
	Store []string `json:"d"`
	// Typo is the hash of the list of the deletion index's buckets, by
	// bucket number; each is the hash of a bucket's file (see typo.go).
	Typo string `json:"y"`
}

// shard is one shard file. Postings are flat lists of pairs: the page
// number as a difference from the previous one, then the field bits (in
// Terms: the bits of the fields with the term as a word, and above them,
// shifted by partShift, of those with it as a part) or the exact-hit
// bits (in Exact).
type shard struct {
	Terms map[string][]int `json:"t,omitempty"`
	Exact map[string][]int `json:"x,omitempty"`
}

// posting is one page of a term: its number and the term's bits in it.
// Two int32s, for a site has fewer pages than that and the bits fit in 16:
// a 100,000-page site has about 11 million postings.
type posting struct {
	doc  int32
	bits int32
}

// Writer receives the export's files (see package output, whose writers
// are Writers): name is a slash-separated path under the site root.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Keeper is a Writer that may already hold files of the export, from an
// earlier build: KeepFile reports whether it holds the file name, which
// is named by a hash of what it holds, as that build wrote it, and if so
// keeps it in the new site as if it were written again.
type Keeper interface {
	Writer
	KeepFile(name string) bool
}

// shardNameFormat names what shardName hashes and the encoding of a shard
// (appendShard): it changes when either does, so that a shard file's name
// always stands for its bytes.
const shardNameFormat = "playbook search shard/1"

// shardName returns the hash that names the shard of terms and exact with
// their postings in post and xpost (as appendShard makes it): the first
// 12 hex digits of the SHA-256 of shardNameFormat and, for each list, the
// number of terms and each term with its postings, as unsigned varints.
func shardName(terms []string, post map[string][]posting, exact []string, xpost map[string][]posting) string {
	// The bytes go to the hash a buffer at a time: at 10,000 pages a
	// whole shard's bytes made first were 11 MB of memory per build.
	h := sha256.New()
	var arr [4096]byte
	b := append(arr[:0], shardNameFormat...)
	// flush hands b to h once it may not have room for what comes next.
	flush := func(need int) {
		if len(b)+need > len(arr) {
			h.Write(b)
			b = arr[:0]
		}
	}
	for _, list := range []struct {
		terms []string
		post  map[string][]posting
	}{{terms, post}, {exact, xpost}} {
		flush(binary.MaxVarintLen64)
		b = binary.AppendUvarint(b, uint64(len(list.terms)))
		for _, t := range list.terms {
			flush(2 * binary.MaxVarintLen64)
			b = binary.AppendUvarint(b, uint64(len(t)))
			if len(b)+len(t) > len(arr) {
				h.Write(b)
				h.Write([]byte(t))
				b = arr[:0]
			} else {
				b = append(b, t...)
			}
			ps := list.post[t]
			b = binary.AppendUvarint(b, uint64(len(ps)))
			for _, p := range ps {
				flush(2 * binary.MaxVarintLen32)
				b = binary.AppendUvarint(b, uint64(uint32(p.doc)))
				b = binary.AppendUvarint(b, uint64(uint32(p.bits)))
			}
		}
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Export writes the static export of docs through w.
func Export(docs []Doc, w Writer) error {
	var e Exporter
	if _, _, err := e.Update(docs); err != nil {
		return err
	}
	return e.WriteTo(w)
}

// fieldTerms returns a page's terms with the bits of the fields they are
// in, and its exact-hit terms with their bits.
func (a analyzers) fieldTerms(d Doc) (map[string]int, map[string]int) {
	// A term's place in bits while the texts are read, then its bits:
	// a term's string is made once, when first seen.
	terms := make(map[string]int, len(d.Body)/24+16)
	var bits []int
	add := func(bit int, texts ...string) {
		for _, text := range texts {
			for _, t := range a.text.Analyze([]byte(text)) {
				i, ok := terms[string(t.Term)]
				if !ok {
					i = len(bits)
					terms[string(t.Term)] = i
					bits = append(bits, 0)
				}
				if t.Type == partTerm {
					bits[i] |= bit << partShift
				} else {
					bits[i] |= bit
				}
			}
		}
	}
	add(bitTitle, d.Title)
	add(bitAlert, d.Alerts...)
	add(bitHeading, d.Headings...)
	add(bitMeta, metaText(d))
	add(bitBody, d.Body)
	for t, i := range terms {
		terms[t] = bits[i]
	}
	exact := map[string]int{}
	if t := a.exactTerm(d.Title); t != "" {
		exact[t] |= exactTitle
	}
	for _, al := range d.Alerts {
		if t := a.exactTerm(al); t != "" {
			exact[t] |= exactAlert
		}
	}
	return terms, exact
}

// shardRun is one shard key and the terms it holds: a run of a group's
// sorted terms, from and to (exclusive) in that list.
type shardRun struct {
	key      string
	from, to int
}

// split assigns the terms of a group, sorted, their shard keys: the first
// two characters; where the terms of a key are more than shardBudget bytes
// of JSON (size gives a term's), one character more for the terms longer
// than the key, up to maxKeyLen. The terms that share a prefix are a run
// of the sorted list, so each key's terms are one run, and a key that is
// split further keeps only the term that is the key itself, if any. The
// runs are in the order of their terms, and cover every term once.
func split(terms []string, size func(string) int) []shardRun {
	var out []shardRun
	var assign func(from, to, n int)
	assign = func(from, to, n int) {
		for i := from; i < to; {
			k := prefix(terms[i], n)
			bytes := size(terms[i])
			j := i + 1
			for ; j < to && len(terms[j]) >= len(k) && terms[j][:len(k)] == k && prefix(terms[j], n) == k; j++ {
				bytes += size(terms[j])
			}
			switch {
			case bytes <= shardBudget || n >= maxKeyLen:
				out = append(out, shardRun{k, i, j})
			case terms[i] == k:
				// The term that is the key itself stays; the longer
				// ones, after it, split by one character more.
				out = append(out, shardRun{k, i, i + 1})
				assign(i+1, j, n+1)
			default:
				assign(i, j, n+1)
			}
			i = j
		}
	}
	assign(0, len(terms), 2)
	return out
}

// prefix returns the first n characters of s.
func prefix(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

func deltas(ids []int) []int {
	out := make([]int, len(ids))
	prev := 0
	for i, id := range ids {
		out[i] = id - prev
		prev = id
	}
	return out
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func hash(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])[:12]
}

// parallel runs f for 0..n-1 on a few goroutines and returns the first
// error.
func parallel(n int, f func(int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}
