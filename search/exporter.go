package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// Exporter makes the static export of a site and keeps what it computed,
// so that the export of the same site after an edit redoes only what the
// edit changed: the analysis of the changed pages, the shards of the terms
// they gained or lost, the facets, the document store when what a result
// shows changed, and the manifest. Its files are byte for byte those
// Export writes for the same pages. The zero value is ready to use; an
// Exporter is not safe for concurrent use.
type Exporter struct {
	// Cache keeps the analysis of pages between builds (see package
	// buildcache); nil keeps none. The export is the same either way.
	Cache buildcache.Store

	an    analyzers
	ready bool
	docs  []Doc
	// By page number: the terms and exact-hit terms with their bits, and
	// the page's entry in the document store.
	terms, exact []map[string]int
	store        [][]byte
	// The postings of every term and exact-hit term, in page order, and
	// the terms of each group (the terms that share their first two
	// characters, which split into shards independently), sorted.
	post, xpost    map[string][]posting
	groupT, groupX map[string][]string
	shardFile      map[string]string // shard key -> file name
	// shardSig is, by shard key, a hash of the shard's terms and
	// exact-hit terms (not their postings), made with sigSeed.
	shardSig map[string]uint64
	sigSeed  maphash.Seed
	files    map[string][]byte // the export, by name
	manifest Manifest
	// The hashes of the store's chunks and its length, as the files
	// have them, and the chunks with pages changed since. A chunk's hash
	// covers its pages, so a chunk with another hash has other pages or
	// another number of them.
	storeHashes         []string
	storeLen            int
	dirty               map[int]bool
	shardFiles, facetFs map[string]bool
	// facetIDs are the pages of each value of each facet, in page
	// order, as the facet files have them.
	facetIDs map[string]map[string][]int
	// touched are the files written or removed by an Update that patches
	// the export; nil when it is made anew.
	touched map[string]bool
	// The deletion index of close spellings, the files of its buckets
	// and the names of all its files.
	typo      typoIndex
	typoFiles []string
	typoLive  map[string]bool
	// out, when not nil, receives each file as it is made, and files
	// keeps none (a Stream's export).
	out *sender
}

// shardBatch is the number of shards encoded at a time.
const shardBatch = 256

// maxIncremental is the most changed pages Update handles one by one;
// with more, it recomputes the postings from the pages' analyses.
const maxIncremental = 64

func group(t string) string { return prefix(t, 2) }

// Update makes the export of docs, and returns the names of the files
// that are new or changed since the last Update, and of those that went.
// The Exporter keeps a copy of the documents: the caller may change docs
// once Update returns.
func (e *Exporter) Update(docs []Doc) (changed, removed []string, err error) {
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
	}
	return e.update(docs, dirty, incremental)
}

// UpdateAt is Update for documents that are those of the last update but
// at the places at: the same URLs in the same order, and no other
// document changed. It works in the time of the documents at those
// places, not of all of them.
func (e *Exporter) UpdateAt(docs []Doc, at []int) (changed, removed []string, err error) {
	if !e.ready || len(docs) != len(e.docs) {
		return e.Update(docs)
	}
	var dirty []int
	for _, i := range at {
		if docs[i].URL != e.docs[i].URL {
			return e.Update(docs)
		}
		if !sameDoc(docs[i], e.docs[i]) {
			dirty = append(dirty, i)
		}
	}
	slices.Sort(dirty)
	return e.update(docs, slices.Compact(dirty), true)
}

func (e *Exporter) update(docs []Doc, dirty []int, incremental bool) (changed, removed []string, err error) {
	old := e.files
	if incremental && len(dirty) == 0 {
		return nil, nil, nil
	}
	incremental = incremental && len(dirty) <= maxIncremental
	if incremental {
		e.touched = map[string]bool{}
		err = e.patch(docs, dirty)
	} else {
		e.touched = nil
		err = e.rebuild(docs)
	}
	if err != nil {
		e.ready = false
		return nil, nil, err
	}
	if e.touched == nil {
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
		return changed, removed, nil
	}
	for name := range e.touched {
		if _, ok := e.files[name]; ok {
			changed = append(changed, name)
		} else {
			removed = append(removed, name)
		}
	}
	e.touched = nil
	return changed, removed, nil
}

// put sets a file of the export; drop removes one.
func (e *Exporter) put(name string, data []byte) {
	if e.out != nil {
		e.out.send(name, data)
		return
	}
	if e.touched != nil {
		if prev, ok := e.files[name]; ok && sameBytes(prev, data) {
			return
		}
		e.touched[name] = true
	}
	e.files[name] = data
}

func (e *Exporter) drop(name string) {
	if _, ok := e.files[name]; !ok {
		return
	}
	if e.touched != nil {
		e.touched[name] = true
	}
	delete(e.files, name)
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

// Files returns the export by file name. The map must not be changed, and
// changes with the next Update.
func (e *Exporter) Files() map[string][]byte { return e.files }

// WriteTo writes the export through w: the manifest, the shards and
// facets, then the document store.
func (e *Exporter) WriteTo(w Writer) error {
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
		terms[i], exact[i] = e.analysis(docs[i])
		data, err := json.Marshal(storedOf(docs[i]))
		store[i] = data
		return err
	})
	if err != nil {
		return err
	}
	e.docs, e.terms, e.exact, e.store = slices.Clone(docs), terms, exact, store
	e.post, e.xpost = map[string][]posting{}, map[string][]posting{}
	for i := range docs {
		for t, bits := range terms[i] {
			e.post[t] = append(e.post[t], posting{int32(i), int32(bits)})
		}
		for t, bits := range exact[i] {
			e.xpost[t] = append(e.xpost[t], posting{int32(i), int32(bits)})
		}
	}
	return e.assemble()
}

// assemble makes every file of the export anew from the pages (e.docs,
// only their URL, kind, owner and roles are read), their entries in the
// document store (e.store) and the postings (e.post, e.xpost).
func (e *Exporter) assemble() error {
	e.groupT, e.groupX = groupsOf(e.post), groupsOf(e.xpost)
	e.shardFile = map[string]string{}
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
	e.shardSig, e.sigSeed = map[string]uint64{}, maphash.MakeSeed()
	if err := e.shardGroups(groups, nil, nil); err != nil {
		return err
	}
	e.typo = typoIndex{}
	for t := range e.post {
		if typoTerm(t, minTypoTerm) {
			e.typo.add(t, nil)
		}
	}
	e.typoFiles, e.typoLive = nil, nil
	if err := e.makeTypo(nil); err != nil {
		return err
	}
	e.storeHashes, e.storeLen, e.dirty = nil, 0, nil
	if err := e.finish(true); err != nil {
		return err
	}
	e.ready = true
	return nil
}

// patch applies the changed pages dirty one by one.
func (e *Exporter) patch(docs []Doc, dirty []int) error {
	groups := map[string]bool{}
	vocab := map[string]bool{}
	movedT, movedX := map[string]bool{}, map[string]bool{}
	var facets []int // the pages whose facet values changed
	old := map[int]Doc{}
	for _, i := range dirty {
		a, b := docs[i], e.docs[i]
		if a.Kind != b.Kind || a.Owner != b.Owner || !slices.Equal(a.Roles, b.Roles) {
			facets = append(facets, i)
			old[i] = b
		}
		terms, exact := e.analysis(docs[i])
		e.repost(e.post, e.groupT, i, e.terms[i], terms, groups, movedT, vocab)
		e.repost(e.xpost, e.groupX, i, e.exact[i], exact, groups, movedX, nil)
		e.terms[i], e.exact[i] = terms, exact
		data, err := json.Marshal(storedOf(docs[i]))
		if err != nil {
			return err
		}
		e.store[i] = data
		if e.dirty == nil {
			e.dirty = map[int]bool{}
		}
		e.dirty[i/storeChunk] = true
		e.docs[i] = docs[i]
	}
	if err := e.shardGroups(groups, movedT, movedX); err != nil {
		return err
	}
	touched := map[int]bool{}
	for t := range vocab {
		if !typoTerm(t, minTypoTerm) {
			continue
		}
		if _, ok := e.post[t]; ok {
			e.typo.add(t, touched)
		} else {
			e.typo.remove(t, touched)
		}
	}
	if err := e.makeTypo(touched); err != nil {
		return err
	}
	if len(facets) > 0 {
		if err := e.patchFacets(old, facets); err != nil {
			return err
		}
	}
	return e.finish(false)
}

// repost moves page i's postings from the terms before to those after,
// marks the groups whose terms changed, adds to moved the terms whose
// postings changed, and adds to vocab (when not nil) the terms that came
// or went.
func (e *Exporter) repost(post map[string][]posting, groups map[string][]string, i int, before, after map[string]int, touched, moved, vocab map[string]bool) {
	for t, bits := range before {
		if after[t] == bits {
			continue
		}
		ps := post[t]
		at, found := slices.BinarySearchFunc(ps, i, func(p posting, i int) int { return int(p.doc) - i })
		if found {
			ps = slices.Delete(ps, at, at+1)
		}
		if len(ps) == 0 {
			delete(post, t)
			g := group(t)
			if at, ok := slices.BinarySearch(groups[g], t); ok {
				groups[g] = slices.Delete(groups[g], at, at+1)
			}
			if vocab != nil {
				vocab[t] = true
			}
		} else {
			post[t] = ps
		}
		touched[group(t)] = true
		moved[t] = true
	}
	for t, bits := range after {
		if before[t] == bits {
			continue
		}
		ps, ok := post[t]
		if !ok && vocab != nil {
			vocab[t] = true
		}
		at, found := slices.BinarySearchFunc(ps, i, func(p posting, i int) int { return int(p.doc) - i })
		if found {
			ps[at].bits = int32(bits)
		} else {
			post[t] = slices.Insert(ps, at, posting{int32(i), int32(bits)})
		}
		g := group(t)
		if at, ok := slices.BinarySearch(groups[g], t); !ok {
			groups[g] = slices.Insert(groups[g], at, t)
		}
		touched[g] = true
		moved[t] = true
	}
}

// shardGroups makes the shards of the term groups in groups again. After
// a patch, movedT and movedX are the terms and exact-hit terms whose
// postings changed: a shard that holds the same terms as before and none
// of those keeps its file. With nil, every shard of the groups is made.
func (e *Exporter) shardGroups(groups map[string]bool, movedT, movedX map[string]bool) error {
	oldSig := map[string]uint64{}
	oldHash := map[string]string{}
	for k := range e.shardFile {
		if groups[group(k)] {
			oldSig[k], oldHash[k] = e.shardSig[k], e.manifest.Shards[k]
			delete(e.shardFile, k)
			delete(e.shardSig, k)
			delete(e.manifest.Shards, k)
		}
	}
	// Which terms each shard holds: a run of its group's sorted terms,
	// and the exact-hit terms it holds, in order.
	type holds struct{ terms, exact []string }
	byKey := map[string]*holds{}
	for g := range groups {
		terms := e.groupT[g]
		size := func(t string) int { return len(t) + 6 + 5*len(e.post[t]) }
		for _, run := range split(terms, size) {
			byKey[run.key] = &holds{terms: terms[run.from:run.to:run.to]}
		}
	}
	// Exact-hit terms go to the longest shard key that is a prefix of
	// them; the keys that can be are all in the term's own group.
	has := func(k string) bool { _, ok := byKey[k]; return ok }
	for g := range groups {
		for _, t := range e.groupX[g] {
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
			if byKey[k] == nil {
				byKey[k] = &holds{}
			}
			byKey[k].exact = append(byKey[k].exact, t)
		}
	}
	var keys []string
	for k, h := range byKey {
		var mh maphash.Hash
		mh.SetSeed(e.sigSeed)
		for _, list := range [][]string{h.terms, h.exact} {
			for _, t := range list {
				mh.WriteString(t)
				mh.WriteByte(0)
			}
			mh.WriteByte(1)
		}
		sig := mh.Sum64()
		e.shardSig[k] = sig
		if movedT != nil && oldHash[k] != "" && oldSig[k] == sig && !anyOf(h.terms, movedT) && !anyOf(h.exact, movedX) {
			e.shardFile[k] = Dir + "/s/" + oldHash[k] + ".json"
			e.manifest.Shards[k] = oldHash[k]
			continue
		}
		keys = append(keys, k)
	}
	// The shards are encoded a batch at a time, so that a Stream holds
	// one batch of them, not the whole export.
	data := make([][]byte, min(len(keys), shardBatch))
	names := make([]string, len(data))
	for len(keys) > 0 {
		batch := keys[:min(len(keys), shardBatch)]
		keys = keys[len(batch):]
		parallel(len(batch), func(i int) error {
			h := byKey[batch[i]]
			names[i] = shardName(h.terms, e.post, h.exact, e.xpost)
			// A shard the writer already has is not encoded.
			if e.out != nil && e.out.keep(Dir+"/s/"+names[i]+".json") {
				return nil
			}
			size := 16
			for _, t := range h.terms {
				size += len(t) + 6 + 5*len(e.post[t])
			}
			for _, t := range h.exact {
				size += len(t) + 6 + 5*len(e.xpost[t])
			}
			data[i] = appendShard(make([]byte, 0, size), h.terms, e.post, h.exact, e.xpost)
			return nil
		})
		for i, k := range batch {
			name := Dir + "/s/" + names[i] + ".json"
			e.shardFile[k] = name
			e.manifest.Shards[k] = names[i]
			if data[i] != nil {
				e.put(name, data[i])
			}
			data[i] = nil
		}
	}
	// Drop the shard files no key names any more.
	live := make(map[string]bool, len(e.shardFile))
	for _, name := range e.shardFile {
		live[name] = true
	}
	for name := range e.shardFiles {
		if !live[name] {
			e.drop(name)
		}
	}
	e.shardFiles = live
	return nil
}

// groupsOf returns the terms of post by group, each group's sorted.
func groupsOf(post map[string][]posting) map[string][]string {
	groups := map[string][]string{}
	for t := range post {
		g := group(t)
		groups[g] = append(groups[g], t)
	}
	for _, terms := range groups {
		slices.Sort(terms)
	}
	return groups
}

// anyOf reports whether set holds one of list.
func anyOf(list []string, set map[string]bool) bool {
	if len(set) == 0 {
		return false
	}
	for _, t := range list {
		if set[t] {
			return true
		}
	}
	return false
}

// makeTypo makes the files of the deletion index: the buckets in
// touched, or all of them when touched is nil or the number of buckets
// changes, and the list of their hashes that the manifest names.
func (e *Exporter) makeTypo(touched map[int]bool) error {
	n := bucketCount(e.typo.pairs)
	if touched == nil || len(e.typo.buckets) != n {
		e.typo.rebucket(n)
		e.typoFiles = make([]string, n)
		touched = map[int]bool{}
		for b := range n {
			touched[b] = true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	bs := slices.Sorted(maps.Keys(touched))
	data := make([][]byte, len(bs))
	err := parallel(len(bs), func(i int) error {
		var err error
		data[i], err = e.typo.bucket(bs[i])
		return err
	})
	if err != nil {
		return err
	}
	for i, b := range bs {
		name := Dir + "/y/" + hash(data[i]) + ".json"
		e.typoFiles[b] = name
		e.put(name, data[i])
	}
	hashes := make([]string, n)
	for b, name := range e.typoFiles {
		hashes[b] = strings.TrimSuffix(strings.TrimPrefix(name, Dir+"/y/"), ".json")
	}
	dir, err := json.Marshal(hashes)
	if err != nil {
		return err
	}
	h := hash(dir)
	e.manifest.Typo = h
	e.put(Dir+"/y/"+h+".json", dir)
	live := map[string]bool{Dir + "/y/" + h + ".json": true}
	for _, name := range e.typoFiles {
		live[name] = true
	}
	for name := range e.typoLive {
		if !live[name] {
			e.drop(name)
		}
	}
	e.typoLive = live
	return nil
}

// finish makes the facets (when they can have changed), the document
// store and the manifest.
func (e *Exporter) finish(facets bool) error {
	if facets {
		if err := e.makeFacets(); err != nil {
			return err
		}
	}
	chunks := (len(e.store) + storeChunk - 1) / storeChunk
	hashes := make([]string, chunks)
	for c := range chunks {
		if c < len(e.storeHashes) && !e.dirtyChunk(c) {
			hashes[c] = e.storeHashes[c]
			continue
		}
		all := sha256.New()
		for _, data := range e.store[c*storeChunk : min((c+1)*storeChunk, len(e.store))] {
			all.Write(data)
			all.Write([]byte{'\n'})
		}
		hashes[c] = hex.EncodeToString(all.Sum(nil))[:12]
	}
	for c, old := range e.storeHashes {
		if c >= chunks || hashes[c] != old {
			for i := c * storeChunk; i < min((c+1)*storeChunk, e.storeLen); i++ {
				e.drop(storeFile(old, i))
			}
		}
	}
	var puts []int // the pages whose entry in the store is written
	for c, h := range hashes {
		if c >= len(e.storeHashes) || h != e.storeHashes[c] {
			for i := c * storeChunk; i < min((c+1)*storeChunk, len(e.store)); i++ {
				puts = append(puts, i)
			}
		}
	}
	if e.out != nil {
		// A Stream's: the entries, a file each, are written on every
		// core, but those the writer already has: a chunk's hash covers
		// its entries, so a file's name stands for its bytes.
		parallel(len(puts), func(k int) error {
			i := puts[k]
			name := storeFile(hashes[i/storeChunk], i)
			if !e.out.keep(name) {
				e.out.send(name, e.store[i])
			}
			return nil
		})
	} else {
		for _, i := range puts {
			e.put(storeFile(hashes[i/storeChunk], i), e.store[i])
		}
	}
	e.storeHashes, e.storeLen, e.dirty = hashes, len(e.store), nil
	e.manifest.Store = hashes
	e.manifest.Docs = len(e.docs)
	manifest := e.manifest.appendJSON(make([]byte, 0, len(e.files[Dir+"/manifest.json"])+64))
	e.put(Dir+"/manifest.json", manifest)
	return nil
}

// dirtyChunk reports whether a page of chunk c changed since finish.
func (e *Exporter) dirtyChunk(c int) bool { return e.dirty[c] }

// facetValues are the values of each facet a page has: its kind, its
// owner (when it has one) and its roles.
func facetValues(d Doc) map[string][]string {
	v := map[string][]string{"kind": {d.Kind}, "role": uniq(d.Roles)}
	if d.Owner != "" {
		v["owner"] = []string{d.Owner}
	}
	return v
}

// makeFacets makes the lists of pages by kind, team and role.
func (e *Exporter) makeFacets() error {
	for name := range e.facetFs {
		e.drop(name)
	}
	e.facetFs = map[string]bool{}
	e.facetIDs = map[string]map[string][]int{"kind": {}, "owner": {}, "role": {}}
	for i, d := range e.docs {
		for name, values := range facetValues(d) {
			for _, v := range values {
				e.facetIDs[name][v] = append(e.facetIDs[name][v], i)
			}
		}
	}
	e.manifest.Facets = map[string]map[string]string{}
	for name, values := range e.facetIDs {
		e.manifest.Facets[name] = map[string]string{}
		for v := range values {
			if err := e.facetFile(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// facetFile writes the file of the pages with value v of facet name, or
// takes the value out of the manifest when no page has it.
func (e *Exporter) facetFile(name, v string) error {
	ids := e.facetIDs[name][v]
	if len(ids) == 0 {
		delete(e.facetIDs[name], v)
		delete(e.manifest.Facets[name], v)
		return nil
	}
	data, err := json.Marshal(deltas(ids))
	if err != nil {
		return err
	}
	h := hash(data)
	e.manifest.Facets[name][v] = h
	file := Dir + "/f/" + h + ".json"
	e.put(file, data)
	e.facetFs[file] = true
	return nil
}

// patchFacets brings the facets up to date for the pages changed, whose
// values were those of old: only the lists of the values they left or
// joined are made again.
func (e *Exporter) patchFacets(old map[int]Doc, changed []int) error {
	type value struct{ name, v string }
	redo := map[value]bool{}
	for _, i := range changed {
		before, after := facetValues(old[i]), facetValues(e.docs[i])
		for _, name := range []string{"kind", "owner", "role"} {
			for _, v := range before[name] {
				if !slices.Contains(after[name], v) {
					ids := e.facetIDs[name][v]
					if at, ok := slices.BinarySearch(ids, i); ok {
						e.facetIDs[name][v] = slices.Delete(slices.Clone(ids), at, at+1)
					}
					redo[value{name, v}] = true
				}
			}
			for _, v := range after[name] {
				if !slices.Contains(before[name], v) {
					ids := e.facetIDs[name][v]
					if at, ok := slices.BinarySearch(ids, i); !ok {
						e.facetIDs[name][v] = slices.Insert(slices.Clone(ids), at, i)
					}
					redo[value{name, v}] = true
				}
			}
		}
	}
	for val := range redo {
		if err := e.facetFile(val.name, val.v); err != nil {
			return err
		}
	}
	// The files no value names any more (two values with the same pages
	// share one).
	named := map[string]bool{}
	for _, values := range e.manifest.Facets {
		for _, h := range values {
			named[Dir+"/f/"+h+".json"] = true
		}
	}
	for file := range e.facetFs {
		if !named[file] {
			e.drop(file)
			delete(e.facetFs, file)
		}
	}
	return nil
}

func storeFile(chunkHash string, i int) string {
	return Dir + "/d/" + chunkHash + "/" + strconv.Itoa(i) + ".json"
}
