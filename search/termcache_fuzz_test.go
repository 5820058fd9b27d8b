package search

import (
	"maps"
	"testing"
)

// FuzzDecodeTerms checks that no cached analysis, however damaged, makes
// decodeTerms panic, and that what it accepts survives encoding again.
func FuzzDecodeTerms(f *testing.F) {
	an := newAnalyzers()
	terms, exact := an.fieldTerms(Doc{Title: "KubePodCrashLooping", Alerts: []string{"KubePodCrashLooping"}, Body: "Pods restart; kubectl describe pod"})
	f.Add(encodeTerms(terms, exact))
	f.Add(encodeTerms(nil, nil))
	f.Add([]byte{0x02, 0x01, 'a', 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		terms, exact, err := decodeTerms(data)
		rt, rx, rerr := splitTerms(data)
		if rerr == nil {
			// What splitTerms reads, decodeTerms reads the same.
			if err != nil || !sameRaw(rt, terms) || !sameRaw(rx, exact) {
				t.Fatalf("splitTerms read %q as decodeTerms does not (%v)", data, err)
			}
		}
		if err != nil {
			return
		}
		t2, x2, err := decodeTerms(encodeTerms(terms, exact))
		if err != nil || !maps.Equal(terms, t2) || !maps.Equal(exact, x2) {
			t.Fatalf("accepted %q, which does not survive encoding again: %v", data, err)
		}
	})
}

// sameRaw reports whether the terms read by splitTerms are those of m.
func sameRaw(raw []rawTerm, m map[string]int) bool {
	if len(raw) != len(m) {
		return false
	}
	for _, r := range raw {
		if bits, ok := m[string(r.term)]; !ok || bits != int(r.bits) {
			return false
		}
	}
	return true
}
