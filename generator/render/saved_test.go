package render

import (
	"maps"
	"testing"

	"github.com/opsplaybook/playbook/generator/site"
)

func savedSample() map[string]savedEntry {
	return map[string]savedEntry{
		"runbooks/db/disk-full.md": {cat: true, page: true,
			catEntry: catEntry{kind: site.Runbook, term: 1<<63 + 5, elem: `{"title": "Disk full"}`, line: "- [Disk full](/runbooks/db/disk-full/)\n"},
			pageTerm: 42, pageJSON: `{"title": "Disk full"}`},
		"guides/intro.md": {cat: true, page: true,
			catEntry: catEntry{kind: site.Guide, term: 7, line: "- [Intro](/guides/intro/)\n"},
			pageTerm: 8, pageJSON: `{}`},
		"teams/db.md": {page: true, pageTerm: 9, pageJSON: `{"title": "DB"}`},
	}
}

func sameSaved(a, b map[string]savedEntry) bool {
	return maps.EqualFunc(a, b, func(x, y savedEntry) bool {
		return x.cat == y.cat && x.page == y.page && x.kind == y.kind && x.term == y.term &&
			x.elem == y.elem && x.line == y.line &&
			x.pageTerm == y.pageTerm && x.pageJSON == y.pageJSON
	})
}

// Saved entries read back as they were written; a copy cut short, with
// bytes after it, or with a flag that means nothing, is no copy at all
// (the build makes the entries again).
func TestSavedEntriesReadBackOrNotAtAll(t *testing.T) {
	want := savedSample()
	data := encodeSaved(want)
	got, err := decodeSaved(data)
	if err != nil {
		t.Fatal(err)
	}
	if !sameSaved(got, want) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
	for n := range len(data) {
		if _, err := decodeSaved(data[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes read as entries", n, len(data))
		}
	}
	if _, err := decodeSaved(append(data[:len(data):len(data)], 0)); err == nil {
		t.Fatal("entries followed by a byte read as entries")
	}
	bad := []byte(string(data))
	// The first page's flags byte: after magic, count and its path.
	at := len(savedMagic) + 1 + 1 + len("guides/intro.md")
	bad[at] = 4
	if _, err := decodeSaved(bad); err == nil {
		t.Fatal("an unknown flag read as entries")
	}
}

// An element whose length runs past the bytes left is damage: before, it
// was dropped and its bytes read as the fields after it, so these bytes
// read as a page with no element and an empty line.
func TestSavedEntriesWithAnElementPastTheirEndAreNoCopy(t *testing.T) {
	// One page, "a", with a catEntry (flags 1) of term 0 and kind "",
	// whose element says 2 bytes and has 1.
	data := []byte(savedMagic + "\x01" + "\x01a" + "\x01" + "\x00" + "\x00" + "\x02" + "\x00")
	if m, err := decodeSaved(data); err == nil {
		t.Fatalf("read as entries %+v", m)
	}
}

func FuzzDecodeSaved(f *testing.F) {
	f.Add(encodeSaved(savedSample()))
	f.Add([]byte(savedMagic))
	f.Add([]byte(savedMagic + "\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeSaved(data)
		if err != nil {
			return
		}
		// What reads back is what encodes again.
		again, err := decodeSaved(encodeSaved(m))
		if err != nil || !sameSaved(again, m) {
			t.Fatalf("entries %+v did not read back after encoding: %v", m, err)
		}
	})
}
