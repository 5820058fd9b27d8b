package engine

import (
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/site"
)

// # The content index
//
// A one-shot build with a cache reads every markdown file only to find
// that almost all of them are as the last build read them. The content
// index is what it needs instead, as git's index is for git status: for
// each file the last build read, the file's state (load.State: size,
// modification and status change times, inode) and what Parse reads of
// its bytes that the build cache does not keep (parse.Known: the front
// matter, where the body starts, the body's cache key, the file's Sum).
// Load asks the index about each file with the file's state, one stat(2)
// instead of open, read and close; a file in the same state is not read,
// and Parse makes its page from the index and the cache's entries
// (parse.FromKnown). The few such pages whose body a build renders again
// read their file then, and a file whose bytes no longer have the Sum
// fails the build (it changed while the build ran) rather than mix two
// versions.
//
// A file changed in the same tick of the file system's clock as the
// build read it would keep its state (git's "racy clean" files): the
// index keeps only files whose times are racyWindow older than the
// moment the build started to read the folder (coarseWindow for a time
// in whole seconds), so that any later change shows in the state. A file
// just edited is so left out, and read again by the next build too.
//
// Like git's, the index cannot see a change that leaves a file's state as
// it was: a write through a shared memory mapping to a page already dirty
// changes no time. A build that renders such a page finds its bytes
// changed and fails, and takes the file out of the index first
// (forgetIndexed), so that building again reads it.
//
// The index is one entry of the build cache, under the content folder's
// path and what the index's parts depend on (the content prefix, which
// Sum hashes, and raw HTML, which the body's key does), so checksummed
// like every entry: one that is damaged, or of another version, is not
// read, and every file is read.

// Windows of the file system clock; see output's, which are the same.
const (
	racyWindow   = 50 * time.Millisecond
	coarseWindow = 3 * time.Second
)

// indexRun is the content index of one build: the index it read (nil
// for none, set when ready is closed), the states of the markdown files
// it loaded, by content path, and when it started to read them.
type indexRun struct {
	ready  chan struct{}
	prev   contentIndex
	states map[string]load.State
	start  time.Time
	mu     sync.Mutex // guards prev once the pages are made (forget)
	// saved is closed once the index of this build is stored (saveIndex);
	// nil before that starts.
	saved chan struct{}
}

// startIndex starts to read the content index of a one-shot build with
// a cache, which it returns; nil for other engines.
func (e *Engine) startIndex() *indexRun {
	if _, ok := e.indexKey(); !ok {
		return nil
	}
	run := &indexRun{ready: make(chan struct{}), start: time.Now()}
	go func() {
		defer close(run.ready)
		run.prev = e.readIndex()
	}()
	return run
}

// known answers load.Options.Known, once the index is read.
func (run *indexRun) known(path string, st load.State) bool {
	<-run.ready
	return run.prev.known(path, st)
}

// parsed answers parse.Options.Known, once the index is read.
func (run *indexRun) parsed(path string) (parse.Known, bool) {
	<-run.ready
	return run.prev.parsed(path)
}

// readMissed returns the pages parsed from srcs, in their order, with the
// page of each source that Parse could not make from the index
// (parse.Page's nil) parsed from its file, read now; a file gone since
// has no page.
func (e *Engine) readMissed(parsed []*site.Parsed, srcs []load.Source, opt parse.Options) ([]*site.Parsed, error) {
	if !slices.Contains(parsed, nil) {
		return parsed, nil
	}
	byPath := make(map[string]bool, len(srcs))
	for _, src := range srcs {
		byPath[src.Path] = true
	}
	out := parsed[:0]
	for i, pp := range parsed {
		if pp != nil {
			out = append(out, pp)
			continue
		}
		c, err := load.Path(e.opt.Content, srcs[i].Path)
		if err != nil {
			return nil, err
		}
		for _, src := range c.Sources {
			if src.Known || !byPath[src.Path] {
				continue
			}
			if e.index != nil {
				e.index.states[src.Path] = src.State
			}
			out = append(out, parse.Page(src, opt))
		}
	}
	return out, nil
}

// indexEntry is what the index keeps of one file.
type indexEntry struct {
	state load.State
	known parse.Known
}

// contentIndex is the index a build read, by content path; nil when there
// is none.
type contentIndex map[string]indexEntry

// indexKey returns the cache key of the content index; ok is false for
// an engine that keeps none: one that is not a one-shot build with a
// cache, or whose content folder has no file states (load.Root).
func (e *Engine) indexKey() (buildcache.Key, bool) {
	root := load.Root(e.opt.Content)
	if !e.oneShot() || e.opt.Cache == nil || root == "" {
		return buildcache.Key{}, false
	}
	h := buildcache.NewHasher("content index/1")
	h.String(root)
	h.String(e.opt.ContentPrefix)
	h.String(strconv.FormatBool(e.cfg.UnsafeHTML))
	return h.Sum(), true
}

// readIndex returns the content index the last build left, or nil.
func (e *Engine) readIndex() contentIndex {
	k, ok := e.indexKey()
	if !ok {
		return nil
	}
	data, ok := e.opt.Cache.Get(k)
	if !ok {
		return nil
	}
	ix, err := decodeIndex(data)
	if err != nil {
		return nil
	}
	return ix
}

// forgetIndexed takes path out of the index the last build left, and
// stores that at once: the page made from the index no longer has its
// file's bytes, which changed without a change of the file's state (a
// write through a shared memory mapping need not change its times), and
// the build fails; the next build reads the file.
func (e *Engine) forgetIndexed(path string) {
	run := e.index
	k, ok := e.indexKey()
	if run == nil || !ok {
		return
	}
	<-run.ready
	if run.saved != nil {
		// The index of this build is stored first, so that this one,
		// stored after it, is the one the next build reads.
		<-run.saved
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	if _, ok := run.prev[path]; !ok {
		return
	}
	ix := maps.Clone(run.prev)
	delete(ix, path)
	run.prev = ix
	e.opt.Cache.Put(k, encodeIndex(ix))
}

// saveIndex makes and stores the index of the pages parsed by run's
// build, from their files' states, on another goroutine, and returns the
// function that waits until it is stored. A page found changed after
// that, whose file's state did not change (see the notes above), takes
// its file out of the index again (forgetIndexed, which waits for this
// one to be stored). The pages' fields that the index reads
// (parse.KnownOf) do not change after Parse.
func (e *Engine) saveIndex(run *indexRun) (wait func()) {
	k, ok := e.indexKey()
	if !ok {
		return func() {}
	}
	done := make(chan struct{})
	run.saved = done
	parsed := e.parsed
	go func() {
		defer close(done)
		<-run.ready
		run.mu.Lock()
		prev := run.prev
		run.mu.Unlock()
		states, start := run.states, run.start
		ix := make(contentIndex, len(parsed))
		for path, p := range parsed {
			st, ok := states[path]
			known, indexable := parse.KnownOf(p)
			if !ok || !st.Valid() || !indexable || !settled(st, start) {
				continue
			}
			ix[path] = indexEntry{state: st, known: known}
		}
		if !maps.EqualFunc(prev, ix, sameEntry) {
			e.opt.Cache.Put(k, encodeIndex(ix))
		}
	}()
	return func() { <-done }
}

// settled reports whether a file in state st was last changed long
// enough before start that a change after start shows in its state.
func settled(st load.State, start time.Time) bool {
	window := racyWindow
	if st.Mtime%int64(time.Second) == 0 {
		window = coarseWindow
	}
	limit := start.Add(-window).UnixNano()
	return st.Mtime < limit && st.Ctime < limit
}

func sameEntry(a, b indexEntry) bool {
	return a.state == b.state && a.known.Sum == b.known.Sum && a.known.Format == b.known.Format &&
		a.known.BodyLine == b.known.BodyLine && a.known.BodyKey == b.known.BodyKey &&
		string(a.known.FrontMatter) == string(b.known.FrontMatter)
}

// The encoded index: the magic, the number of files and, for each in
// path order, its path, size, modification and status change times,
// inode, device, Sum, front matter format, body line, body key (32
// bytes) and front matter, with buildcache's Encoder.
const indexMagic = "PBCI"

func encodeIndex(ix contentIndex) []byte {
	paths := slices.Sorted(maps.Keys(ix))
	size := len(indexMagic) + 10
	for _, p := range paths {
		size += len(p) + len(ix[p].known.FrontMatter) + 100
	}
	e := buildcache.Encoder{B: make([]byte, 0, size)}
	e.B = append(e.B, indexMagic...)
	e.Uint(uint64(len(paths)))
	for _, p := range paths {
		en := ix[p]
		e.String(p)
		e.Int(en.state.Size)
		e.Int(en.state.Mtime)
		e.Int(en.state.Ctime)
		e.Uint(en.state.Ino)
		e.Uint(en.state.Dev)
		e.Uint(en.known.Sum)
		e.Uint(uint64(en.known.Format))
		e.Int(int64(en.known.BodyLine))
		e.B = append(e.B, en.known.BodyKey[:]...)
		e.Bytes(en.known.FrontMatter)
	}
	return e.B
}

// decodeIndex reads what encodeIndex wrote; an error for anything else.
func decodeIndex(data []byte) (contentIndex, error) {
	d := buildcache.NewSharingDecoder(data)
	d.Magic(indexMagic)
	// An entry is at least 44 bytes: 32 of key and a byte a number.
	n := d.Count(44)
	ix := make(contentIndex, n)
	for range n {
		p := d.String()
		var en indexEntry
		en.state.Size = d.Int()
		en.state.Mtime = d.Int()
		en.state.Ctime = d.Int()
		en.state.Ino = d.Uint()
		en.state.Dev = d.Uint()
		en.known.Sum = d.Uint()
		f := d.Uint()
		if f > uint64(frontmatter.JSON) {
			return nil, buildcache.ErrValue
		}
		en.known.Format = frontmatter.Format(f)
		en.known.BodyLine = d.Int32()
		for i := range en.known.BodyKey {
			en.known.BodyKey[i] = d.Byte()
		}
		en.known.FrontMatter = d.Bytes()
		ix[p] = en
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return ix, nil
}

// known answers load.Options.Known from the index.
func (ix contentIndex) known(path string, st load.State) bool {
	en, ok := ix[path]
	return ok && en.state == st
}

// parsed answers parse.Options.Known from the index.
func (ix contentIndex) parsed(path string) (parse.Known, bool) {
	en, ok := ix[path]
	return en.known, ok
}
