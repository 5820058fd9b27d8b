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
// The cache folder holds one file per entry, at "xx/yyyy…" where xx…yyyy
// is the hex of the stored key (the caller's key mixed with the version),
// and a file "prune" (see Pruning). An entry file is a header and the
// value:
//
//	magic      4 bytes   "PBKC"
//	format     2 bytes   FormatVersion, big-endian
//	version    1 byte n, then n bytes: the playbook version that wrote it
//	key        32 bytes  the stored key
//	length     4 bytes   length of the value in bytes, big-endian
//	checksum   32 bytes  SHA-256 of the value
//	value      length bytes
//
// An entry is written to a temporary file in its folder and renamed into
// place, so two builds writing at once each leave a whole entry, and a
// reader sees a whole entry or none. An entry that is truncated, longer
// than its length, whose checksum does not match, of another format,
// version or key is never returned: Get reports a miss and removes the
// file, and the caller does the work again.
//
// # Pruning
//
// A cache is kept under a budget of bytes (DefaultBudget unless Options
// say otherwise). Get sets the modification time of an entry it reads, at
// most once an hour, so the time is when the entry was last used. Prune,
// run at the end of a build, removes the least recently used entries until
// the entries take at most nine tenths of the budget, and temporary files
// older than an hour that a killed build left. To be cheap when there is
// nothing to prune, it walks the folder only when the size it found last
// (kept in the file "prune") plus what builds have written since would
// pass the budget, or when that walk was more than a day ago; otherwise it
// only adds what this build wrote to the file.
//
// Write errors (a full disk, a read-only folder) never fail a build: the
// first one is kept (Err), and the cache stops writing.
package buildcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FormatVersion is the version of the entry file format and of the way
// stored keys are made; it changes when either does.
const FormatVersion = 1

// DefaultBudget is the size a cache is pruned to stay under, in bytes:
// 1 GiB.
const DefaultBudget = 1 << 30

// MaxValue is the largest value stored, in bytes; Put ignores larger
// ones and Get refuses an entry that claims more.
const MaxValue = 64 << 20

// magic starts every entry file.
const magic = "PBKC"

// headerFixed is the size of an entry's header without the version string.
const headerFixed = len(magic) + 2 + 1 + sha256.Size + 4 + sha256.Size

// maxVersion is the longest version string an entry can carry.
const maxVersion = 255

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
	// time.Now.
	Now func() time.Time
}

// Cache is a build cache in a folder. It is safe for concurrent use, also
// by several processes sharing the folder.
type Cache struct {
	dir     string
	version string
	budget  int64
	now     func() time.Time

	hits, misses, written, bad atomic.Int64
	// pending is the bytes written since the last Prune.
	pending atomic.Int64
	broken  atomic.Bool
	errOnce sync.Once
	err     error
}

// Open returns the cache kept in dir, creating the folder when it is
// missing. It fails when the folder cannot be made or written to, or the
// version is too long.
func Open(dir string, opt Options) (*Cache, error) {
	if len(opt.Version) > maxVersion {
		return nil, fmt.Errorf("build cache: version %q is longer than %d bytes", opt.Version, maxVersion)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("build cache: %w", err)
	}
	probe.Close()
	os.Remove(probe.Name())
	c := &Cache{dir: dir, version: opt.Version, budget: opt.Budget, now: opt.Now}
	if c.budget <= 0 {
		c.budget = DefaultBudget
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// Dir returns the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// stored returns the key an entry is stored under: k mixed with the
// format and the version.
func (c *Cache) stored(k Key) Key {
	h := NewHasher("playbook build cache")
	h.String(strconv.Itoa(FormatVersion))
	h.String(c.version)
	h.Bytes(k[:])
	return h.Sum()
}

// path returns the file of a stored key.
func (c *Cache) path(s Key) string {
	x := hex.EncodeToString(s[:])
	return filepath.Join(c.dir, x[:2], x[2:])
}

// Get returns the value stored for k. A missing entry is a miss; so is a
// damaged or foreign one, which is removed.
func (c *Cache) Get(k Key) ([]byte, bool) {
	s := c.stored(k)
	p := c.path(s)
	f, err := os.Open(p)
	if err != nil {
		c.misses.Add(1)
		return nil, false
	}
	info, err := f.Stat()
	if err != nil || info.Size() > int64(headerFixed+maxVersion+MaxValue) {
		f.Close()
		c.drop(p)
		return nil, false
	}
	data := make([]byte, info.Size())
	_, err = io.ReadFull(f, data)
	f.Close()
	if err != nil {
		c.drop(p)
		return nil, false
	}
	value, err := Decode(data, s, c.version)
	if err != nil {
		c.drop(p)
		return nil, false
	}
	if now := c.now(); now.Sub(info.ModTime()) > time.Hour {
		_ = os.Chtimes(p, now, now)
	}
	c.hits.Add(1)
	return value, true
}

// drop counts a bad entry as a miss and removes it.
func (c *Cache) drop(p string) {
	c.misses.Add(1)
	c.bad.Add(1)
	_ = os.Remove(p)
}

// Put stores value for k. It does nothing once a write has failed, or
// for a value longer than MaxValue.
func (c *Cache) Put(k Key, value []byte) {
	if c.broken.Load() || len(value) > MaxValue {
		return
	}
	s := c.stored(k)
	p := c.path(s)
	data := Encode(s, c.version, value)
	if err := writeAtomic(p, data); err != nil {
		c.fail(err)
		return
	}
	c.written.Add(int64(len(data)))
	c.pending.Add(int64(len(data)))
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
	// Bad is the number of damaged or foreign entries found and removed
	// (counted as misses too).
	Bad int64
	// Written is the bytes of the entries written.
	Written int64
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bad: c.bad.Load(), Written: c.written.Load()}
}

// writeAtomic writes data to a temporary file beside p and renames it to
// p, making p's folder when needed.
func writeAtomic(p string, data []byte) error {
	dir := filepath.Dir(p)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		f, err = os.CreateTemp(dir, ".tmp-*")
	}
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

// Encode returns the entry file of a value under the stored key s,
// written by version (at most 255 bytes; a longer one is cut).
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

// Errors of Decode.
var (
	ErrTruncated = errors.New("entry is truncated")
	ErrForeign   = errors.New("not an entry of this format")
	ErrVersion   = errors.New("entry written by another version")
	ErrKey       = errors.New("entry is for another key")
	ErrChecksum  = errors.New("entry's checksum does not match")
)

// Decode returns the value of an entry file, checking that it is whole,
// of this format, written by version, for the stored key s, and that the
// value's checksum matches. The value shares data's memory.
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

// pruneFile holds what Prune last found: "size written-since unix-seconds".
const pruneFile = "prune"

// pruneEvery is how long Prune trusts its running total before it walks
// the folder again.
const pruneEvery = 24 * time.Hour

// staleTemp is the age after which a temporary file is a killed build's.
const staleTemp = time.Hour

// PruneResult says what Prune did.
type PruneResult struct {
	// Walked is true when the folder was walked; when false, the other
	// fields are zero.
	Walked bool
	// Size is the bytes of the entries left, Removed the number of
	// entries and temporary files removed.
	Size    int64
	Removed int
}

// Prune keeps the cache under its budget (see the package doc). Errors
// of files that vanish meanwhile (another build pruning) are ignored.
func (c *Cache) Prune() (PruneResult, error) {
	now := c.now()
	size, at, ok := c.readPrune()
	written := c.pending.Swap(0)
	if ok && now.Sub(at) < pruneEvery && size+written <= c.budget {
		return PruneResult{}, c.writePrune(size+written, at)
	}
	return c.walk(now)
}

// readPrune reads the prune file: the size it records and when the folder
// was last walked.
func (c *Cache) readPrune() (int64, time.Time, bool) {
	data, err := os.ReadFile(filepath.Join(c.dir, pruneFile))
	if err != nil {
		return 0, time.Time{}, false
	}
	f := strings.Fields(string(data))
	if len(f) != 2 {
		return 0, time.Time{}, false
	}
	size, err1 := strconv.ParseInt(f[0], 10, 64)
	sec, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || size < 0 {
		return 0, time.Time{}, false
	}
	return size, time.Unix(sec, 0), true
}

func (c *Cache) writePrune(size int64, at time.Time) error {
	return writeAtomic(filepath.Join(c.dir, pruneFile), fmt.Appendf(nil, "%d %d\n", size, at.Unix()))
}

type entryFile struct {
	path string
	size int64
	mod  time.Time
}

// walk reads the size and modification time of every entry, removes stale
// temporary files, then the least recently used entries while the total is
// over nine tenths of the budget.
func (c *Cache) walk(now time.Time) (PruneResult, error) {
	var res PruneResult
	res.Walked = true
	var entries []entryFile
	tops, err := os.ReadDir(c.dir)
	if err != nil {
		return res, fmt.Errorf("build cache: %w", err)
	}
	for _, top := range tops {
		if !top.IsDir() || len(top.Name()) != 2 {
			continue
		}
		sub := filepath.Join(c.dir, top.Name())
		files, err := os.ReadDir(sub)
		if err != nil {
			continue
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
			p := filepath.Join(sub, f.Name())
			if strings.HasPrefix(f.Name(), ".tmp-") {
				if now.Sub(info.ModTime()) > staleTemp && os.Remove(p) == nil {
					res.Removed++
				}
				continue
			}
			entries = append(entries, entryFile{p, info.Size(), info.ModTime()})
			res.Size += info.Size()
		}
	}
	if res.Size > c.budget {
		slices.SortFunc(entries, func(a, b entryFile) int {
			if d := a.mod.Compare(b.mod); d != 0 {
				return d
			}
			return strings.Compare(a.path, b.path)
		})
		target := c.budget / 10 * 9
		for _, e := range entries {
			if res.Size <= target {
				break
			}
			if err := os.Remove(e.path); err == nil || errors.Is(err, fs.ErrNotExist) {
				res.Size -= e.size
				res.Removed++
			}
		}
	}
	return res, c.writePrune(res.Size, now)
}
