package render

import (
	"strings"
	"sync"
)

// spliced makes a file that is a run of many parts, most of them the
// same from one update to the next (llms.txt's lines, pages.json's
// entries). It keeps the file it made last and where each part was in
// it; the next file takes each run of parts that are as they were from
// the last file in one copy. A part kept in a cache is the same string,
// at the same address, from one update to the next, and Go compares two
// such strings without reading their bytes: an update reads only the
// parts that changed, not every page's entry, scattered in memory. The
// zero value is ready to use; a file's bytes are not written to once
// made, so a caller may keep them.
type spliced struct {
	mu    sync.Mutex
	last  []byte
	parts []string
	offs  []int // where each of parts starts in last, then len(last)
}

// make returns the parts joined, size the length to reserve.
func (s *spliced) make(parts []string, size int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]byte, 0, size)
	offs := make([]int, len(parts)+1)
	for i := 0; i < len(parts); {
		j := i
		for j < len(parts) && j < len(s.parts) && parts[j] == s.parts[j] {
			j++
		}
		if j > i {
			// Parts i to j are as they were: one copy.
			at := len(out)
			out = append(out, s.last[s.offs[i]:s.offs[j]]...)
			for k := i; k < j; k++ {
				offs[k] = at + s.offs[k] - s.offs[i]
			}
			i = j
			continue
		}
		offs[i] = len(out)
		out = append(out, parts[i]...)
		i++
	}
	offs[len(parts)] = len(out)
	s.last, s.parts, s.offs = out, parts, offs
	return out
}

// A Joined is a file that is its parts joined in order: pages.json,
// llms.txt and catalog.json, each a run of one part per page. A writer
// that keeps its files in memory (the live preview) takes the file as
// it is (JoinedWriter) and joins it only when it is first read, if ever:
// an edit of one page then makes a list of the parts, not a copy of
// megabytes that nobody may read. A Joined and its parts do not change
// once made; it is safe for concurrent use.
type Joined struct {
	parts []string
	size  int
	from  *spliced // joins it, from the runs of parts its last file had
	once  sync.Once
	data  []byte
}

// newJoined returns the file of parts, joined by from when read.
func newJoined(parts []string, from *spliced) *Joined {
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	return &Joined{parts: parts, size: size, from: from}
}

// Bytes returns the file, joined the first time it is asked for. The
// bytes are not to be written to.
func (j *Joined) Bytes() []byte {
	j.once.Do(func() {
		if j.from == nil {
			j.data = []byte(strings.Join(j.parts, ""))
		} else {
			j.data = j.from.make(j.parts, j.size)
		}
	})
	return j.data
}

// Len is the file's length in bytes.
func (j *Joined) Len() int { return j.size }

// Same reports whether j and k join to the same bytes. It reads only
// where they differ: parts at the same place that are the same string,
// kept from one update to the next, compare without reading their bytes.
func (j *Joined) Same(k *Joined) bool {
	if j == k {
		return true
	}
	if j.size != k.size {
		return false
	}
	a, b := j.parts, k.parts
	i, m := 0, 0 // a part of a, and how much of it is compared
	n, o := 0, 0 // the same in b
	for {
		for i < len(a) && m == len(a[i]) {
			i, m = i+1, 0
		}
		for n < len(b) && o == len(b[n]) {
			n, o = n+1, 0
		}
		if i == len(a) || n == len(b) {
			return i == len(a) && n == len(b)
		}
		x, y := a[i][m:], b[n][o:]
		l := min(len(x), len(y))
		if x[:l] != y[:l] {
			return false
		}
		m, o = m+l, o+l
	}
}

// A JoinedWriter is a Writer that takes a Joined file without joining it.
type JoinedWriter interface {
	Writer
	WriteJoined(name string, j *Joined) error
}

// WriteJoined writes file name, j, to w: as it is when w is a
// JoinedWriter, joined otherwise.
func WriteJoined(w Writer, name string, j *Joined) error {
	if jw, ok := w.(JoinedWriter); ok {
		return jw.WriteJoined(name, j)
	}
	return w.WriteFile(name, j.Bytes())
}
