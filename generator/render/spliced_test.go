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

// Two joined files are the Same exactly when their bytes are, whatever
// their parts: the same strings, copies at other addresses, the same
// bytes cut at other places, empty parts, and files that differ in one
// byte anywhere or in length.
func TestJoinedSameIsBytesEqual(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"", "a", "ab", "[", ",\n  ", `{"title": "x"}`, "\n]\n", "é", "abc"}
	randParts := func() []string {
		parts := make([]string, rng.IntN(12))
		for i := range parts {
			parts[i] = words[rng.IntN(len(words))]
		}
		return parts
	}
	// recut returns the bytes of parts cut at other places.
	recut := func(parts []string) []string {
		s := strings.Join(parts, "")
		var out []string
		for len(s) > 0 {
			n := 1 + rng.IntN(len(s))
			out = append(out, s[:n])
			s = s[n:]
			if rng.IntN(4) == 0 {
				out = append(out, "")
			}
		}
		return out
	}
	var sp spliced
	for step := range 5000 {
		a := randParts()
		var b []string
		switch rng.IntN(4) {
		case 0:
			b = randParts()
		case 1:
			b = slices.Clone(a)
		case 2:
			b = recut(a)
		case 3: // one byte changed, added or dropped
			s := []byte(strings.Join(a, ""))
			switch {
			case len(s) > 0 && rng.IntN(3) == 0:
				s[rng.IntN(len(s))] ^= 1
			case len(s) > 0 && rng.IntN(2) == 0:
				i := rng.IntN(len(s))
				s = append(s[:i], s[i+1:]...)
			default:
				s = append(s, 'x')
			}
			b = recut([]string{string(s)})
		}
		ja, jb := newJoined(a, &sp), newJoined(b, nil)
		want := strings.Join(a, "") == strings.Join(b, "")
		if got := ja.Same(jb); got != want {
			t.Fatalf("step %d: Same(%q, %q) = %v, want %v", step, a, b, got, want)
		}
		if got := jb.Same(ja); got != want {
			t.Fatalf("step %d: Same(%q, %q) = %v, want %v", step, b, a, got, want)
		}
		if string(ja.Bytes()) != strings.Join(a, "") || string(jb.Bytes()) != strings.Join(b, "") || ja.Len() != len(ja.Bytes()) {
			t.Fatalf("step %d: Bytes are not the parts joined", step)
		}
	}
}

// A writer that takes joined files gets them as they are; any other
// writer gets their bytes.
func TestWriteJoinedJoinsForAPlainWriter(t *testing.T) {
	j := newJoined([]string{"[", "1", "]"}, nil)
	plain := &memWriter{}
	if err := WriteJoined(plain, "f.json", j); err != nil || string(plain.files["f.json"]) != "[1]" {
		t.Fatalf("a plain writer got %q, %v", plain.files["f.json"], err)
	}
	jw := &joinedWriter{}
	if err := WriteJoined(jw, "f.json", j); err != nil || jw.joined["f.json"] != j {
		t.Fatalf("a JoinedWriter did not get the file as it is: %v", err)
	}
}

type memWriter struct{ files map[string][]byte }

func (m *memWriter) WriteFile(name string, data []byte) error {
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[name] = data
	return nil
}

type joinedWriter struct {
	memWriter
	joined map[string]*Joined
}

func (w *joinedWriter) WriteJoined(name string, j *Joined) error {
	if w.joined == nil {
		w.joined = map[string]*Joined{}
	}
	w.joined[name] = j
	return nil
}
