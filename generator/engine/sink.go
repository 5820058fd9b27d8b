package engine

import (
	"slices"
	"sync"

	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/render"
)

// sink is where one update writes: a copy of the last snapshot's files
// that the update changes (the live preview), or Options.Out (a build).
type sink struct {
	mu      sync.Mutex
	out     output.Writer
	base    *files          // the last snapshot's files, in memory
	files   map[string]file // written, in memory
	written map[string]bool
	removed map[string]bool
}

func (e *Engine) writer() *sink {
	s := &sink{out: e.opt.Out, written: map[string]bool{}, removed: map[string]bool{}}
	if s.out == nil {
		s.files = map[string]file{}
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
	s.files[name] = file{data: data}
	return nil
}

// writeJoined writes a site-wide file made of parts under key (see
// writeKeyed): kept as its parts in memory, joined for a build.
func (s *sink) writeJoined(name, group string, key uint64, j *render.Joined) error {
	if s.out != nil {
		return s.writeKeyed(name, group, key, j.Bytes())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written[name] = true
	delete(s.removed, name)
	s.files[name] = file{joined: j}
	return nil
}

// writeKeyed writes a file made under key (see output.Keyed); group names
// its site-wide part, "" for a page.
func (s *sink) writeKeyed(name, group string, key uint64, data []byte) error {
	k, ok := s.out.(output.Keyed)
	if !ok {
		return s.WriteFile(name, data)
	}
	s.mu.Lock()
	s.written[name] = true
	delete(s.removed, name)
	s.mu.Unlock()
	return k.WriteKeyed(name, group, key, data)
}

// keep reports whether the destination already has page file name as
// key makes it, and keeps it (output.Keyed).
func (s *sink) keep(name string, key uint64) bool {
	k, ok := s.out.(output.Keyed)
	return ok && k.Keep(name, key)
}

// KeepFile implements search.Keeper: it keeps a file named by a hash of
// its bytes when the destination already has it (output.Dir.KeepFile).
func (s *sink) KeepFile(name string) bool {
	k, ok := s.out.(interface{ KeepFile(string) bool })
	return ok && k.KeepFile(name)
}

// keepGroup does what keep does for the files of a site-wide part.
func (s *sink) keepGroup(group string, key uint64) ([]string, bool) {
	k, ok := s.out.(output.Keyed)
	if !ok {
		return nil, false
	}
	return k.KeepGroup(group, key)
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
			if old, ok := prev.files.get(name); ok && old.same(s.files[name]) {
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

// recorder passes the files of a site-wide part on, under the part's
// name and key, and notes their names.
type recorder struct {
	w     *sink
	mu    sync.Mutex
	names map[string]bool
	group string
	key   uint64
}

func (r *recorder) WriteFile(name string, data []byte) error {
	r.mu.Lock()
	r.names[name] = true
	r.mu.Unlock()
	return r.w.writeKeyed(name, r.group, r.key, data)
}

// WriteJoined implements render.JoinedWriter.
func (r *recorder) WriteJoined(name string, j *render.Joined) error {
	r.mu.Lock()
	r.names[name] = true
	r.mu.Unlock()
	return r.w.writeJoined(name, r.group, r.key, j)
}

func (r *recorder) CaseInsensitive() bool { return r.w.CaseInsensitive() }
