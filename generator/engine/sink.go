package engine

import (
	"bytes"
	"maps"
	"slices"
	"sync"

	"github.com/opsplaybook/playbook/generator/output"
)

// sink is where one update writes: a copy of the last snapshot's files
// that the update changes (the live preview), or Options.Out (a build).
type sink struct {
	mu      sync.Mutex
	out     output.Writer
	files   map[string][]byte
	written map[string]bool
	removed map[string]bool
}

func (e *Engine) writer() *sink {
	s := &sink{out: e.opt.Out, written: map[string]bool{}, removed: map[string]bool{}}
	if s.out == nil {
		if e.snap != nil && e.snap.files != nil && !e.full {
			s.files = maps.Clone(e.snap.files)
		} else {
			s.files = map[string][]byte{}
		}
	}
	return s
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
	if s.files != nil {
		delete(s.files, name)
	}
	delete(s.written, name)
	s.removed[name] = true
}

// changes returns the files written with other bytes than prev had, and
// those removed, each sorted.
func (s *sink) changes(prev *Snapshot) (changed, removed []string) {
	for name := range s.written {
		if prev != nil && prev.files != nil && s.files != nil {
			if old, ok := prev.files[name]; ok && bytes.Equal(old, s.files[name]) {
				continue
			}
		}
		changed = append(changed, name)
	}
	for name := range s.removed {
		if prev != nil && prev.files != nil {
			if _, ok := prev.files[name]; !ok {
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
