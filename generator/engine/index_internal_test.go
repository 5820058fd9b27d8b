package engine

import (
	"bytes"
	"maps"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/site"
)

func sampleIndex() contentIndex {
	return contentIndex{
		"runbooks/a.md": {
			state: load.State{Size: 120, Mtime: 1_700_000_000_123_456_789, Ctime: 1_700_000_000_223_456_789, Ino: 42, Dev: 2049},
			known: parse.Known{Sum: 1<<63 + 5, FrontMatter: []byte("title: A\nowner: payments\n"), Format: frontmatter.YAML, BodyLine: 5, BodyKey: [32]byte{1, 2, 3}},
		},
		"guides/b.md": {
			state: load.State{Size: 1, Mtime: -1, Ctime: 0, Ino: 1},
			known: parse.Known{Sum: 0, FrontMatter: []byte{}, Format: frontmatter.JSON, BodyLine: 1},
		},
	}
}

// The index reads back as written; a damaged or cut one does not read.
func TestTheContentIndexReadsBackAsWritten(t *testing.T) {
	ix := sampleIndex()
	enc := encodeIndex(ix)
	got, err := decodeIndex(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(ix, got, sameEntry) {
		t.Fatalf("read back %+v, want %+v", got, ix)
	}
	for n := range len(enc) {
		if _, err := decodeIndex(enc[:n]); err == nil {
			t.Fatalf("the index cut to %d of %d bytes was read", n, len(enc))
		}
	}
	if _, err := decodeIndex(append(bytes.Clone(enc), 0)); err == nil {
		t.Error("an index with a byte too many was read")
	}
	// a.md's format: before the body line, the body key and the front
	// matter's length.
	bad := bytes.Clone(enc)
	at := bytes.Index(bad, []byte("title")) - 1 - 32 - 1 - 1
	if bad[at] != byte(frontmatter.YAML) {
		t.Fatalf("byte %d is %d, not a.md's format", at, bad[at])
	}
	bad[at] = 7 // a front matter format there is not
	if _, err := decodeIndex(bad); err == nil {
		t.Error("an index with an unknown front matter format was read")
	}
}

func FuzzDecodeContentIndex(f *testing.F) {
	f.Add(encodeIndex(sampleIndex()))
	f.Add([]byte("PBCI\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := decodeIndex(data)
		if err != nil {
			return
		}
		again, err := decodeIndex(encodeIndex(ix))
		if err != nil || !maps.EqualFunc(ix, again, sameEntry) {
			t.Fatalf("an index read once does not read again: %v", err)
		}
	})
}

// A page made from the index reads its file when its body is needed, and
// fails the build when the file's bytes are no longer those the index
// told of: it changed while the site was built.
func TestAPageMadeFromTheIndexRereadsItsFileOrFails(t *testing.T) {
	was := []byte("---\ntitle: A\n---\nold body\n")
	now := []byte("---\ntitle: A\n---\nnew body\n")
	h := &held{content: fstest.MapFS{"a.md": {Data: now}}}
	p := &site.Parsed{Path: "a.md", File: "content/a.md", Unread: true, Sum: parse.SumOf("content/a.md", was)}
	err := h.reread(p)
	if err == nil || !strings.Contains(err.Error(), "content/a.md changed while the site was built") {
		t.Fatalf("reread of a changed file: %v, want that it changed", err)
	}
	if p.Raw != nil {
		t.Fatal("the changed file's bytes were kept")
	}
	p.Sum = parse.SumOf("content/a.md", now)
	if err := h.reread(p); err != nil {
		t.Fatal(err)
	}
	if string(p.Raw) != string(now) || string(parse.Body(p)) != "new body\n" {
		t.Fatalf("reread: raw %q, body %q", p.Raw, parse.Body(p))
	}
}
