package output

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// Marker is the file that Dir writes at the root of every site it builds,
// so that a folder can be recognised as an earlier build (see IsBuild).
// Its bytes never change, so a rebuild does not rewrite it. Netlify does
// not publish files whose names start with a dot.
const Marker = ".playbook-build"

const markerText = "This folder is a site written by \"playbook build\"; the next build replaces it.\n"

// Dir writes a site into a folder: readers of the destination see the
// previous site until Commit and the new one after it, never a mix and
// never no folder (where the exchange of two folders is available).
type Dir struct {
	dest  string // the destination, cleaned
	work  string // the hidden folder the new site is written into
	aside string // the name the fallback swap moves the old site to
	lock  func()

	// exchange swaps two folders in one step (errNoExchange where it
	// cannot); a field so that tests can take the fallback.
	exchange func(a, b string) error

	// existing is what work held when the build started: slash names
	// relative to work, true for a folder. Made by the scan that NewDir
	// starts (startScan), read-only once it is done (scanned).
	existing map[string]bool
	scanDone chan struct{}
	scanErr  error
	// states are the states of the work folder's files as the scan
	// found them, when it read them (walkWork: on Linux, once UseCache
	// has set wantStates); read-only once the scan is done.
	states     map[string]fileState
	wantStates atomic.Bool
	// folders is the folder table of the work folder (folders.go), set
	// by UseCache; seenFolders are the folders the scan read, with their
	// states and names, and scanStart when it started, read-only once it
	// is done; touched are the folders this build created or removed a
	// name in (guarded by mu).
	folders     atomic.Pointer[map[string]folderListing]
	seenFolders map[string]folderListing
	scanStart   time.Time
	touched     map[string]bool
	fromTable   int // folders whose names the scan took from the table
	// used are the names of the new site, files and folders, once
	// removeStale has made them.
	used map[string]bool

	mu      sync.Mutex
	written map[string]bool // names written by this build
	dirs    map[string]bool // folders known to exist in work
	stats   Stats
	done    bool

	caseInsensitive bool

	// The keys of the files (keys.go): store is nil without a cache;
	// abs is the destination's absolute path and workID the work
	// folder's identity; prior is what the build that last wrote the
	// work folder remembered of it, next what this build remembers.
	store  buildcache.Store
	abs    string
	workID string
	prior  map[string]fileKey
	next   map[string]fileKey // guarded by mu
}

// Stats counts what a build did to the files of the folder it updated.
type Stats struct {
	Written   int // files created or whose bytes changed
	Unchanged int // files whose bytes were already right
	Removed   int // files and folders of the previous site the new one no longer has
}

// Previous returns the folder beside dest that Dir keeps the previous
// build in: ".public.previous" for ".../public".
func Previous(dest string) string {
	dest = filepath.Clean(dest)
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".previous")
}

// IsBuild reports whether dir holds a site that Dir wrote: its root has
// the Marker file. A missing dir is not a build.
func IsBuild(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, Marker))
	return err == nil && string(b) == markerText
}

// NewDir starts writing the site that will replace dest. The files go into
// the folder Previous(dest), beside dest on the same file system; nothing in
// dest changes until Commit. NewDir first clears what an interrupted build
// left beside dest, and waits while another build writes beside dest.
// It fails when the folder Previous(dest) exists, is not empty and is not
// a playbook build, rather than overwrite someone's files.
func NewDir(dest string) (*Dir, error) {
	d, err := newDir(dest)
	if err != nil {
		return nil, err
	}
	d.startScan(nil)
	return d, nil
}

// NewDirCache is NewDir followed by UseCache(store), but for the order:
// the table of the work folder's folders is read before the scan starts,
// so that the scan of every folder can use it (folders.go), and the
// table of its files after the scan, in the background with it, since
// nothing needs it before the build's first file.
func NewDirCache(dest string, store buildcache.Store) (*Dir, error) {
	d, err := newDir(dest)
	if err != nil {
		return nil, err
	}
	d.startScan(d.useCache(store))
	return d, nil
}

func newDir(dest string) (*Dir, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(parent)
	if err != nil {
		return nil, fmt.Errorf("output: locking %s: %w", parent, err)
	}
	d := &Dir{
		dest:     dest,
		work:     Previous(dest),
		aside:    filepath.Join(parent, "."+filepath.Base(dest)+".swap"),
		lock:     unlock,
		exchange: exchange,
		written:  map[string]bool{},
		dirs:     map[string]bool{".": true},
	}
	if err := d.prepare(); err != nil {
		unlock()
		return nil, err
	}
	d.caseInsensitive = probeCase(d.work)
	return d, nil
}

// prepare recovers from an interrupted build, then makes sure the work
// folder exists with the marker, and records what it holds.
func (d *Dir) prepare() error {
	base := filepath.Base(d.dest)
	// Earlier versions wrote each build into ".public.new-XXXX" and moved
	// the old site to ".public.new-XXXX.old"; a killed build left them.
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(d.dest), "."+globEscape(base)+".new-*"))
	for _, o := range old {
		if err := os.RemoveAll(o); err != nil {
			return err
		}
	}
	// A fallback swap stopped between its renames.
	if exists(d.aside) {
		switch {
		case !exists(d.dest):
			if err := os.Rename(d.aside, d.dest); err != nil {
				return err
			}
		case !exists(d.work):
			if err := os.Rename(d.aside, d.work); err != nil {
				return err
			}
		default:
			if err := os.RemoveAll(d.aside); err != nil {
				return err
			}
		}
	}
	st, err := os.Lstat(d.work)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.Mkdir(d.work, 0o755); err != nil {
			return err
		}
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("output: %s is in the way of the build: it is not a folder", d.work)
	default:
		if !IsBuild(d.work) {
			entries, err := os.ReadDir(d.work)
			if err != nil {
				return err
			}
			if len(entries) > 0 {
				return fmt.Errorf("output: %s is in the way of the build: it holds files that playbook did not write; move it away", d.work)
			}
		}
	}
	if err := os.Chmod(d.work, 0o755); err != nil {
		return err
	}
	if !IsBuild(d.work) {
		// Written before any page, so that a build killed at any moment
		// leaves a work folder that the next build recognises.
		if err := os.WriteFile(filepath.Join(d.work, Marker), []byte(markerText), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// startScan lists the work folder in the background (scan): at 10,000
// pages that takes a tenth of a build after a one-page edit, which the
// build spends reading and parsing its pages meanwhile. Then it runs
// then, when not nil. Whatever reads what the scan records, or what then
// sets, waits for both (scanned).
func (d *Dir) startScan(then func()) {
	d.scanDone = make(chan struct{})
	d.scanStart = time.Now()
	go func() {
		defer close(d.scanDone)
		d.scanErr = d.scan()
		if then != nil {
			then()
		}
	}()
}

// scanned waits for the scan of the work folder and returns its error.
func (d *Dir) scanned() error {
	<-d.scanDone
	return d.scanErr
}

// scan records the files and folders of the work folder, and removes
// anything else there (symbolic links, devices): a write must never
// follow a link out of the site.
func (d *Dir) scan() error {
	// Sized for what the table of folders says the folder holds: at
	// 10,000 pages, growing these maps entry by entry took over a
	// quarter of the scan's CPU.
	folders, files := 0, 0
	if t := d.folders.Load(); t != nil {
		folders = len(*t)
		for _, l := range *t {
			files += len(l.entries)
		}
		d.seenFolders = make(map[string]folderListing, folders)
		dirs := make(map[string]bool, folders+1)
		maps.Copy(dirs, d.dirs)
		d.dirs = dirs
	}
	d.existing = make(map[string]bool, files)
	d.states = make(map[string]fileState, files)
	return walkWork(d.work, d.wantStates.Load, d, func(rel string, kind entryKind, st *fileState) error {
		switch kind {
		case folderEntry:
			d.existing[rel] = true
			d.dirs[rel] = true
		case fileEntry:
			d.existing[rel] = false
			if st != nil {
				d.states[rel] = *st
			}
		default:
			d.touch(path.Dir(rel))
			return os.Remove(filepath.Join(d.work, filepath.FromSlash(rel)))
		}
		return nil
	})
}

// entryKind is what walkWork found: a folder, a regular file, or
// anything else.
type entryKind int

const (
	fileEntry entryKind = iota
	folderEntry
	otherEntry
)

// probeCase reports whether a folder's file system takes "A" for "a".
func probeCase(dir string) bool {
	probe := filepath.Join(dir, ".case-probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		return false
	}
	defer os.Remove(probe)
	_, err := os.Stat(filepath.Join(dir, ".CASE-PROBE"))
	return err == nil
}

// CaseInsensitive reports whether the destination's file system does not
// tell upper from lower case in names.
func (d *Dir) CaseInsensitive() bool { return d.caseInsensitive }

// Stats returns what the build has done to the files so far; after
// Commit, what it did.
func (d *Dir) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Transient implements Transient: a file's bytes are written before
// WriteFile or WriteKeyed returns, and none are kept.
func (d *Dir) Transient() {}

// WriteFile puts one file of the new site in the work folder, unless the
// file there already has these bytes.
func (d *Dir) WriteFile(name string, data []byte) error {
	return d.write(name, "", 0, data)
}

// write writes a file and, with a cache, notes its key and state.
func (d *Dir) write(name, group string, key uint64, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	if name == Marker {
		return fmt.Errorf("output: %s is the name of the build's own marker file", name)
	}
	if err := d.scanned(); err != nil {
		return err
	}
	if key == 0 && group == "" && d.next != nil {
		// A file made under no key (a search shard, a copied file) is
		// kept by its bytes: when the table has the file with the same
		// sum of its bytes and it has not changed since, it holds them.
		group, key = bytesGroup, bytesKey(data)
		if fk, ok := d.prior[name]; ok && fk.group == group && fk.key == key && d.unchanged(name, fk) {
			d.kept([]string{name})
			return nil
		}
	}
	if err := d.makeParent(name); err != nil {
		return err
	}
	full := filepath.Join(d.work, filepath.FromSlash(name))
	changed, st, err := d.put(full, name, data)
	if err != nil {
		return err
	}
	d.record(name, group, key, st)
	d.mu.Lock()
	d.written[name] = true
	if changed {
		d.stats.Written++
	} else {
		d.stats.Unchanged++
	}
	d.mu.Unlock()
	return nil
}

// put writes data to full in place, reusing the file that is there, and
// reports whether its bytes changed, and the file's state after.
func (d *Dir) put(full, name string, data []byte) (bool, fileState, error) {
	isDir, found := d.existing[name]
	if found && isDir {
		// A folder of the previous site is now a file.
		d.touch(path.Dir(name))
		if err := os.RemoveAll(full); err != nil {
			return false, fileState{}, err
		}
		found = false
	}
	if !found {
		d.touch(path.Dir(name))
		st, err := create(full, data)
		return true, st, err
	}
	same, st, err := rewrite(full, data)
	if errors.Is(err, fs.ErrNotExist) {
		// Removed since the scan (a folder above it became a file).
		d.touch(path.Dir(name))
		st, err := create(full, data)
		return true, st, err
	}
	if err != nil {
		return false, fileState{}, err
	}
	return !same, st, nil
}

// makeParent makes the folders above name in the work folder, removing a
// file of the previous site that is in the way of one.
func (d *Dir) makeParent(name string) error {
	dir := path.Dir(name)
	d.mu.Lock()
	known := d.dirs[dir]
	d.mu.Unlock()
	if known {
		return nil
	}
	full := filepath.Join(d.work, filepath.FromSlash(dir))
	// MkdirAll may create the folder and folders above it, and remove a
	// file in the way of one: each folder above name may change.
	for p := dir; ; p = path.Dir(p) {
		d.touch(path.Dir(p))
		if p == "." {
			break
		}
	}
	err := os.MkdirAll(full, 0o755)
	if err != nil {
		// A file of the previous site has a name the new site uses
		// for a folder: remove it and try again.
		for p := dir; p != "."; p = path.Dir(p) {
			fp := filepath.Join(d.work, filepath.FromSlash(p))
			if st, serr := os.Lstat(fp); serr == nil && !st.IsDir() {
				if rerr := os.Remove(fp); rerr != nil {
					return rerr
				}
			}
		}
		err = os.MkdirAll(full, 0o755)
	}
	if err != nil {
		return err
	}
	d.mu.Lock()
	for p := dir; p != "."; p = path.Dir(p) {
		d.dirs[p] = true
	}
	d.mu.Unlock()
	return nil
}

// Commit removes what the previous site had and the new one has not, then
// swaps the work folder with the destination, so that the destination is
// the new site and the work folder the old one, which the next build
// brings up to date.
func (d *Dir) Commit() error {
	if d.done {
		return errors.New("output: the site was already committed or aborted")
	}
	defer d.finish()
	if err := d.scanned(); err != nil {
		return err
	}
	saved := d.saveKeys()
	if err := d.removeStale(); err != nil {
		saved(false)
		return fmt.Errorf("output: removing files the site no longer has: %w", err)
	}
	if !exists(d.dest) {
		if err := os.Rename(d.work, d.dest); err != nil {
			saved(false)
			return fmt.Errorf("output: putting the new site in place: %w", err)
		}
		saved(true)
		return nil
	}
	err := d.exchange(d.work, d.dest)
	if err == nil {
		saved(true)
		return nil
	}
	if !errors.Is(err, errNoExchange) {
		saved(false)
		return fmt.Errorf("output: swapping the new site in: %w", err)
	}
	// No atomic exchange here: three renames, with a moment between the
	// first two when there is no destination. An interruption is
	// repaired by the next NewDir.
	if err := os.Rename(d.dest, d.aside); err != nil {
		saved(false)
		return fmt.Errorf("output: moving the previous site aside: %w", err)
	}
	if err := os.Rename(d.work, d.dest); err != nil {
		saved(false)
		return errors.Join(fmt.Errorf("output: putting the new site in place: %w", err), os.Rename(d.aside, d.dest))
	}
	saved(true)
	if err := os.Rename(d.aside, d.work); err != nil {
		return fmt.Errorf("output: keeping the previous site for the next build: %w", err)
	}
	return nil
}

// removeStale removes the files and folders of the previous site that
// this build did not write and that hold nothing it wrote.
func (d *Dir) removeStale() error {
	used := make(map[string]bool, len(d.existing)+1)
	used[Marker] = true
	for name := range d.written {
		used[name] = true
		for p := path.Dir(name); p != "." && !used[p]; p = path.Dir(p) {
			used[p] = true
		}
	}
	d.used = used
	names := make([]string, 0, len(d.existing))
	for name := range d.existing {
		if !used[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var removed []string // folders removed whole, in sorted order
	for _, name := range names {
		if n := len(removed); n > 0 && strings.HasPrefix(name, removed[n-1]+"/") {
			continue
		}
		if ancestorWritten(name, d.written) != "" {
			continue // a folder above it is now a file; it went with the folder
		}
		d.touch(path.Dir(name))
		err := os.RemoveAll(filepath.Join(d.work, filepath.FromSlash(name)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		d.stats.Removed++
		if d.existing[name] {
			removed = append(removed, name)
		}
	}
	return nil
}

// ancestorWritten returns the folder above name that the build wrote as a
// file, or "".
func ancestorWritten(name string, written map[string]bool) string {
	for p := path.Dir(name); p != "."; p = path.Dir(p) {
		if written[p] {
			return p
		}
	}
	return ""
}

// Abort gives the build up: the destination is untouched. The work folder
// keeps what was written; the next build brings it up to date.
func (d *Dir) Abort() {
	if !d.done {
		d.scanned() // no listing goes on past the build
		d.finish()
	}
}

func (d *Dir) finish() {
	d.done = true
	d.lock()
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// globEscape quotes the characters filepath.Match gives a meaning to.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
