package engine

import (
	"bytes"
	"maps"
	"slices"

	"github.com/opsplaybook/playbook/generator/render"
)

// file is a file of a snapshot: its bytes, or, for a site-wide file made
// of many parts (render.Joined), those parts, joined when first read.
type file struct {
	data   []byte
	joined *render.Joined
}

// bytes returns the file's bytes.
func (f file) bytes() []byte {
	if f.joined != nil {
		return f.joined.Bytes()
	}
	return f.data
}

// same reports whether f and g have the same bytes, without joining two
// joined files.
func (f file) same(g file) bool {
	if f.joined != nil && g.joined != nil {
		return f.joined.Same(g.joined)
	}
	return bytes.Equal(f.bytes(), g.bytes())
}

// files are a snapshot's files: the files an update wrote or removed,
// over those of the snapshot before it, so that an update that changes
// a few files of a large site does not copy the others. Layers are
// flattened into one map when they grow deep or large, which keeps a
// lookup within a few map reads and each update's cost near the number
// of files it changed. A files value never changes once its snapshot is
// made.
type files struct {
	own   map[string]file
	gone  map[string]bool // removed from what base has
	base  *files
	depth int
	n     int // own files and base's, less the gone ones
}

// maxDepth is the most layers a snapshot's files have.
const maxDepth = 16

// newFiles returns files written over base (nil for none), flattened
// when the layers grow deep or the new layer is large.
func newFiles(base *files, own map[string]file, gone map[string]bool) *files {
	f := &files{own: own, gone: gone, base: base}
	if base != nil {
		f.depth = base.depth + 1
		f.n = base.n
		for name := range own {
			if _, ok := base.get(name); !ok {
				f.n++
			}
		}
		for name := range gone {
			if _, ok := base.get(name); ok {
				f.n--
			}
		}
	} else {
		f.n = len(own)
	}
	if base != nil && (f.depth >= maxDepth || len(own) > base.n/maxDepth) {
		flat := f.flat()
		return &files{own: flat, n: len(flat)}
	}
	return f
}

// get returns a file.
func (f *files) get(name string) (file, bool) {
	for l := f; l != nil; l = l.base {
		if b, ok := l.own[name]; ok {
			return b, true
		}
		if l.gone[name] {
			return file{}, false
		}
	}
	return file{}, false
}

// flat returns every file in one new map.
func (f *files) flat() map[string]file {
	if f.base == nil {
		return maps.Clone(f.own)
	}
	m := f.base.flat()
	for name := range f.gone {
		delete(m, name)
	}
	maps.Copy(m, f.own)
	return m
}

// names returns the file names, sorted.
func (f *files) names() []string {
	if f.base == nil {
		return slices.Sorted(maps.Keys(f.own))
	}
	return slices.Sorted(maps.Keys(f.flat()))
}
