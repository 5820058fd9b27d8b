package load

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir returns the folder dir as an fs.FS: os.DirFS(dir), with the same
// methods (Open, ReadFile, ReadDir, Stat, Lstat, ReadLink) and the same
// rules for names, except that ReadFile reads a file with fewer system
// calls on Linux (see readFile) and refuses what is not a regular file
// (a named pipe, a device) instead of blocking on it. Load reads every
// page of a build through ReadFile: 10,000 pages are 10,000 reads. On
// Linux, Load also reads each file's State through it, and a file that
// Options.Known knows in its state costs one stat(2) instead.
func Dir(dir string) fs.FS {
	return dirFS{fsys: os.DirFS(dir), dir: dir}
}

// errNotRegular is the error of ReadFile for what is not a regular file.
var errNotRegular = errors.New("not a regular file")

type dirFS struct {
	fsys fs.FS // os.DirFS(dir)
	dir  string
}

func (d dirFS) Open(name string) (fs.File, error) { return d.fsys.Open(name) }

func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.fsys, name) }

func (d dirFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.fsys, name) }

func (d dirFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(d.fsys, name) }

func (d dirFS) ReadLink(name string) (string, error) { return fs.ReadLink(d.fsys, name) }

// ReadFile reads the regular file name, as os.DirFS's ReadFile does.
func (d dirFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	if d.dir == "" {
		// As os.DirFS(""), which reads nothing.
		return fs.ReadFile(d.fsys, name)
	}
	return readFile(filepath.Join(d.dir, filepath.FromSlash(name)))
}

// State is what tells that a file has not changed since it was last
// read, as git's index tells it: its size, modification and status
// change times (nanoseconds since 1970) and inode and device. A write
// changes the modification time; a change that sets the modification
// time back still changes the status change time; a file put in the
// place of another has another inode. The zero State is no state: Load
// reads states only on Linux, through Dir.
type State struct {
	Size, Mtime, Ctime int64
	Ino, Dev           uint64
}

// Valid reports whether s is a file's state rather than none.
func (s State) Valid() bool { return s != State{} }

// stateFS is a folder whose files' states Load can read (Dir).
type stateFS interface {
	// stateOf returns the state of the regular file name (a symbolic
	// link followed); ok is false for anything else.
	stateOf(name string) (State, bool)
	// readState reads the regular file name and returns its state as
	// it was before the read.
	readState(name string) ([]byte, State, error)
}

func (d dirFS) stateOf(name string) (State, bool) {
	if !fs.ValidPath(name) || d.dir == "" {
		return State{}, false
	}
	return statState(filepath.Join(d.dir, filepath.FromSlash(name)))
}

func (d dirFS) readState(name string) ([]byte, State, error) {
	if !fs.ValidPath(name) || d.dir == "" {
		data, err := d.ReadFile(name)
		return data, State{}, err
	}
	return readState(filepath.Join(d.dir, filepath.FromSlash(name)))
}

// Root returns the absolute path of the folder that fsys, made by Dir,
// reads; "" for another fs.FS.
func Root(fsys fs.FS) string {
	d, ok := fsys.(dirFS)
	if !ok || d.dir == "" {
		return ""
	}
	abs, err := filepath.Abs(d.dir)
	if err != nil {
		return ""
	}
	return abs
}
