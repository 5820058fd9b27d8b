package render

import "sync"

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
