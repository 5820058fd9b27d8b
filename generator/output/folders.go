package output

import (
	"encoding/binary"
	"errors"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// # Folders kept from one build to the next
//
// Listing the work folder (scan) reads every one of its folders: at
// 10,000 pages, 13,000 folders of one page each. A Dir with a cache
// remembers, beside the table of its files (keys.go), the listing of each
// folder of the site it committed, with the folder's modification and
// status change times and inode as the scan read them. Linux changes
// both times of a folder whenever a name in it is created, removed or
// renamed, and no call sets the status change time back; so the next
// build's scan of that folder, finding the same three values, takes the
// names and kinds from the table instead of reading them (getdents).
// Each file's own state is still read, as Keep needs (a file changed in
// place leaves its folder's times as they were).
//
// Only what the table can vouch for is kept: a folder this build created
// or removed a name in (touch) is left out, as is one that is no longer
// in the site, and one whose status change time is within racyWindow
// (coarseWindow on a file system of whole seconds) of the scan's start,
// which a change in the same tick of the clock would leave as it is.
// The root folder, where each build writes and removes a probe file, is
// always read. A table that is missing, damaged or of another version is
// no table: every folder is read.

// foldersFormat is the format of the encoded folder table, named in its
// cache key.
const foldersFormat = "output folders/1"

// folderState is what tells that a folder's names have not changed.
type folderState struct {
	mtime, ctime int64 // nanoseconds since 1970
	ino          uint64
}

// dirEntry is one name in a folder: a file or a folder.
type dirEntry struct {
	name string
	kind entryKind
}

// folderListing is a folder's state and its names, as a scan read them.
type folderListing struct {
	folderState
	entries []dirEntry
}

// foldersKey is the cache key of the folder table of the folder id of
// the destination.
func (d *Dir) foldersKey(id string) buildcache.Key {
	h := buildcache.NewHasher(foldersFormat)
	h.String(d.abs)
	h.String(id)
	return h.Sum()
}

// listing implements folderCache: the names of folder rel (slash name
// under the work folder, "" for itself) when the table has it in state
// st.
func (d *Dir) listing(rel string, st folderState) ([]dirEntry, bool) {
	t := d.folders.Load()
	if t == nil || rel == "" {
		return nil, false
	}
	l, ok := (*t)[rel]
	if !ok || l.folderState != st {
		return nil, false
	}
	d.fromTable++
	return l.entries, true
}

// seen implements folderCache: the scan read folder rel in state st,
// with these names.
func (d *Dir) seen(rel string, st folderState, entries []dirEntry) {
	if d.seenFolders == nil {
		d.seenFolders = map[string]folderListing{}
	}
	d.seenFolders[rel] = folderListing{st, entries}
}

// touch notes that the build created or removed a name in folder dir
// (slash name; "." or "" for the work folder itself).
func (d *Dir) touch(dir string) {
	if dir == "." {
		dir = ""
	}
	d.mu.Lock()
	if d.touched == nil {
		d.touched = map[string]bool{}
	}
	d.touched[dir] = true
	d.mu.Unlock()
}

// folderTable returns the names, sorted, of the folders that go in the
// table of the site just committed (see the notes above): those the scan
// read (seenFolders), that are still in the site (used, from
// removeStale), that the build left as they were, and whose state is not
// racy.
func (d *Dir) folderTable(used map[string]bool) []string {
	start := d.scanStart.UnixNano()
	names := make([]string, 0, len(d.seenFolders))
	for rel, l := range d.seenFolders {
		if rel == "" || !used[rel] || d.touched[rel] {
			continue
		}
		window := int64(racyWindow)
		if l.ctime%int64(time.Second) == 0 {
			window = int64(coarseWindow)
		}
		if l.ctime >= start-window {
			continue
		}
		names = append(names, rel)
	}
	slices.Sort(names)
	return names
}

// The encoded folder table: the bytes "PBOF", then the number of folders
// and, for each in name order, its name, modification and status change
// times (varints), inode, and number of names, then each name and its
// kind (a byte: 0 a file, 1 a folder); strings as a uvarint length and
// the bytes.
const foldersMagic = "PBOF"

func encodeFolders(m map[string]folderListing) []byte {
	return encodeFoldersOf(slices.Sorted(maps.Keys(m)), m)
}

// encodeFoldersOf encodes the table of the folders names, sorted, of m.
func encodeFoldersOf(names []string, m map[string]folderListing) []byte {
	size := len(foldersMagic) + binary.MaxVarintLen64
	for _, rel := range names {
		size += len(rel) + 4*binary.MaxVarintLen64
		for _, e := range m[rel].entries {
			size += binary.MaxVarintLen16 + len(e.name) + 1
		}
	}
	b := make([]byte, 0, size)
	b = append(b, foldersMagic...)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, rel := range names {
		l := m[rel]
		b = binary.AppendUvarint(b, uint64(len(rel)))
		b = append(b, rel...)
		b = binary.AppendVarint(b, l.mtime)
		b = binary.AppendVarint(b, l.ctime)
		b = binary.AppendUvarint(b, l.ino)
		b = binary.AppendUvarint(b, uint64(len(l.entries)))
		for _, e := range l.entries {
			b = binary.AppendUvarint(b, uint64(len(e.name)))
			b = append(b, e.name...)
			b = append(b, byte(e.kind))
		}
	}
	return b
}

var errFolders = errors.New("output: damaged table of folders")

// decodeFolders reads an encoded folder table. Anything that is not one,
// whole, is an error and no table; so is a folder's name that is not a
// clean slash path inside the work folder, or a name in it that is not
// one name (a scan opens folders by these names).
func decodeFolders(data []byte) (map[string]folderListing, error) {
	d := buildcache.NewSharingDecoder(data)
	d.Magic(foldersMagic)
	// Each folder takes at least 6 bytes, each name 2.
	count := d.Count(6)
	m := make(map[string]folderListing, count)
	for range count {
		rel := d.String()
		var l folderListing
		l.mtime, l.ctime, l.ino = d.Int(), d.Int(), d.Uint()
		n := d.Count(2)
		if checkName(rel) != nil {
			return nil, errFolders
		}
		l.entries = make([]dirEntry, n)
		for i := range l.entries {
			name := d.String()
			kind := d.Byte()
			if !oneName(name) || kind > byte(folderEntry) {
				return nil, errFolders
			}
			l.entries[i] = dirEntry{name, entryKind(kind)}
		}
		m[rel] = l
	}
	if d.Err() != nil {
		return nil, errFolders
	}
	return m, nil
}

// oneName reports whether s is the name of one entry of a folder.
func oneName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\x00") && path.Clean(s) == s
}

// folderCache is what walkWork asks for the names of a folder in a
// state, and tells the state and names of each folder it reads (Dir).
type folderCache interface {
	listing(rel string, st folderState) ([]dirEntry, bool)
	seen(rel string, st folderState, entries []dirEntry)
}
