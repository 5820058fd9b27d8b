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
// page of a build through ReadFile: 10,000 pages are 10,000 reads.
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
