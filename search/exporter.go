package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/output"
)

// Exporter makes the static export of a site and keeps what it computed,
// so that the export of the same site after an edit redoes only what the
// edit changed: the analysis of the changed pages, the shards of the terms
// they gained or lost, the facets, the document store when what a result
// shows changed, and the manifest. Its files are byte for byte those
// Export writes for the same pages. The zero value is ready to use; an
// Exporter is not safe for concurrent use.
type Exporter struct {
	an    analyzers
	ready bool
	docs  []Doc
	// By page number: the terms and exact-hit terms with their bits, and
	// the page's entry in the document store.
	terms, exact []map[string]int
	store        [][]byte
	// The postings of every term and exact-hit term, in page order, and
	// the terms of each group (the terms that share their first two
	// characters, which split into shards independently).
	post, xpost         map[string][]posting
	groupT, groupX      map[string]map[string]bool
	keys                map[string]string // term -> shard key
	shardGroup          map[string]string // shard key -> group
	shardFile           map[string]string // shard key -> file name
	files               map[string][]byte // the export, by name
	manifest            Manifest
	storeHash           string
	shardFiles, facetFs map[string]bool
}

// maxIncremental is the most changed pages Update handles one by one;
// with more, it recomputes the postings from the pages' analyses.
const maxIncremental = 64

func group(t string) string { return prefix(t, 2) }

// Update makes the export of docs, and returns the names of the files
// that are new or changed since the last Update, and of those that went.
func (e *Exporter) Update(docs []Doc) (changed, removed []string, err error) {
	old := e.files
	var dirty []int
	incremental := e.ready && len(docs) == len(e.docs)
	if incremental {
		for i := range docs {
			if docs[i].URL != e.docs[i].URL {
				incremental = false
				break
			}
			if !sameDoc(docs[i], e.docs[i]) {
				dirty = append(dirty, i)
			}
		}
		if incremental && len(dirty) == 0 {
			e.docs = docs
			return nil, nil, nil
		}
		incremental = incremental && len(dirty) <= maxIncremental
	}
	if incremental {
		e.files = maps.Clone(old) // the map handed out stays as it was
		err = e.patch(docs, dirty)
	} else {
		err = e.rebuild(docs)
	}
	if err != nil {
		e.ready = false
		return nil, nil, err
	}
	for name, data := range e.files {
		if prev, ok := old[name]; !ok || !sameBytes(prev, data) {
			changed = append(changed, name)
		}
	}
	for name := range old {
		if _, ok := e.files[name]; !ok {
			removed = append(removed, name)
		}
	}
	slices.Sort(changed)
	slices.Sort(removed)
	return changed, removed, nil
}

// sameBytes reports whether a and b are equal, quickly when they are the
// same slice.
func sameBytes(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	return string(a) == string(b)
}

// Files returns the export by file name. The map must not be changed.
func (e *Exporter) Files() map[string][]byte { return e.files }

// WriteTo writes the export through w: the manifest, the shards and
// facets, then the document store.
func (e *Exporter) WriteTo(w output.Writer) error {
	manifest := Dir + "/manifest.json"
	if err := w.WriteFile(manifest, e.files[manifest]); err != nil {
		return err
	}
	var store, rest []string
	for name := range e.files {
		switch {
		case name == manifest:
		case strings.HasPrefix(name, Dir+"/d/"):
			store = append(store, name)
		default:
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		if err := w.WriteFile(name, e.files[name]); err != nil {
			return err
		}
	}
	return parallel(len(store), func(i int) error { return w.WriteFile(store[i], e.files[store[i]]) })
}

// rebuild computes the export from scratch, but for the analysis of the
// pages that are as they were.
func (e *Exporter) rebuild(docs []Doc) error {
	if !e.ready {
		e.an = newAnalyzers()
	}
	prev := map[string]int{}
	for i, d := range e.docs {
		prev[d.URL] = i
	}
	terms := make([]map[string]int, len(docs))
	exact := make([]map[string]int, len(docs))
	store := make([][]byte, len(docs))
	err := parallel(len(docs), func(i int) error {
		if j, ok := prev[docs[i].URL]; ok && e.ready && sameDoc(docs[i], e.docs[j]) {
			terms[i], exact[i], store[i] = e.terms[j], e.exact[j], e.store[j]
			return nil
		}
		terms[i], exact[i] = e.an.fieldTerms(docs[i])
		data, err := json.Marshal(storedOf(docs[i]))
		store[i] = data
		return err
	})
	if err != nil {
		return err
	}
	e.docs, e.terms, e.exact, e.store = docs, terms, exact, store
	e.post, e.xpost = map[string][]posting{}, map[string][]posting{}
	e.groupT, e.groupX = map[string]map[string]bool{}, map[string]map[string]bool{}
	for i := range docs {
		for t, bits := range terms[i] {
			e.post[t] = append(e.post[t], posting{i, bits})
		}
		for t, bits := range exact[i] {
			e.xpost[t] = append(e.xpost[t], posting{i, bits})
		}
	}
	addTo := func(groups map[string]map[string]bool, t string) {
		g := group(t)
		if groups[g] == nil {
			groups[g] = map[string]bool{}
		}
		groups[g][t] = true
	}
	for t := range e.post {
		addTo(e.groupT, t)
	}
	for t := range e.xpost {
		addTo(e.groupX, t)
	}
	e.keys, e.shardGroup, e.shardFile = map[string]string{}, map[string]string{}, map[string]string{}
	e.files = map[string][]byte{}
	e.shardFiles, e.facetFs = map[string]bool{}, map[string]bool{}
	e.manifest = Manifest{Version: 1, Shards: map[string]string{}}
	groups := map[string]bool{}
	for g := range e.groupT {
		groups[g] = true
	}
	for g := range e.groupX {
		groups[g] = true
	}
	if err := e.shardGroups(groups); err != nil {
		return err
	}
	e.storeHash = ""
	if err := e.finish(); err != nil {
		return err
	}
	e.ready = true
	return nil
}

// patch applies the changed pages dirty one by one.
func (e *Exporter) patch(docs []Doc, dirty []int) error {
	groups := map[string]bool{}
	for _, i := range dirty {
		terms, exact := e.an.fieldTerms(docs[i])
		e.repost(e.post, e.groupT, i, e.terms[i], terms, groups)
		e.repost(e.xpost, e.groupX, i, e.exact[i], exact, groups)
		e.terms[i], e.exact[i] = terms, exact
		data, err := json.Marshal(storedOf(docs[i]))
		if err != nil {
			return err
		}
		e.store[i] = data
	}
	e.docs = docs
	if err := e.shardGroups(groups); err != nil {
		return err
	}
	return e.finish()
}

// repost moves page i's postings from the terms before to those after,
// and marks the groups whose terms changed.
func (e *Exporter) repost(post map[string][]posting, groups map[string]map[string]bool, i int, before, after map[string]int, touched map[string]bool) {
	for t, bits := range before {
		if after[t] == bits {
			continue
		}
		ps := post[t]
		at, found := slices.BinarySearchFunc(ps, i, func(p posting, i int) int { return p.doc - i })
		if found {
			ps = slices.Delete(ps, at, at+1)
		}
		if len(ps) == 0 {
			delete(post, t)
			delete(groups[group(t)], t)
		} else {
			post[t] = ps
		}
		touched[group(t)] = true
	}
	for t, bits := range after {
		if before[t] == bits {
			continue
		}
		ps := post[t]
		at, _ := slices.BinarySearchFunc(ps, i, func(p posting, i int) int { return p.doc - i })
		post[t] = slices.Insert(ps, at, posting{i, bits})
		g := group(t)
		if groups[g] == nil {
			groups[g] = map[string]bool{}
		}
		groups[g][t] = true
		touched[g] = true
	}
}

// shardGroups splits the terms of the given groups into shards again and
// makes their files, as split and Export do for the whole site.
func (e *Exporter) shardGroups(groups map[string]bool) error {
	for k, g := range e.shardGroup {
		if groups[g] {
			delete(e.shardGroup, k)
			delete(e.shardFile, k)
			delete(e.manifest.Shards, k)
		}
	}
	shards := map[string]*shard{}
	for g := range groups {
		terms := make(map[string][]posting, len(e.groupT[g]))
		for t := range e.groupT[g] {
			terms[t] = e.post[t]
		}
		for t, k := range split(terms) {
			e.keys[t] = k
			if shards[k] == nil {
				shards[k] = &shard{Terms: map[string][]int{}}
			}
			shards[k].Terms[t] = flatten(e.post[t])
		}
	}
	// Exact-hit terms go to the longest shard key that is a prefix of
	// them; the keys that can be are all in the term's own group.
	has := func(k string) bool { _, ok := shards[k]; return ok }
	for g := range groups {
		for t := range e.groupX[g] {
			if utf8.RuneCountInString(t) < 2 {
				continue
			}
			k := ""
			for n := 2; n <= maxKeyLen; n++ {
				if p := prefix(t, n); has(p) && len(p) > len(k) {
					k = p
				}
			}
			if k == "" {
				k = prefix(t, 2)
			}
			if shards[k] == nil {
				shards[k] = &shard{}
			}
			if shards[k].Exact == nil {
				shards[k].Exact = map[string][]int{}
			}
			shards[k].Exact[t] = flatten(e.xpost[t])
		}
	}
	keys := slices.Collect(maps.Keys(shards))
	data := make([][]byte, len(keys))
	err := parallel(len(keys), func(i int) error {
		var err error
		data[i], err = json.Marshal(shards[keys[i]])
		return err
	})
	if err != nil {
		return err
	}
	for i, k := range keys {
		h := hash(data[i])
		name := Dir + "/s/" + h + ".json"
		e.shardGroup[k] = group(k)
		e.shardFile[k] = name
		e.manifest.Shards[k] = h
		e.files[name] = data[i]
	}
	// Drop the shard files no key names any more.
	live := make(map[string]bool, len(e.shardFile))
	for _, name := range e.shardFile {
		live[name] = true
	}
	for name := range e.shardFiles {
		if !live[name] {
			delete(e.files, name)
		}
	}
	e.shardFiles = live
	return nil
}

// finish makes the facets, the document store and the manifest.
func (e *Exporter) finish() error {
	for name := range e.facetFs {
		delete(e.files, name)
	}
	e.facetFs = map[string]bool{}
	facets := map[string]map[string][]int{"kind": {}, "owner": {}, "role": {}}
	for i, d := range e.docs {
		facets["kind"][d.Kind] = append(facets["kind"][d.Kind], i)
		if d.Owner != "" {
			facets["owner"][d.Owner] = append(facets["owner"][d.Owner], i)
		}
		for _, r := range uniq(d.Roles) {
			facets["role"][r] = append(facets["role"][r], i)
		}
	}
	e.manifest.Facets = map[string]map[string]string{}
	for name, values := range facets {
		e.manifest.Facets[name] = map[string]string{}
		for v, ids := range values {
			data, err := json.Marshal(deltas(ids))
			if err != nil {
				return err
			}
			h := hash(data)
			e.manifest.Facets[name][v] = h
			file := Dir + "/f/" + h + ".json"
			e.files[file] = data
			e.facetFs[file] = true
		}
	}
	all := sha256.New()
	for _, data := range e.store {
		all.Write(data)
		all.Write([]byte{'\n'})
	}
	storeHash := hex.EncodeToString(all.Sum(nil))[:12]
	if storeHash != e.storeHash || len(e.docs) != e.manifest.Docs {
		if e.storeHash != "" {
			for name := range e.files {
				if strings.HasPrefix(name, Dir+"/d/") {
					delete(e.files, name)
				}
			}
		}
		for i, data := range e.store {
			e.files[storeFile(storeHash, i)] = data
		}
		e.storeHash = storeHash
	}
	e.manifest.Docs = len(e.docs)
	e.manifest.Store = storeHash
	manifest, err := json.Marshal(e.manifest)
	if err != nil {
		return err
	}
	e.files[Dir+"/manifest.json"] = manifest
	return nil
}

func storeFile(storeHash string, i int) string {
	return fmt.Sprintf("%s/d/%s/%d.json", Dir, storeHash, i)
}
