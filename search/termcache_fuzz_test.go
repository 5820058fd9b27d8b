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
func sameRaw(raw rawTerms, m map[string]int) bool {
	n := 0
	for term, bits := range raw.all() {
		if b, ok := m[string(term)]; !ok || b != int(bits) {
			return false
		}
		n++
	}
	return n == raw.n && n == len(m)
}

// FuzzDecodePage checks that no cached analysis of a whole page
// (encodePage), however damaged, makes splitPage panic, and that what it
// accepts is an entry that looks like a JSON object and terms that
// survive encoding again.
func FuzzDecodePage(f *testing.F) {
	an := newAnalyzers()
	d := Doc{URL: "/alerts/kubepodcrashlooping/", Title: "KubePodCrashLooping", Alerts: []string{"KubePodCrashLooping"}, Body: "Pods restart; kubectl describe pod"}
	terms, exact := an.fieldTerms(d)
	f.Add(encodePage([]byte(`{"url":"/alerts/kubepodcrashlooping/"}`), terms, exact))
	f.Add(encodePage([]byte(`{}`), nil, nil))
	f.Add([]byte{0x02, '{', '}', 0x01, 0x01, 'a', 0x01, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		stored, rt, rx, err := splitPage(data)
		if err != nil {
			return
		}
		if len(stored) < 2 || stored[0] != '{' || stored[len(stored)-1] != '}' {
			t.Fatalf("accepted %q with an entry %q that is no JSON object", data, stored)
		}
		terms, exact := map[string]int{}, map[string]int{}
		for term, bits := range rt.all() {
			terms[string(term)] = int(bits)
		}
		for term, bits := range rx.all() {
			exact[string(term)] = int(bits)
		}
		s2, t2, x2, err := splitPage(encodePage(stored, terms, exact))
		if err != nil || string(s2) != string(stored) || !sameRaw(t2, terms) || !sameRaw(x2, exact) {
			t.Fatalf("accepted %q, which does not survive encoding again: %v", data, err)
		}
	})
}

// A cached term's bits become the int32 of a posting: bits that do not
// fit one are damage, in a page's terms and in a whole page alike; before,
// 1<<31 was read and turned negative in the export.
func TestCachedTermBitsFitAPosting(t *testing.T) {
	for _, tc := range []struct {
		bits int
		ok   bool
	}{
		{31<<partShift | 31, true},
		{1<<31 - 1, true},
		{1 << 31, false},
		{1 << 32, false},
	} {
		for _, m := range []struct{ terms, exact map[string]int }{
			{map[string]int{"disk": tc.bits}, nil},
			{nil, map[string]int{"diskfull": tc.bits}},
		} {
			data := encodeTerms(m.terms, m.exact)
			if _, _, err := decodeTerms(data); (err == nil) != tc.ok {
				t.Errorf("decodeTerms of bits %d: error %v, want one: %v", tc.bits, err, !tc.ok)
			}
			if _, _, _, err := splitPage(encodePage([]byte(`{}`), m.terms, m.exact)); (err == nil) != tc.ok {
				t.Errorf("splitPage of bits %d: error %v, want one: %v", tc.bits, err, !tc.ok)
			}
		}
	}
}
