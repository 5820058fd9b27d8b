// Package buildcache is the persistent build cache: a content-addressed
// store on disk that lets a build reuse work an earlier build did (code
// blocks highlighted by chroma, the search analysis of a page). It is not a
// stage of the pipeline; stages that do costly work with a result that
// depends only on their input take a Store, and nil means no cache. Its
// input is a key and bytes; its output is the same bytes for the same key,
// or a miss.
//
// # Keys
//
// A Key is the SHA-256 of everything a value depends on (see Hasher): the
// caller hashes a name of the kind of value and its format, and every
// input. Cache mixes the playbook version and FormatVersion into every
// key, so a release never reads what another release wrote, and a caller
// does not have to remember to.
//
// # Files
//
// Entries are packed: a build creates a handful of files, not one per
// entry. The cache folder holds pairs of files named by a pack id (16 hex
// digits of the creation time in nanoseconds, "-", 8 random hex digits, so
// that names sort by age):
//
//	ID.pack   the entries one build wrote, one after the other
//	ID.idx    the index of that pack
//
// An entry in a pack is a header and the value (Encode, Decode):
//
//	magic      4 bytes   "PBKC"
//	format     2 bytes   FormatVersion, big-endian
//	version    1 byte n, then n bytes: the playbook version that wrote it
//	key        32 bytes  the stored key (the caller's key mixed with the version)
//	length     4 bytes   length of the value in bytes, big-endian
//	checksum   32 bytes  SHA-256 of the value
//	value      length bytes
//
// An index (EncodeIndex, DecodeIndex) is, all integers big-endian:
//
//	magic      4 bytes   "PBKI"
//	format     2 bytes   FormatVersion
//	version    1 byte n, then n bytes: the playbook version of its entries
//	pack size  8 bytes   the bytes of the pack the index covers
//	count      4 bytes   the number of entries
//	entries    count times: stored key (32 bytes), offset in the pack
//	           (8 bytes), length of the whole entry (4 bytes)
//	checksum   32 bytes  SHA-256 of everything before it
//
// A Cache writes nothing until its first Put, which creates its own pack;
// every Put appends an entry to it (through a buffer). Flush, which Prune
// calls, writes the pack's index to a temporary file and renames it into
// place, so a reader sees a whole index or none; a long "serve" session
// calls Flush every minute or so. The index only ever grows, and covers
// bytes of the pack that no one writes again. Two builds at once each
// write their own pack and index.
//
// Open reads every index of the folder (a few files) and keeps, for each
// stored key of its version, where its entry is; when two packs hold a key,
// the newer pack (by id) wins. Get reads the entry with one read of the
// pack, opened once per Cache, and checks it whole: an entry that is
// truncated (a pack cut short), of another format, version or key, or
// whose checksum does not match is never returned: Get reports a miss and
// forgets it, and the caller does the work again (and Puts it in its own,
// newer pack). An index that is damaged, of another format, or whose pack
// is gone is not read. A pack without an index (a build killed before its
// end, or one still running) is not read either.
//
// # Pruning
//
// A cache is kept under a budget of bytes (DefaultBudget unless Options
// say otherwise), a pack at a time. When Get reads from a pack, it sets the
// modification time of the pack's index, at most once an hour per Cache; a
// pack was last used at the later of its index's and its own modification
// time. Prune, run at the end of a build, flushes the index, then lists the
// folder (a few dozen names) and:
//
//   - removes what builds of format 1 left (the loose entry files in its
//     two-hex-digit folders, then those folders if that empties them, and
//     its file "prune" when it holds format 1's running total; nothing
//     else in such a folder is touched), an index whose pack is gone or
//     that cannot be read, and, an hour after their last change, packs
//     without an index (a killed build's) and temporary files;
//   - compacts: when this version has more than MaxPacks packs, it
//     rewrites the entries still wanted (the newest copy of each key,
//     whose checksum matches) of the smallest ones into one new pack, so
//     that MaxPacks/2 are left; the new pack keeps the latest use of those
//     it replaces. One Prune compacts at a time: the file ".compact",
//     created exclusively, is the lock (one older than an hour is a killed
//     build's, and is taken over);
//   - removes the least recently used packs of other versions beyond
//     MaxPacks, so that Open reads a bounded number of indexes;
//   - when packs and indexes take more than the budget, removes the least
//     recently used packs (index first) until they take at most nine
//     tenths of it.
//
// A Cache never removes its own pack. A Cache reading a pack that another
// build removes meanwhile reads what it had opened, and misses the rest.
//
// Write errors (a full disk, a read-only folder) never fail a build: the
// first one is kept (Err), and the cache stops writing.
package buildcache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FormatVersion is the version of the entry and index formats, of the
// folder's layout and of the way stored keys are made; it changes when any
// does. Format 1 kept one file per entry.
const FormatVersion = 2

// DefaultBudget is the size a cache is pruned to stay under, in bytes:
// 1 GiB.
const DefaultBudget = 1 << 30

// MaxValue is the largest value stored, in bytes; Put ignores larger
// ones and Get refuses an entry that claims more.
const MaxValue = 64 << 20

// MaxPacks is the number of packs of one version above which Prune
// compacts them (see the package doc), and the number of packs of other
// versions it keeps.
const MaxPacks = 16

// File name extensions of packs and their indexes.
const (
	PackExt  = ".pack"
	IndexExt = ".idx"
)

// magic starts every entry; indexMagic every index.
const (
	magic      = "PBKC"
	indexMagic = "PBKI"
)

// headerFixed is the size of an entry's header without the version string.
const headerFixed = len(magic) + 2 + 1 + sha256.Size + 4 + sha256.Size

// maxVersion is the longest version string an entry can carry.
const maxVersion = 255

// storedMax bounds what stored hashes: storedPrefix's three parts with
// their lengths, and a key with its own.
const storedMax = 3*binary.MaxVarintLen64 + len("playbook build cache") + 20 + maxVersion + 1 + len(Key{})

// maxEntry is the size of the largest entry.
const maxEntry = headerFixed + maxVersion + MaxValue

// indexEntrySize is the size of an entry of an index.
const indexEntrySize = sha256.Size + 8 + 4

// touchEvery is how often Get sets the modification time of a pack's index.
const touchEvery = time.Hour

// staleTemp is the age after which a temporary file, or a pack without an
// index, is a killed build's.
const staleTemp = time.Hour

// bufferSize is the size of the buffer a Cache writes its pack through.
const bufferSize = 1 << 20

// Key identifies a value: the SHA-256 of everything it depends on.
type Key [sha256.Size]byte

// Store is what a stage needs of a cache: Cache implements it. Get
// returns a copy the caller may keep; Put never fails the caller.
// Stages call a Store from several goroutines at once, so an
// implementation must be safe for concurrent use.
type Store interface {
	Get(k Key) ([]byte, bool)
	Put(k Key, value []byte)
}

// Viewer is a Store that lends a value without a copy (see Cache.View).
type Viewer interface {
	View(k Key, f func(value []byte)) bool
}

// View calls f with the value s stores under k, as Cache.View does (f
// keeps none of the bytes, and makes its result anew each call) when s
// is a Viewer, and with Get's copy otherwise. It returns false, and does
// not call f, on a miss.
func View(s Store, k Key, f func(value []byte)) bool {
	if v, ok := s.(Viewer); ok {
		return v.View(k, f)
	}
	value, ok := s.Get(k)
	if ok {
		f(value)
	}
	return ok
}

// Hasher makes a Key from parts. Each part is written with its length,
// so ("ab", "c") and ("a", "bc") give different keys.
type Hasher struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

// NewHasher returns a Hasher whose key starts with kind, the name and
// format of the values it keys ("highlight/1").
func NewHasher(kind string) *Hasher {
	h := &Hasher{h: sha256.New()}
	h.String(kind)
	return h
}

// String adds a part.
func (h *Hasher) String(s string) {
	n := binary.PutUvarint(h.buf[:], uint64(len(s)))
	h.h.Write(h.buf[:n])
	io.WriteString(h.h, s)
}

// Bytes adds a part.
func (h *Hasher) Bytes(b []byte) {
	n := binary.PutUvarint(h.buf[:], uint64(len(b)))
	h.h.Write(h.buf[:n])
	h.h.Write(b)
}

// Strings adds a list of parts, with its length.
func (h *Hasher) Strings(ss []string) {
	n := binary.PutUvarint(h.buf[:], uint64(len(ss)))
	h.h.Write(h.buf[:n])
	for _, s := range ss {
		h.String(s)
	}
}

// Sum returns the key.
func (h *Hasher) Sum() Key {
	var k Key
	h.h.Sum(k[:0])
	return k
}

// Options configure a Cache.
type Options struct {
	// Version is the playbook version; entries of another version are
	// never read. At most 255 bytes.
	Version string
	// Budget is the size Prune keeps the cache under, in bytes;
	// 0 means DefaultBudget.
	Budget int64
	// Now is the clock, for modification times and pruning; nil is
	// time.Now. Pack ids always take the system's time.
	Now func() time.Time
}

// pack is a pack file a Cache reads from, its own or another build's.
type pack struct {
	id   string
	own  bool
	once sync.Once
	f    *os.File // nil when it could not be opened
	// mapped is the pack mapped into memory, read-only (another build's
	// pack, which no one writes again; see mapFile), or nil: Get then
	// copies an entry out of it rather than read it with a system call.
	mapped []byte
	// used is when the index was last touched, in Unix nanoseconds.
	used atomic.Int64
}

// file returns the open pack, opening it the first time.
func (p *pack) file(dir string) *os.File {
	p.once.Do(func() {
		if f, err := os.Open(filepath.Join(dir, p.id+PackExt)); err == nil {
			p.f = f
			if !p.own {
				p.mapped = mapFile(f)
			}
		}
	})
	return p.f
}

// loc is where an entry is: its pack (an index into Cache.list), where
// it starts and its length. It holds no pointer, so that the collector
// never scans the index, a map of every entry of the cache: at 100,000
// pages, about a million.
type loc struct {
	off  int64
	pack uint32
	n    uint32
}

// writer is a Cache's own pack.
type writer struct {
	mu      sync.Mutex
	p       *pack
	pack    uint32 // p's number in Cache.list
	f       *os.File
	bw      *bufio.Writer
	size    int64 // bytes appended, buffered or not
	entries []IndexEntry
	indexed int // len(entries) at the last Flush
}

// Cache is a build cache in a folder. It is safe for concurrent use, also
// by several processes sharing the folder.
type Cache struct {
	dir     string
	version string
	prefix  []byte // storedPrefix(version)
	budget  int64
	now     func() time.Time

	mu    sync.RWMutex
	index map[Key]loc
	packs map[string]*pack
	// list are the packs a loc names, by number; it only grows.
	list []*pack

	w writer
	// flushed is the bytes of the own pack written to the file.
	flushed atomic.Int64

	hits, misses, written, bad atomic.Int64
	broken                     atomic.Bool
	errOnce                    sync.Once
	err                        error
}

// Open returns the cache kept in dir, creating the folder when it is
// missing, and reads the indexes of its packs. It fails when the folder
// cannot be made, read or written to, or the version is too long.
func Open(dir string, opt Options) (*Cache, error) {
	if len(opt.Version) > maxVersion {
		return nil, fmt.Errorf("build cache: version %q is longer than %d bytes", opt.Version, maxVersion)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".tmp-probe-*")
	if err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	probe.Close()
	os.Remove(probe.Name())
	c := &Cache{dir: dir, version: opt.Version, prefix: storedPrefix(opt.Version), budget: opt.Budget, now: opt.Now,
		index: map[Key]loc{}, packs: map[string]*pack{}}
	if c.budget <= 0 {
		c.budget = DefaultBudget
	}
	if c.now == nil {
		c.now = time.Now
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	// ReadDir sorts by name, so by age: a newer pack's entry wins.
	type read struct {
		p  *pack
		ix Index
	}
	var all []read
	entries := 0
	for _, e := range names {
		id, ok := strings.CutSuffix(e.Name(), IndexExt)
		if !ok || !validID(id) {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		ix, mod, err := readIndex(f, c.version)
		f.Close()
		if err != nil {
			continue
		}
		p := &pack{id: id}
		p.used.Store(mod.UnixNano())
		c.packs[id] = p
		c.list = append(c.list, p)
		all = append(all, read{p, ix})
		entries += len(ix.Entries)
	}
	// One map of the size of all the indexes (more than the keys when
	// packs share keys), not grown entry by entry.
	c.index = make(map[Key]loc, entries)
	for i, r := range all {
		for _, ie := range r.ix.Entries {
			c.index[ie.Key] = loc{off: ie.Offset, pack: uint32(i), n: uint32(ie.Length)}
		}
	}
	return c, nil
}

// readIndex reads an index of version from f, with its modification time;
// an index of another version is ErrVersion, read no further than its
// header.
func readIndex(f *os.File, version string) (Index, time.Time, error) {
	info, err := f.Stat()
	if err != nil {
		return Index{}, time.Time{}, err
	}
	head := make([]byte, len(indexMagic)+3+maxVersion)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if v, err := indexVersion(head); err != nil {
		return Index{}, time.Time{}, err
	} else if v != version {
		return Index{}, time.Time{}, ErrVersion
	}
	if info.Size() > math.MaxInt32 {
		return Index{}, time.Time{}, ErrForeign
	}
	data := make([]byte, info.Size())
	copy(data, head)
	if len(head) < len(data) {
		if _, err := io.ReadFull(f, data[len(head):]); err != nil {
			return Index{}, time.Time{}, ErrTruncated
		}
	}
	ix, err := DecodeIndex(data)
	return ix, info.ModTime(), err
}

// indexFileVersion reads the version of the index file at path from its
// first bytes, as Open does.
func indexFileVersion(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, len(indexMagic)+3+maxVersion)
	n, _ := io.ReadFull(f, head)
	return indexVersion(head[:n])
}

// validID reports whether id is a pack id.
func validID(id string) bool {
	if len(id) != 16+1+8 || id[16] != '-' {
		return false
	}
	for i := range len(id) {
		if i != 16 && !isHex(id[i]) {
			return false
		}
	}
	return true
}

func isHex(b byte) bool { return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' }

// format1Total is what format 1 kept in its file "prune".
var format1Total = regexp.MustCompile(`^[0-9]+ [0-9]+\n?$`)

// removeFormat1 removes from dir, a two-hex-digit folder, what format 1
// wrote there: entry files named by the other 62 hex digits of their key,
// and its temporary files ".tmp-*"; then dir itself if that left it
// empty. Anything else stays, so a folder of someone else's files that
// happens to have such a name loses nothing. It returns the number of
// files and folders removed.
func removeFormat1(dir string) int {
	files, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, f := range files {
		name := f.Name()
		entry := len(name) == 2*sha256.Size-2 && !strings.ContainsFunc(name, func(r rune) bool { return r > 0x7f || !isHex(byte(r)) })
		if f.Type().IsRegular() && (entry || strings.HasPrefix(name, ".tmp-")) && os.Remove(filepath.Join(dir, name)) == nil {
			n++
		}
	}
	if os.Remove(dir) == nil {
		n++
	}
	return n
}

// newID returns a new pack id.
func newID() string {
	return fmt.Sprintf("%016x-%08x", uint64(time.Now().UnixNano()), rand.Uint32())
}

// Dir returns the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// stored returns the key an entry is stored under: k mixed with the
// format and the version, as a Hasher of kind "playbook build cache"
// given the format (strconv.Itoa(FormatVersion)), the version and k
// would make it (storedPrefix); it is made for every Get and Put, so the
// bytes are hashed at once, without a Hasher.
func (c *Cache) stored(k Key) Key {
	// On the stack for any version Open accepts (maxVersion): a Get or
	// Put allocates nothing here.
	var arr [storedMax]byte
	buf := arr[:0]
	buf = append(buf, c.prefix...)
	buf = binary.AppendUvarint(buf, uint64(len(k)))
	buf = append(buf, k[:]...)
	return sha256.Sum256(buf)
}

// storedPrefix is what a Hasher writes before k in stored: its parts,
// each with its length.
func storedPrefix(version string) []byte {
	var b []byte
	for _, part := range []string{"playbook build cache", strconv.Itoa(FormatVersion), version} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// Get returns the value stored for k. A missing entry is a miss; so is a
// damaged or foreign one, which is forgotten.
func (c *Cache) Get(k Key) ([]byte, bool) {
	var value []byte
	ok := c.View(k, func(v []byte) { value = bytes.Clone(v) })
	return value, ok
}

// View calls f with the value stored under k, as Get would return it,
// but without copying a value that is in a pack the cache has mapped:
// the bytes are valid only until f returns, and f must keep none of
// them (what it keeps, it copies: a decoder's strings do). When reading
// the mapped bytes faults (a pack cut short on disk after it was mapped,
// see viewMapped), f is called again with the value read by a system
// call, so f must make its result anew each time it is called. It
// returns false, and does not call f, on a miss.
func (c *Cache) View(k Key, fn func(value []byte)) bool {
	s := c.stored(k)
	c.mu.RLock()
	l, ok := c.index[s]
	var p *pack
	if ok {
		p = c.list[l.pack]
	}
	c.mu.RUnlock()
	if !ok {
		c.misses.Add(1)
		return false
	}
	if p.own && l.off+int64(l.n) > c.flushed.Load() {
		c.w.mu.Lock()
		err := c.flushBuffer()
		c.w.mu.Unlock()
		if err != nil {
			c.misses.Add(1)
			return false
		}
	}
	file := p.file(c.dir)
	if file == nil {
		// The pack was removed (pruned by another build) before it
		// was opened.
		c.forget(s, l)
		c.misses.Add(1)
		return false
	}
	done, damaged := viewMapped(p.mapped, l.off, l.n, func(data []byte) bool {
		value, err := Decode(data, s, c.version)
		if err != nil {
			return false
		}
		fn(value)
		return true
	})
	if !done && !damaged {
		data := make([]byte, l.n)
		if _, err := file.ReadAt(data, l.off); err != nil {
			c.drop(s, l)
			return false
		}
		value, err := Decode(data, s, c.version)
		if err != nil {
			damaged = true
		} else {
			fn(value)
			done = true
		}
	}
	if damaged {
		c.drop(s, l)
		return false
	}
	if !p.own {
		c.touch(p)
	}
	c.hits.Add(1)
	return true
}

// touch sets the modification time of p's index, at most once every
// touchEvery.
func (c *Cache) touch(p *pack) {
	now := c.now()
	last := p.used.Load()
	if now.UnixNano()-last < int64(touchEvery) || !p.used.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	_ = os.Chtimes(filepath.Join(c.dir, p.id+IndexExt), now, now)
}

// forget removes s from the index when it is still at l.
func (c *Cache) forget(s Key, l loc) {
	c.mu.Lock()
	if c.index[s] == l {
		delete(c.index, s)
	}
	c.mu.Unlock()
}

// drop counts a bad entry as a miss and forgets it.
func (c *Cache) drop(s Key, l loc) {
	c.misses.Add(1)
	c.bad.Add(1)
	c.forget(s, l)
}

// Put stores value for k. It does nothing once a write has failed, or
// for a value longer than MaxValue.
func (c *Cache) Put(k Key, value []byte) {
	if c.broken.Load() || len(value) > MaxValue {
		return
	}
	s := c.stored(k)
	data := Encode(s, c.version, value)
	w := &c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if c.broken.Load() {
		return
	}
	if w.f == nil {
		if err := c.create(); err != nil {
			c.fail(err)
			return
		}
	}
	if _, err := w.bw.Write(data); err != nil {
		c.fail(err)
		return
	}
	l := loc{off: w.size, pack: w.pack, n: uint32(len(data))}
	w.size += int64(len(data))
	w.entries = append(w.entries, IndexEntry{Key: s, Offset: l.off, Length: len(data)})
	c.mu.Lock()
	c.index[s] = l
	c.mu.Unlock()
	c.written.Add(int64(len(data)))
}

// create makes the Cache's own pack; w.mu is held.
func (c *Cache) create() error {
	for range 10 {
		id := newID()
		f, err := os.OpenFile(filepath.Join(c.dir, id+PackExt), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return err
		}
		p := &pack{id: id, own: true, f: f}
		p.once.Do(func() {})
		c.w.p, c.w.f, c.w.bw = p, f, bufio.NewWriterSize(f, bufferSize)
		c.mu.Lock()
		c.packs[id] = p
		c.w.pack = uint32(len(c.list))
		c.list = append(c.list, p)
		c.mu.Unlock()
		return nil
	}
	return errors.New("no free pack name")
}

// flushBuffer writes the buffered entries to the own pack; w.mu is held.
func (c *Cache) flushBuffer() error {
	w := &c.w
	if w.bw == nil {
		return nil
	}
	// An entry longer than the buffer was written past it, unbuffered.
	if err := w.bw.Flush(); err != nil {
		c.fail(err)
		return err
	}
	c.flushed.Store(w.size)
	return nil
}

// Flush writes what Put wrote to the Cache's pack and the pack's index
// (see the package doc). Prune calls it; a long session calls it now and
// then, so that a killed session loses little. An error is also kept
// (Err).
func (c *Cache) Flush() error {
	w := &c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil || (len(w.entries) == w.indexed && w.bw.Buffered() == 0) {
		return c.Err()
	}
	if err := c.flushBuffer(); err != nil {
		return c.Err()
	}
	ix := Index{Version: c.version, PackSize: w.size}
	// A key put twice (two goroutines missed it at once) is indexed
	// once, at its last entry.
	seen := make(map[Key]bool, len(w.entries))
	for i := len(w.entries) - 1; i >= 0; i-- {
		if e := w.entries[i]; !seen[e.Key] {
			seen[e.Key] = true
			ix.Entries = append(ix.Entries, e)
		}
	}
	slices.Reverse(ix.Entries)
	if err := writeAtomic(filepath.Join(c.dir, w.p.id+IndexExt), EncodeIndex(ix)); err != nil {
		c.fail(err)
		return c.Err()
	}
	w.indexed = len(w.entries)
	return nil
}

func (c *Cache) fail(err error) {
	c.errOnce.Do(func() {
		c.err = fmt.Errorf("build cache: %w", err)
		c.broken.Store(true)
	})
}

// Err returns the first write error, after which the cache stopped
// writing, or nil.
func (c *Cache) Err() error {
	if !c.broken.Load() {
		return nil
	}
	return c.err
}

// Stats counts what a cache did since Open.
type Stats struct {
	Hits, Misses int64
	// Bad is the number of damaged or foreign entries found and
	// forgotten (counted as misses too).
	Bad int64
	// Written is the bytes of the entries written.
	Written int64
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bad: c.bad.Load(), Written: c.written.Load()}
}

// writeAtomic writes data to a temporary file beside p and renames it to p.
func writeAtomic(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Encode returns the entry of a value under the stored key s, written by
// version (at most 255 bytes; a longer one is cut).
func Encode(s Key, version string, value []byte) []byte {
	if len(version) > maxVersion {
		version = version[:maxVersion]
	}
	b := make([]byte, 0, headerFixed+len(version)+len(value))
	b = append(b, magic...)
	b = binary.BigEndian.AppendUint16(b, FormatVersion)
	b = append(b, byte(len(version)))
	b = append(b, version...)
	b = append(b, s[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(value)))
	sum := sha256.Sum256(value)
	b = append(b, sum[:]...)
	return append(b, value...)
}

// Errors of Decode and DecodeIndex.
var (
	ErrTruncated = errors.New("entry is truncated")
	ErrForeign   = errors.New("not an entry of this format")
	ErrVersion   = errors.New("entry written by another version")
	ErrKey       = errors.New("entry is for another key")
	ErrChecksum  = errors.New("entry's checksum does not match")
)

// Decode returns the value of an entry, checking that it is whole, of this
// format, written by version, for the stored key s, and that the value's
// checksum matches. The value shares data's memory.
func Decode(data []byte, s Key, version string) ([]byte, error) {
	if len(data) < len(magic)+3 {
		return nil, ErrTruncated
	}
	if string(data[:len(magic)]) != magic || binary.BigEndian.Uint16(data[len(magic):]) != FormatVersion {
		return nil, ErrForeign
	}
	rest := data[len(magic)+2:]
	n := int(rest[0])
	rest = rest[1:]
	if len(rest) < n+sha256.Size+4+sha256.Size {
		return nil, ErrTruncated
	}
	if string(rest[:n]) != version {
		return nil, ErrVersion
	}
	rest = rest[n:]
	if !bytes.Equal(rest[:sha256.Size], s[:]) {
		return nil, ErrKey
	}
	rest = rest[sha256.Size:]
	length := binary.BigEndian.Uint32(rest)
	rest = rest[4:]
	sum := rest[:sha256.Size]
	value := rest[sha256.Size:]
	if uint64(len(value)) < uint64(length) {
		return nil, ErrTruncated
	}
	if uint64(len(value)) > uint64(length) || length > MaxValue {
		return nil, ErrForeign
	}
	if got := sha256.Sum256(value); !bytes.Equal(got[:], sum) {
		return nil, ErrChecksum
	}
	return value, nil
}

// Index is the index of a pack.
type Index struct {
	// Version is the playbook version that wrote the pack's entries.
	Version string
	// PackSize is the bytes of the pack the index covers; every entry
	// lies within them.
	PackSize int64
	// Entries are where the pack's entries are, in the order written.
	Entries []IndexEntry
}

// IndexEntry is where an entry is in its pack.
type IndexEntry struct {
	// Key is the stored key.
	Key Key
	// Offset is where the entry starts in the pack, in bytes; Length
	// is the bytes of the whole entry, header and value.
	Offset int64
	Length int
}

// EncodeIndex returns the index file of ix (a version longer than 255
// bytes is cut).
func EncodeIndex(ix Index) []byte {
	v := ix.Version
	if len(v) > maxVersion {
		v = v[:maxVersion]
	}
	b := make([]byte, 0, len(indexMagic)+3+len(v)+8+4+len(ix.Entries)*indexEntrySize+sha256.Size)
	b = append(b, indexMagic...)
	b = binary.BigEndian.AppendUint16(b, FormatVersion)
	b = append(b, byte(len(v)))
	b = append(b, v...)
	b = binary.BigEndian.AppendUint64(b, uint64(ix.PackSize))
	b = binary.BigEndian.AppendUint32(b, uint32(len(ix.Entries)))
	for _, e := range ix.Entries {
		b = append(b, e.Key[:]...)
		b = binary.BigEndian.AppendUint64(b, uint64(e.Offset))
		b = binary.BigEndian.AppendUint32(b, uint32(e.Length))
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// indexVersion returns the version of an index from its first bytes.
func indexVersion(data []byte) (string, error) {
	if len(data) < len(indexMagic)+3 {
		return "", ErrTruncated
	}
	if string(data[:len(indexMagic)]) != indexMagic || binary.BigEndian.Uint16(data[len(indexMagic):]) != FormatVersion {
		return "", ErrForeign
	}
	n := int(data[len(indexMagic)+2])
	rest := data[len(indexMagic)+3:]
	if len(rest) < n {
		return "", ErrTruncated
	}
	return string(rest[:n]), nil
}

// DecodeIndex reads an index file, checking that it is whole, of this
// format, that its checksum matches, and that every entry lies within the
// pack size and is no longer than the longest entry.
func DecodeIndex(data []byte) (Index, error) {
	v, err := indexVersion(data)
	if err != nil {
		return Index{}, err
	}
	rest := data[len(indexMagic)+3+len(v):]
	if len(rest) < 8+4+sha256.Size {
		return Index{}, ErrTruncated
	}
	size := binary.BigEndian.Uint64(rest)
	count := uint64(binary.BigEndian.Uint32(rest[8:]))
	rest = rest[12:]
	if want := count*indexEntrySize + sha256.Size; uint64(len(rest)) < want {
		return Index{}, ErrTruncated
	} else if uint64(len(rest)) > want {
		return Index{}, ErrForeign
	}
	body := data[:len(data)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[len(body):]) {
		return Index{}, ErrChecksum
	}
	if size > math.MaxInt64 {
		return Index{}, ErrForeign
	}
	ix := Index{Version: v, PackSize: int64(size), Entries: make([]IndexEntry, count)}
	for i := range ix.Entries {
		e := &ix.Entries[i]
		copy(e.Key[:], rest)
		off := binary.BigEndian.Uint64(rest[sha256.Size:])
		n := uint64(binary.BigEndian.Uint32(rest[sha256.Size+8:]))
		rest = rest[indexEntrySize:]
		if n < uint64(headerFixed) || n > uint64(maxEntry) || off > size || n > size-off {
			return Index{}, ErrForeign
		}
		e.Offset, e.Length = int64(off), int(n)
	}
	return ix, nil
}

// PruneResult says what Prune did.
type PruneResult struct {
	// Packs is the number of packs left, of every version, and Size the
	// bytes they and their indexes take.
	Packs int
	Size  int64
	// Removed is the number of packs removed (least recently used, over
	// the limits, or a killed build's), and of other files and folders
	// left by killed builds or by format 1.
	Removed int
	// Compacted is the number of packs compaction rewrote into one.
	Compacted int
}

// packFile is a pack Prune found, with its index.
type packFile struct {
	id      string
	version string
	ix      Index
	size    int64     // of the pack and its index, in bytes
	used    time.Time // the later modification time of the two
	own     bool
	// unread is true when ix has no entries yet: Open read the index
	// whole, and Prune did not read it again.
	unread bool
}

// compactLock is the file that one compacting Prune holds.
const compactLock = ".compact"

// Prune writes the Cache's index and keeps the folder within its limits
// (see the package doc). Files that vanish meanwhile (another build
// pruning) are not errors. It returns the first error of writing the index
// or compacting; the rest is done regardless.
func (c *Cache) Prune() (PruneResult, error) {
	var res PruneResult
	flushErr := c.Flush()
	now := c.now()
	names, err := os.ReadDir(c.dir)
	if err != nil {
		return res, fmt.Errorf("build cache: %w", err)
	}
	c.w.mu.Lock()
	ownID := ""
	if c.w.p != nil {
		ownID = c.w.p.id
	}
	c.w.mu.Unlock()
	// The packs whose indexes Open read whole and found good: an index
	// is written once, so theirs are not read again but to compact.
	opened := map[string]bool{}
	c.mu.RLock()
	for _, p := range c.list {
		opened[p.id] = true
	}
	c.mu.RUnlock()
	type pair struct{ pack, idx fs.FileInfo }
	byID := map[string]*pair{}
	for _, e := range names {
		name := e.Name()
		p := filepath.Join(c.dir, name)
		if e.IsDir() && len(name) == 2 && isHex(name[0]) && isHex(name[1]) {
			// Format 1's loose entries.
			res.Removed += removeFormat1(p)
			continue
		}
		if !e.IsDir() && name == "prune" {
			// Format 1's running total: "size written-since unix-seconds".
			if data, err := os.ReadFile(p); err == nil && format1Total.Match(data) && os.Remove(p) == nil {
				res.Removed++
			}
			continue
		}
		if strings.HasPrefix(name, ".tmp-") {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > staleTemp && os.Remove(p) == nil {
				res.Removed++
			}
			continue
		}
		id, ext := name, ""
		if s, ok := strings.CutSuffix(name, PackExt); ok {
			id, ext = s, PackExt
		} else if s, ok := strings.CutSuffix(name, IndexExt); ok {
			id, ext = s, IndexExt
		}
		if ext == "" || !validID(id) || e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		f := byID[id]
		if f == nil {
			f = &pair{}
			byID[id] = f
		}
		if ext == PackExt {
			f.pack = info
		} else {
			f.idx = info
		}
	}
	var mine, others []*packFile
	for id, f := range byID {
		var ix Index
		ok := false
		if f.idx != nil && f.pack != nil && opened[id] && id != ownID {
			ix, ok = Index{Version: c.version}, true
		} else if v, err := indexFileVersion(filepath.Join(c.dir, id+IndexExt)); f.idx != nil && f.pack != nil && err == nil && v != c.version && id != ownID {
			// Another version's, as Open found: what prune needs of it
			// is its version, in its first bytes.
			ix, ok = Index{Version: v}, true
		} else if f.idx != nil && f.pack != nil {
			data, err := os.ReadFile(filepath.Join(c.dir, id+IndexExt))
			if err == nil {
				ix, err = DecodeIndex(data)
			}
			ok = err == nil
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		switch {
		case id == ownID:
			// Never removed; its index was just written.
		case f.pack == nil || (f.idx != nil && !ok):
			// An index whose pack is gone, or that cannot be read.
			if os.Remove(filepath.Join(c.dir, id+IndexExt)) == nil {
				res.Removed++
			}
			if f.pack == nil {
				continue
			}
			fallthrough
		case f.idx == nil:
			// A pack without an index: a killed build's, once an
			// hour has passed without a write.
			if now.Sub(f.pack.ModTime()) > staleTemp && os.Remove(filepath.Join(c.dir, id+PackExt)) == nil {
				res.Removed++
			}
			continue
		}
		pf := &packFile{id: id, version: ix.Version, ix: ix, own: id == ownID, unread: opened[id] && id != ownID}
		if f.pack != nil {
			pf.size, pf.used = f.pack.Size(), f.pack.ModTime()
		}
		if f.idx != nil {
			pf.size += f.idx.Size()
			if f.idx.ModTime().After(pf.used) {
				pf.used = f.idx.ModTime()
			}
		}
		if pf.own {
			pf.version = c.version
		}
		if pf.version == c.version {
			mine = append(mine, pf)
		} else {
			pf.ix.Entries = nil
			others = append(others, pf)
		}
	}
	byAge := func(a, b *packFile) int { return strings.Compare(a.id, b.id) }
	slices.SortFunc(mine, byAge)

	var errs []error
	if flushErr != nil {
		errs = append(errs, flushErr)
	}
	if len(mine) > MaxPacks {
		// Compaction reads the entries of the indexes left unread.
		mine = slices.DeleteFunc(mine, func(p *packFile) bool {
			if !p.unread {
				return false
			}
			data, err := os.ReadFile(filepath.Join(c.dir, p.id+IndexExt))
			if err == nil {
				p.ix, err = DecodeIndex(data)
			}
			p.unread = false
			return err != nil || p.ix.Version != c.version
		})
	}
	if len(mine) > MaxPacks {
		merged, n, err := c.compact(mine)
		if err != nil {
			errs = append(errs, fmt.Errorf("build cache: compacting: %w", err))
		}
		if n > 0 {
			res.Compacted = n
			mine = slices.DeleteFunc(mine, func(p *packFile) bool { return merged.replaced[p.id] })
			mine = append(mine, merged.pf)
		}
	}

	byUse := func(a, b *packFile) int {
		if d := a.used.Compare(b.used); d != 0 {
			return d
		}
		return strings.Compare(a.id, b.id)
	}
	if len(others) > MaxPacks {
		slices.SortFunc(others, byUse)
		for _, p := range others[:len(others)-MaxPacks] {
			if c.removePack(p.id) {
				res.Removed++
			}
		}
		others = others[len(others)-MaxPacks:]
	}
	all := append(mine, others...)
	for _, p := range all {
		res.Size += p.size
	}
	if res.Size > c.budget {
		slices.SortFunc(all, byUse)
		target := c.budget / 10 * 9
		all = slices.DeleteFunc(all, func(p *packFile) bool {
			if res.Size <= target || p.own {
				return false
			}
			if c.removePack(p.id) {
				res.Removed++
			}
			res.Size -= p.size
			return true
		})
	}
	res.Packs = len(all)
	return res, errors.Join(errs...)
}

// removePack removes a pack, its index first so that no one reads the
// index of a pack that is gone. It reports whether the index was there.
func (c *Cache) removePack(id string) bool {
	err := os.Remove(filepath.Join(c.dir, id+IndexExt))
	os.Remove(filepath.Join(c.dir, id+PackExt))
	return err == nil
}

// compaction is what compact made.
type compaction struct {
	pf       *packFile
	replaced map[string]bool
}

// compact rewrites the still-wanted entries of the smallest packs of mine
// (this version's packs, oldest first) but the own one into one new pack,
// leaving MaxPacks/2 packs, and removes them. It returns the new pack and
// how many it replaced; 0 when another Prune holds the lock.
func (c *Cache) compact(mine []*packFile) (compaction, int, error) {
	lock := filepath.Join(c.dir, compactLock)
	lf, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		if info, serr := os.Stat(lock); serr == nil && time.Since(info.ModTime()) > staleTemp {
			os.Remove(lock)
			lf, err = os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		}
		if errors.Is(err, fs.ErrExist) {
			return compaction{}, 0, nil
		}
	}
	if err != nil {
		return compaction{}, 0, err
	}
	lf.Close()
	defer os.Remove(lock)

	// The newest copy of each key is the one wanted.
	type where struct {
		id  string
		off int64
	}
	newest := map[Key]where{}
	for _, p := range mine {
		for _, e := range p.ix.Entries {
			newest[e.Key] = where{p.id, e.Offset}
		}
	}
	var sources []*packFile
	for _, p := range mine {
		if !p.own {
			sources = append(sources, p)
		}
	}
	slices.SortStableFunc(sources, func(a, b *packFile) int {
		if a.size != b.size {
			return int(min(max(a.size-b.size, -1), 1))
		}
		return strings.Compare(a.id, b.id)
	})
	k := min(len(mine)-MaxPacks/2+1, len(sources))
	if k < 2 {
		return compaction{}, 0, nil
	}
	sources = sources[:k]
	slices.SortFunc(sources, func(a, b *packFile) int { return strings.Compare(a.id, b.id) })

	var id string
	var f *os.File
	for range 10 {
		id = newID()
		f, err = os.OpenFile(filepath.Join(c.dir, id+PackExt), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return compaction{}, 0, err
	}
	bw := bufio.NewWriterSize(f, bufferSize)
	ix := Index{Version: c.version}
	var used time.Time
	buf := make([]byte, 0, 64<<10)
	for _, src := range sources {
		if src.used.After(used) {
			used = src.used
		}
		sf, err := os.Open(filepath.Join(c.dir, src.id+PackExt))
		if err != nil {
			continue // removed meanwhile
		}
		for _, e := range src.ix.Entries {
			if newest[e.Key] != (where{src.id, e.Offset}) {
				continue
			}
			buf = slices.Grow(buf[:0], e.Length)[:e.Length]
			if _, err := sf.ReadAt(buf, e.Offset); err != nil {
				continue
			}
			if _, err := Decode(buf, e.Key, c.version); err != nil {
				continue
			}
			if _, err := bw.Write(buf); err != nil {
				break
			}
			ix.Entries = append(ix.Entries, IndexEntry{Key: e.Key, Offset: ix.PackSize, Length: e.Length})
			ix.PackSize += int64(e.Length)
		}
		sf.Close()
	}
	err = bw.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	packPath, idxPath := filepath.Join(c.dir, id+PackExt), filepath.Join(c.dir, id+IndexExt)
	data := EncodeIndex(ix)
	if err == nil {
		err = writeAtomic(idxPath, data)
	}
	if err != nil {
		os.Remove(packPath)
		return compaction{}, 0, err
	}
	_ = os.Chtimes(packPath, used, used)
	_ = os.Chtimes(idxPath, used, used)

	out := compaction{
		pf:       &packFile{id: id, version: c.version, ix: ix, size: ix.PackSize + int64(len(data)), used: used},
		replaced: map[string]bool{},
	}
	for _, src := range sources {
		c.removePack(src.id)
		out.replaced[src.id] = true
	}
	// This Cache reads the moved entries from the new pack.
	np := &pack{id: id}
	np.used.Store(used.UnixNano())
	c.mu.Lock()
	c.packs[id] = np
	n := uint32(len(c.list))
	c.list = append(c.list, np)
	for _, e := range ix.Entries {
		if l, ok := c.index[e.Key]; ok && out.replaced[c.list[l.pack].id] {
			c.index[e.Key] = loc{off: e.Offset, pack: n, n: uint32(e.Length)}
		}
	}
	c.mu.Unlock()
	return out, k, nil
}
