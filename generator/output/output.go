// Package output is the Write stage: the only part of the pipeline that
// touches the disk. Input: the site's files by URL path, through a Writer,
// as they are rendered. Output: Dir, a folder on disk that readers see
// whole, old site or new, at every moment; Memory, a map for tests and the
// live preview.
//
// Dir keeps the previous build in a hidden folder beside the destination
// (".public.previous" for "public"), brings that folder up to date in place
// (a file is written only when its bytes changed; files the new site no
// longer has are removed), and then exchanges the two folders in one step
// (renameat2 with RENAME_EXCHANGE on Linux). The old site thereby becomes
// the hidden folder that the next build updates, so a rebuild of an
// unchanged site creates no file and deletes none. Where the exchange is
// not available, three renames do the swap and leave a short moment with
// no destination.
package output

import (
	"errors"
	"fmt"
	"maps"
	"path"
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

// Transient is a Writer that is done with data when WriteFile returns
// (and, for a Keyed writer, WriteKeyed): the caller may write into data's
// memory again. Dir is one; Memory, which keeps what it is given, is not.
type Transient interface {
	Writer
	// Transient marks the writer; it does nothing.
	Transient()
}

// checkName refuses names that would leave the output tree.
func checkName(name string) error {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") {
		return fmt.Errorf("output: refusing to write %q outside the site", name)
	}
	return nil
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

// errNoExchange says that two folders cannot be swapped in one step here.
var errNoExchange = errors.New("output: no atomic exchange of folders on this system")
