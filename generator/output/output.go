// Package output is the Write stage: the only part of the pipeline that
// touches the disk. A Writer receives the site's files by URL path; Dir
// writes them into a temporary folder beside the destination and swaps it
// in only when the whole site is written, so a failed build never leaves a
// half-written site; Memory keeps them for tests and the live preview.
package output

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Writer receives a site's files. name is a slash-separated path relative
// to the site root ("runbooks/db/index.html"). WriteFile may be called from
// several goroutines at once.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// checkName refuses names that would leave the output tree.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("output: refusing to write %q outside the site", name)
	}
	return nil
}

// Dir writes a site into a folder atomically.
type Dir struct {
	dest string
	tmp  string
	mu   sync.Mutex
	dirs map[string]bool

	caseInsensitive bool
}

// NewDir starts writing the site that will replace dest. The files go into
// a new temporary folder beside dest (same file system, so the swap is a
// rename); nothing in dest changes until Commit.
func NewDir(dest string) (*Dir, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".new-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	d := &Dir{dest: dest, tmp: tmp, dirs: map[string]bool{}}
	d.caseInsensitive = probeCase(tmp)
	return d, nil
}

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

// WriteFile writes one file into the temporary folder.
func (d *Dir) WriteFile(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	full := filepath.Join(d.tmp, filepath.FromSlash(name))
	dir := filepath.Dir(full)
	d.mu.Lock()
	known := d.dirs[dir]
	d.mu.Unlock()
	if !known {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		d.mu.Lock()
		d.dirs[dir] = true
		d.mu.Unlock()
	}
	return os.WriteFile(full, data, 0o644)
}

// Commit swaps the new site in: the old destination is renamed aside, the
// new one renamed into place, and the old one removed. Should the second
// rename fail, the old site is put back.
func (d *Dir) Commit() error {
	old := ""
	if _, err := os.Lstat(d.dest); err == nil {
		old = d.tmp + ".old"
		if err := os.Rename(d.dest, old); err != nil {
			d.Abort()
			return fmt.Errorf("output: moving the previous site aside: %w", err)
		}
	}
	if err := os.Rename(d.tmp, d.dest); err != nil {
		if old != "" {
			err = errors.Join(err, os.Rename(old, d.dest))
		}
		d.Abort()
		return fmt.Errorf("output: putting the new site in place: %w", err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort throws the unfinished site away; the destination is untouched.
func (d *Dir) Abort() {
	os.RemoveAll(d.tmp)
}

// Memory keeps a site in memory.
type Memory struct {
	mu    sync.RWMutex
	files map[string][]byte
}

// NewMemory returns an empty in-memory site.
func NewMemory() *Memory { return &Memory{files: map[string][]byte{}} }

// WriteFile stores one file.
func (m *Memory) WriteFile(name string, data []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	m.mu.Lock()
	m.files[name] = data
	m.mu.Unlock()
	return nil
}

// File returns a stored file.
func (m *Memory) File(name string) ([]byte, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, ok := m.files[name]
	return b, ok
}

// Names returns the stored file names, sorted.
func (m *Memory) Names() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Sorted(maps.Keys(m.files))
}
