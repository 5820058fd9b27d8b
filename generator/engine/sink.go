package engine

import (
	"bytes"
	"slices"
	"sync"

	"github.com/opsplaybook/playbook/generator/output"
)

// sink is where one update writes: a copy of the last snapshot's files
// that the update changes (the live preview), or Options.Out (a build).
type sink struct {
	mu      sync.Mutex
	out     output.Writer
	base    *files            // the last snapshot's files, in memory
	files   map[string][]byte // written, in memory
	written map[string]bool
	removed map[string]bool
}

func (e *Engine) writer() *sink {
	s := &sink{out: e.opt.Out, written: map[string]bool{}, removed: map[string]bool{}}
	if s.out == nil {
		s.files = map[string][]byte{}
		if e.snap != nil && e.snap.files != nil && !e.full {
			s.base = e.snap.files
		}
	}
	return s
}

// result returns the files of the snapshot the update makes, or nil for
// a sink that keeps none.
func (s *sink) result() *files {
	if s.out != nil {
		return nil
	}
	return newFiles(s.base, s.files, s.removed)
}

// WriteFile implements output.Writer.
func (s *sink) WriteFile(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written[name] = true
	delete(s.removed, name)
	if s.out != nil {
		return s.out.WriteFile(name, data)
	}
	s.files[name] = data
	return nil
}

// CaseInsensitive tells whether the destination folds case (see
// render's redirects).
func (s *sink) CaseInsensitive() bool {
	ci, ok := s.out.(interface{ CaseInsensitive() bool })
	return ok && ci.CaseInsensitive()
}

func (s *sink) remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		delete(s.files, name)
	}
	delete(s.written, name)
	s.removed[name] = true
}

// changes returns the files written with other bytes than prev had, and
// those removed, each sorted.
func (s *sink) changes(prev *Snapshot) (changed, removed []string) {
	for name := range s.written {
		if prev != nil && prev.files != nil && s.out == nil {
			if old, ok := prev.files.get(name); ok && bytes.Equal(old, s.files[name]) {
				continue
			}
		}
		changed = append(changed, name)
	}
	for name := range s.removed {
		if prev != nil && prev.files != nil {
			if _, ok := prev.files.get(name); !ok {
				continue
			}
		}
		removed = append(removed, name)
	}
	slices.Sort(changed)
	slices.Sort(removed)
	return changed, removed
}

// recorder passes files on and notes their names.
type recorder struct {
	w     *sink
	mu    sync.Mutex
	names map[string]bool
}

func (r *recorder) WriteFile(name string, data []byte) error {
	r.mu.Lock()
	r.names[name] = true
	r.mu.Unlock()
	return r.w.WriteFile(name, data)
}

func (r *recorder) CaseInsensitive() bool { return r.w.CaseInsensitive() }
