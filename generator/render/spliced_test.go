package render

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A spliced file is always its parts joined, whatever changed since the
// last one (parts changed in place, added, removed, the same bytes at
// another address), and a file handed out earlier keeps its bytes.
func TestSplicedIsItsPartsJoined(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s spliced
	parts := []string{"[", "\n  ", "a", ",\n  ", "b", "\n]\n"}
	type kept struct {
		file []byte
		want string
	}
	var files []kept
	for step := range 500 {
		parts = slices.Clone(parts)
		switch rng.IntN(6) {
		case 0: // a part changes
			if len(parts) > 0 {
				parts[rng.IntN(len(parts))] = fmt.Sprintf("changed %d", step)
			}
		case 1: // a part is added
			i := rng.IntN(len(parts) + 1)
			parts = slices.Insert(parts, i, fmt.Sprintf("added %d", step))
		case 2: // a part is removed
			if len(parts) > 0 {
				i := rng.IntN(len(parts))
				parts = slices.Delete(parts, i, i+1)
			}
		case 3: // the same bytes, made again (another address)
			if len(parts) > 0 {
				i := rng.IntN(len(parts))
				parts[i] = strings.Clone(parts[i])
			}
		case 4: // same length, other bytes
			if len(parts) > 0 {
				i := rng.IntN(len(parts))
				parts[i] = strings.Repeat("x", len(parts[i]))
			}
		case 5: // nothing changes
		}
		got := s.make(parts, 0)
		want := strings.Join(parts, "")
		if string(got) != want {
			t.Fatalf("step %d: got %q, want %q", step, got, want)
		}
		files = append(files, kept{got, want})
	}
	for i, f := range files {
		if string(f.file) != f.want {
			t.Fatalf("file %d changed after it was handed out: %q, want %q", i, f.file, f.want)
		}
	}
}
