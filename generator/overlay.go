package generator

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
)

// Overlay returns a file system in which the files of upper hide those of
// lower with the same name, file by file; folders are merged. upper may be
// nil. It is how a site's own layouts/ and assets/ override the embedded
// theme.
func Overlay(upper, lower fs.FS) fs.FS {
	if upper == nil {
		return lower
	}
	return overlay{upper, lower}
}

type overlay struct{ upper, lower fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if st, err := fs.Stat(o.upper, name); err == nil && !st.IsDir() {
		return o.upper.Open(name)
	}
	return o.lower.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	up, errU := fs.ReadDir(o.upper, name)
	low, errL := fs.ReadDir(o.lower, name)
	if errU != nil && errL != nil {
		if errors.Is(errU, fs.ErrNotExist) {
			return nil, errL
		}
		return nil, errU
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range up {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range low {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}
