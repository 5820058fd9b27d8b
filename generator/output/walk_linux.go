//go:build linux

package output

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// walkWork calls visit for everything under root (not root itself): its
// slash name relative to root, and whether it is a folder, a regular
// file or something else (a symbolic link is not followed). When stat
// says so for a regular file, visit also gets its state (nil when it
// could not be read: gone meanwhile), read with fstatat(2) relative to
// its folder, which costs less than an lstat of its whole path. It reads
// each folder with getdents(2), relative to its parent's descriptor, and
// asks the type only of an entry whose folder does not give it: at
// 13,000 folders, about half the time of filepath.WalkDir, which sorts
// every folder and opens each by its whole path.
//
// When stat says so, and folders is not nil, walkWork also reads each
// folder's state (fstat of the folder open), takes its names from
// folders.listing when that has them for the state, rather than read
// them, and gives folders.seen the state and names of each folder.
func walkWork(root string, stat func() bool, folders folderCache, visit func(rel string, kind entryKind, st *fileState) error) error {
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: root, Err: err}
	}
	w := &walker{root: root, stat: stat, folders: folders, visit: visit, buf: make([]byte, 64<<10)}
	return w.dir(fd, "", "")
}

type walker struct {
	root    string
	stat    func() bool
	folders folderCache
	visit   func(rel string, kind entryKind, st *fileState) error
	buf     []byte
}

// dir reads the folder rel. When sub is "", base is open on the folder,
// and dir closes it; otherwise the folder is sub, a relative path from
// the folder open as base, which dir does not close. A folder whose
// names folders.listing has for its state, read with fstatat(2) from
// base, is not opened: its files' states are read from base too (one
// system call for such a folder, not an open, an fstat and a close).
func (w *walker) dir(base int, sub, rel string) error {
	type entry = dirEntry
	var entries []entry
	var fst folderState
	haveState, listed := false, false
	fd := -1
	if sub == "" {
		fd = base
		defer unix.Close(fd)
	}
	if w.folders != nil && w.stat() {
		var st unix.Stat_t
		var err error
		if fd >= 0 {
			err = unix.Fstat(fd, &st)
		} else {
			err = unix.Fstatat(base, sub, &st, unix.AT_SYMLINK_NOFOLLOW)
		}
		if err == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			fst = folderState{mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), ino: st.Ino}
			haveState = true
			entries, listed = w.folders.listing(rel, fst)
		}
	}
	if !listed && fd < 0 {
		var err error
		fd, err = unix.Openat(base, sub, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return &os.PathError{Op: "open", Path: filepath.Join(w.root, rel), Err: err}
		}
		defer unix.Close(fd)
		if haveState {
			// The state of the folder open, as it was read.
			var st unix.Stat_t
			if err := unix.Fstat(fd, &st); err == nil {
				fst = folderState{mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), ino: st.Ino}
			} else {
				haveState = false
			}
		}
	}
	// at and prefix name an entry e of the folder: prefix+e.name from at.
	at, prefix := fd, ""
	if fd < 0 {
		at, prefix = base, sub+"/"
	}
	for !listed {
		n, err := unix.Getdents(fd, w.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "getdents", Path: filepath.Join(w.root, rel), Err: err}
		}
		if n <= 0 {
			break
		}
		for b := w.buf[:n]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				break
			}
			typ, name := b[18], b[19:reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if string(name) == "." || string(name) == ".." {
				continue
			}
			e := entry{name: string(name)}
			switch typ {
			case unix.DT_DIR:
				e.kind = folderEntry
			case unix.DT_REG:
				e.kind = fileEntry
			case unix.DT_UNKNOWN:
				var st unix.Stat_t
				if err := unix.Fstatat(fd, e.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					return &os.PathError{Op: "fstatat", Path: filepath.Join(w.root, rel, e.name), Err: err}
				}
				switch st.Mode & unix.S_IFMT {
				case unix.S_IFDIR:
					e.kind = folderEntry
				case unix.S_IFREG:
					e.kind = fileEntry
				default:
					e.kind = otherEntry
				}
			default:
				e.kind = otherEntry
			}
			entries = append(entries, e)
		}
	}
	if haveState {
		w.folders.seen(rel, fst, entries)
	}
	for _, e := range entries {
		name := e.name
		if rel != "" {
			name = rel + "/" + e.name
		}
		var fst *fileState
		if e.kind == fileEntry && w.stat() {
			var st unix.Stat_t
			if err := unix.Fstatat(at, prefix+e.name, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil {
				// What the state says wins over the folder's
				// entry (or the table's): a file replaced since by
				// a link is removed, never written through.
				switch st.Mode & unix.S_IFMT {
				case unix.S_IFREG:
					fst = &fileState{size: st.Size, mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), ino: st.Ino}
				case unix.S_IFDIR:
					e.kind = folderEntry
				default:
					e.kind = otherEntry
				}
			}
		}
		if err := w.visit(name, e.kind, fst); err != nil {
			return err
		}
		if e.kind != folderEntry {
			continue
		}
		if err := w.dir(at, prefix+e.name, name); err != nil {
			return err
		}
	}
	return nil
}
