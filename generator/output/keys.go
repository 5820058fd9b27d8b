package output

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// # Keys kept from one build to the next
//
// A Dir given a build cache (UseCache) remembers, for each file of the
// site it writes, the dependency key the file was made under (WriteKeyed:
// the engine's key of a page's output, or of a site-wide part such as
// sitemap.xml, which then names the part as the file's group; WriteFile:
// a sum of the file's bytes) and the file's size, modification time,
// status change time and inode as the build left it. It keeps that table
// in the cache, under the destination's path and the identity
// (device and inode) of the folder it describes: the exchange of Commit
// moves a folder, not its files, so the table stays true of the folder
// wherever it is.
//
// The next build into the same destination reads the table of its work
// folder (which holds the build before the last one). Keep and KeepGroup
// then tell the engine which files already hold what their key makes: a
// file is kept only when the table gives it the same key and its size,
// modification time, status change time and inode are still those the
// table has, so a file changed since (by hand, or by a build killed while
// it wrote) is made again. The status change time is what git's index
// and the build cache's content index keep too: no user can set it, so a
// file rewritten in place with bytes of the same size and its
// modification time set back (touch -d, rsync --inplace --times) is still
// seen as changed. Where the system has none (Windows, AIX), it is 0.
// A file written with WriteFile whose bytes have the sum the table gives
// it, and that has not changed since, is left as it is, unread. A table
// that is missing, damaged or of another version (buildcache checks each
// entry) is no table: the build makes every file.

// keysFormat is the format of the encoded table, named in its cache key.
const keysFormat = "output keys/3"

// bytesGroup is the group of the files written with WriteFile, made under
// no dependency key: their key is the sum of their bytes (bytesKey), so
// that a build that writes the same bytes again leaves the file as it is
// without reading it. No site-wide part has the name.
const bytesGroup = "\x00bytes"

// bytesKey is the key of a file written with WriteFile: the first 8
// bytes of the SHA-256 of its bytes, never 0.
func bytesKey(data []byte) uint64 {
	sum := sha256.Sum256(data)
	return binary.BigEndian.Uint64(sum[:8]) | 1
}

// fileKey is what a Dir remembers of one file.
type fileKey struct {
	group string // the site-wide part that wrote it; "" for a page
	key   uint64 // the dependency key it was made under; 0 for none
	fileState
}

// fileState is what tells that a file has not changed since it was
// written.
type fileState struct {
	size         int64 // bytes
	mtime, ctime int64 // nanoseconds since 1970; ctime 0 where not known
	ino          uint64
}

func stateOf(info os.FileInfo) fileState {
	return fileState{size: info.Size(), mtime: info.ModTime().UnixNano(), ctime: ctime(info), ino: inode(info)}
}

// changed is the file's last change: its status change time, which is
// never before its modification time, or that where it is not known.
func (s fileState) changed() int64 { return max(s.mtime, s.ctime) }

// Keyed is a Writer that remembers the dependency key each of its files
// was made under (Dir with a cache). The engine asks it before it makes a
// file.
type Keyed interface {
	Writer
	// WriteKeyed writes a file made under key; group names the site-wide
	// part it belongs to, "" for a page's file.
	WriteKeyed(name, group string, key uint64, data []byte) error
	// Keep reports whether the page file name already holds what key
	// makes; if so, it is part of the new site as it is.
	Keep(name string, key uint64) bool
	// KeepGroup does the same for every file of a site-wide part: it
	// reports the part's files when all of them were made under key and
	// are unchanged, and keeps them; otherwise it keeps none.
	KeepGroup(group string, key uint64) ([]string, bool)
}

// UseCache makes d remember its files' keys in store (see Keyed and the
// package's "Keys kept" notes), and reads what the build that last wrote
// the work folder remembered of it. A nil store does nothing.
func (d *Dir) UseCache(store buildcache.Store) {
	d.useCache(store)()
}

// useCache is UseCache but for reading the table of the files, which it
// returns as a func to call next; it reads the table of the folders
// (folders.go).
func (d *Dir) useCache(store buildcache.Store) (prior func()) {
	if store == nil {
		return func() {}
	}
	d.store = store
	d.next = map[string]fileKey{}
	// The scan, which has just started, reads the state of each file it
	// finds beside its name: Keep, KeepGroup and WriteFile then need no
	// lstat of each file's whole path.
	d.wantStates.Store(true)
	abs, err := filepath.Abs(d.dest)
	if err != nil {
		return func() {}
	}
	d.abs = abs
	id, ok := folderID(d.work)
	if !ok {
		return func() {}
	}
	d.workID = id
	if data, ok := store.Get(d.foldersKey(id)); ok {
		if t, err := decodeFolders(data); err == nil {
			d.folders.Store(&t)
		}
	}
	return func() {
		if data, ok := store.Get(d.keysKey(id)); ok {
			d.prior, _ = decodeKeys(data)
			// Nothing is written yet: sized for a site like the last.
			d.next = make(map[string]fileKey, len(d.prior))
			d.written = make(map[string]bool, len(d.prior))
		}
	}
}

// keysKey is the cache key of the table of the folder id of the
// destination.
func (d *Dir) keysKey(id string) buildcache.Key {
	h := buildcache.NewHasher(keysFormat)
	h.String(d.abs)
	h.String(id)
	return h.Sum()
}

// WriteKeyed implements Keyed.
func (d *Dir) WriteKeyed(name, group string, key uint64, data []byte) error {
	return d.write(name, group, key, data)
}

// Keep implements Keyed.
func (d *Dir) Keep(name string, key uint64) bool {
	if d.scanned() != nil {
		return false
	}
	fk, ok := d.prior[name]
	if !ok || key == 0 || fk.key != key || fk.group != "" || !d.unchanged(name, fk) {
		return false
	}
	d.kept([]string{name})
	return true
}

// KeepGroup implements Keyed.
func (d *Dir) KeepGroup(group string, key uint64) ([]string, bool) {
	if d.scanned() != nil || group == "" || key == 0 || d.prior == nil {
		return nil, false
	}
	var names []string
	for name, fk := range d.prior {
		if fk.group != group {
			continue
		}
		if fk.key != key || !d.unchanged(name, fk) {
			return nil, false
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, false
	}
	slices.Sort(names)
	d.kept(names)
	return names, true
}

// KeepFile keeps a file written with WriteFile whose name is made from a
// hash of its bytes (as the search export's are), when the table has it
// and it is unchanged since: the name stands for the bytes, which are
// then neither made nor read. It reports whether it kept the file.
func (d *Dir) KeepFile(name string) bool {
	if d.scanned() != nil {
		return false
	}
	fk, ok := d.prior[name]
	if !ok || fk.group != bytesGroup || !d.unchanged(name, fk) {
		return false
	}
	d.kept([]string{name})
	return true
}

// unchanged reports whether file name of the work folder is as fk says
// the last build left it.
func (d *Dir) unchanged(name string, fk fileKey) bool {
	if checkName(name) != nil || name == Marker || d.scanned() != nil {
		return false
	}
	if isDir, found := d.existing[name]; !found || isDir {
		return false
	}
	if st, ok := d.states[name]; ok {
		return st == fk.fileState
	}
	info, err := os.Lstat(filepath.Join(d.work, filepath.FromSlash(name)))
	return err == nil && info.Mode().IsRegular() && stateOf(info) == fk.fileState
}

// kept records names as written by this build, with the key and state
// the table has for each.
func (d *Dir) kept(names []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, name := range names {
		d.written[name] = true
		d.next[name] = d.prior[name]
		d.stats.Unchanged++
	}
}

// record notes what d wrote to name, for the table.
func (d *Dir) record(name, group string, key uint64, st fileState) {
	if d.next == nil {
		return
	}
	d.mu.Lock()
	d.next[name] = fileKey{group: group, key: key, fileState: st}
	d.mu.Unlock()
}

// saveKeys stores the table of the files of the folder being committed,
// on another goroutine, and returns a function that waits for it and,
// when committed, stores the table of its folders too (which needs
// removeStale's names, folders.go). Commit starts it before it removes
// stale files and swaps the folders: the table describes the work
// folder's files, which those steps do not change, and is keyed by the
// folder's identity, which the swap keeps.
//
// A file changed in the same tick of the file system's clock as the build
// wrote it would keep its size and time (git's "racy clean" files). So
// the files written in the last racyWindow are left out of the table,
// and made again by the next build, when they are few (maxLeftOut, at
// most one in a hundred) and none is part of a site-wide part, as after
// a one-page edit; otherwise the table is saved once racyWindow has
// passed since the last file was written, at most that long after the
// build: a later change then shows in the file's time. On a file system
// that keeps whole seconds the wait would be seconds: the files written
// in the last coarseWindow are always left out instead.
func (d *Dir) saveKeys() (finish func(committed bool)) {
	if d.store == nil || d.workID == "" {
		return func(bool) {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.store.Put(d.keysKey(d.workID), encodeKeysOf(d.next, d.inTable()))
	}()
	return func(committed bool) {
		if committed {
			d.store.Put(d.foldersKey(d.workID), encodeFoldersOf(d.folderTable(d.used), d.seenFolders))
		}
		<-done
	}
}

// inTable returns whether a file written or kept goes in the table (see
// saveKeys), once the file system's clock has moved on from the last
// write.
func (d *Dir) inTable() func(name string, fk fileKey) bool {
	coarse := true
	var last int64
	for _, fk := range d.next {
		if fk.changed()%int64(time.Second) != 0 {
			coarse = false
		}
		last = max(last, fk.changed())
	}
	since := time.Now().Add(-coarseWindow).UnixNano()
	if !coarse {
		// The files written in the last racyWindow are left out, when
		// they are few and no site-wide part's (a build after an edit
		// writes a few, last); otherwise the table waits for the clock.
		since = time.Now().Add(-racyWindow).UnixNano()
		racy, inPart := 0, false
		for _, fk := range d.next {
			if fk.key != 0 && fk.changed() >= since {
				racy++
				inPart = inPart || fk.group != "" && fk.group != bytesGroup
			}
		}
		if inPart || racy > maxLeftOut || racy*100 > len(d.next) {
			time.Sleep(time.Until(time.Unix(0, last).Add(racyWindow)))
			since = time.Now().Add(-racyWindow).UnixNano()
		}
	}
	// partial are the site-wide parts a file of which is left out.
	// KeepGroup keeps a part whole from the table: a part with a file
	// left out is left out whole, else the next build would keep the
	// part's other files and neither write nor keep that one.
	partial := map[string]bool{}
	for _, fk := range d.next {
		if (fk.key == 0 || fk.changed() >= since) && fk.group != "" && fk.group != bytesGroup {
			partial[fk.group] = true
		}
	}
	return func(name string, fk fileKey) bool {
		return fk.key != 0 && fk.changed() < since && !partial[fk.group]
	}
}

// maxLeftOut is the most files written in the last racyWindow that the
// table leaves out rather than wait for the clock, if they are at most
// one in a hundred of the site's.
const maxLeftOut = 64

// racyWindow is longer than the tick of a file system clock that keeps
// nanoseconds (ext4, XFS, Btrfs, tmpfs, APFS: a few milliseconds at most);
// coarseWindow longer than that of one that keeps whole seconds (ext3,
// HFS+; FAT keeps two).
const (
	racyWindow   = 50 * time.Millisecond
	coarseWindow = 3 * time.Second
)

// The encoded table: the bytes "PBOK", then the number of files and, for
// each in name order, its name, group, key, size, modification time,
// status change time and inode; strings as a uvarint length and the
// bytes, numbers as uvarints (the times as varints).
const keysMagic = "PBOK"

func encodeKeys(m map[string]fileKey) []byte {
	return encodeKeysOf(m, func(string, fileKey) bool { return true })
}

// encodeKeysOf encodes the table of the files of m that in takes.
func encodeKeysOf(m map[string]fileKey, in func(string, fileKey) bool) []byte {
	names := make([]string, 0, len(m))
	// Sized once: the names and groups, and room for their numbers.
	size := len(keysMagic) + binary.MaxVarintLen64
	for name, fk := range m {
		if in(name, fk) {
			names = append(names, name)
			size += len(name) + len(fk.group) + 2*binary.MaxVarintLen16 + 5*binary.MaxVarintLen64
		}
	}
	slices.Sort(names)
	b := make([]byte, 0, size)
	b = append(b, keysMagic...)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, name := range names {
		fk := m[name]
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
		b = binary.AppendUvarint(b, uint64(len(fk.group)))
		b = append(b, fk.group...)
		b = binary.AppendUvarint(b, fk.key)
		b = binary.AppendUvarint(b, uint64(fk.size))
		b = binary.AppendVarint(b, fk.mtime)
		b = binary.AppendVarint(b, fk.ctime)
		b = binary.AppendUvarint(b, fk.ino)
	}
	return b
}

var errKeys = errors.New("output: damaged table of keys")

// decodeKeys reads an encoded table. Anything that is not one, whole, is
// an error and no table.
func decodeKeys(b []byte) (map[string]fileKey, error) {
	if len(b) < len(keysMagic) || string(b[:len(keysMagic)]) != keysMagic {
		return nil, errKeys
	}
	b = b[len(keysMagic):]
	uv := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	str := func() (string, bool) {
		n, ok := uv()
		if !ok || n > uint64(len(b)) {
			return "", false
		}
		s := string(b[:n])
		b = b[n:]
		return s, true
	}
	count, ok := uv()
	// Each file takes at least 7 bytes.
	if !ok || count > uint64(len(b))/7 {
		return nil, errKeys
	}
	m := make(map[string]fileKey, count)
	for range count {
		var fk fileKey
		name, ok1 := str()
		group, ok2 := str()
		key, ok3 := uv()
		size, ok4 := uv()
		mtime, n := binary.Varint(b)
		if !ok1 || !ok2 || !ok3 || !ok4 || n <= 0 || size > 1<<62 {
			return nil, errKeys
		}
		b = b[n:]
		ctime, n := binary.Varint(b)
		if n <= 0 {
			return nil, errKeys
		}
		b = b[n:]
		ino, ok5 := uv()
		if !ok5 {
			return nil, errKeys
		}
		fk.group, fk.key, fk.size, fk.mtime, fk.ctime, fk.ino = group, key, int64(size), mtime, ctime, ino
		m[name] = fk
	}
	if len(b) != 0 {
		return nil, errKeys
	}
	return m, nil
}
