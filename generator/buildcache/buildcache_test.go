package buildcache

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func open(t *testing.T, dir, version string) *Cache {
	t.Helper()
	c, err := Open(dir, Options{Version: version})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func key(s string) Key {
	h := NewHasher("test/1")
	h.String(s)
	return h.Sum()
}

// entryFiles returns the entry files of a cache folder.
func entryFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestAValueIsReadBackByAnotherProcessOfTheSameVersion(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, "v1.2.3").Put(key("a"), []byte("<pre>a</pre>"))
	c := open(t, dir, "v1.2.3")
	got, ok := c.Get(key("a"))
	if !ok || string(got) != "<pre>a</pre>" {
		t.Fatalf("Get = %q, %v; want the value put", got, ok)
	}
	if _, ok := c.Get(key("b")); ok {
		t.Fatal("Get of a key never put is a hit")
	}
	if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Bad != 0 {
		t.Errorf("stats = %+v, want 1 hit and 1 miss", s)
	}
}

func TestEmptyValueIsAHit(t *testing.T) {
	c := open(t, t.TempDir(), "dev")
	c.Put(key("empty"), nil)
	if got, ok := c.Get(key("empty")); !ok || len(got) != 0 {
		t.Fatalf("Get = %q, %v; want an empty hit", got, ok)
	}
}

func TestAnotherVersionNeverReadsAnEntry(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, "v1").Put(key("a"), []byte("old"))
	if _, ok := open(t, dir, "v2").Get(key("a")); ok {
		t.Fatal("v2 read what v1 wrote")
	}
}

// damage rewrites the only entry file of dir with f.
func damage(t *testing.T, dir string, f func([]byte) []byte) {
	t.Helper()
	files := entryFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("%d entry files, want 1", len(files))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files[0], f(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedEntriesAreMissesAndRemoved(t *testing.T) {
	value := []byte("<pre class=\"chroma\">some highlighted code</pre>")
	for name, f := range map[string]func([]byte) []byte{
		"a value byte flipped":    func(b []byte) []byte { b[len(b)-3] ^= 0x20; return b },
		"a checksum byte flipped": func(b []byte) []byte { b[len(b)-len(value)-1] ^= 1; return b },
		"a key byte flipped":      func(b []byte) []byte { b[len(magic)+2+1+len("dev")] ^= 1; return b },
		"the magic changed":       func(b []byte) []byte { b[0] = 'X'; return b },
		"truncated in the value":  func(b []byte) []byte { return b[:len(b)-5] },
		"truncated in the header": func(b []byte) []byte { return b[:10] },
		"empty":                   func(b []byte) []byte { return nil },
		"a byte appended":         func(b []byte) []byte { return append(b, 'x') },
		"the length grown":        func(b []byte) []byte { b[len(b)-len(value)-33]++; return b },
		"another version's entry under this name": func(b []byte) []byte {
			var k Key
			copy(k[:], b[len(magic)+2+1+len("dev"):])
			return Encode(k, "v9", value)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, "dev")
			c.Put(key("a"), value)
			damage(t, dir, f)
			if got, ok := c.Get(key("a")); ok {
				t.Fatalf("damaged entry read as %q", got)
			}
			if files := entryFiles(t, dir); len(files) != 0 {
				t.Errorf("damaged entry left in place: %v", files)
			}
			if s := c.Stats(); s.Bad != 1 {
				t.Errorf("stats = %+v, want 1 bad entry", s)
			}
			c.Put(key("a"), value)
			if got, ok := c.Get(key("a")); !ok || !bytes.Equal(got, value) {
				t.Errorf("after the damaged entry, Get = %q, %v; want the value put again", got, ok)
			}
		})
	}
}

func TestDecodeNamesWhatIsWrong(t *testing.T) {
	k := key("a")
	entry := Encode(k, "v1", []byte("value"))
	for _, tc := range []struct {
		data    []byte
		key     Key
		version string
		want    error
	}{
		{entry, k, "v1", nil},
		{entry, k, "v2", ErrVersion},
		{entry, key("b"), "v1", ErrKey},
		{entry[:len(entry)-1], k, "v1", ErrTruncated},
		{entry[:20], k, "v1", ErrTruncated},
		{append(append(bytes.Clone(entry[:4]), 0, 2), entry[6:]...), k, "v1", ErrForeign},
	} {
		v, err := Decode(tc.data, tc.key, tc.version)
		if !errors.Is(err, tc.want) {
			t.Errorf("Decode(%d bytes, %s) = %v, want %v", len(tc.data), tc.version, err, tc.want)
		}
		if err == nil && string(v) != "value" {
			t.Errorf("Decode = %q, want value", v)
		}
	}
}

func TestBuildsWritingAtOnceLeaveWholeEntries(t *testing.T) {
	dir := t.TempDir()
	a, b := open(t, dir, "dev"), open(t, dir, "dev")
	value := bytes.Repeat([]byte("0123456789"), 10000)
	var wg sync.WaitGroup
	for i := range 8 {
		c := a
		if i%2 == 1 {
			c = b
		}
		wg.Go(func() {
			for j := range 20 {
				c.Put(key(fmt.Sprint(j)), value)
				if got, ok := c.Get(key(fmt.Sprint(j))); !ok || !bytes.Equal(got, value) {
					t.Errorf("read back %d bytes, %v", len(got), ok)
				}
			}
		})
	}
	wg.Wait()
	if s := a.Stats(); s.Bad != 0 {
		t.Errorf("%d entries read as damaged", s.Bad)
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, "*", ".tmp-*"))
	if len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestOpenRefusesAFolderThatCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(file, "cache"), Options{}); err == nil {
		t.Error("Open of a folder under a file succeeded")
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ro, Options{}); err == nil {
			t.Error("Open of a read-only folder succeeded")
		}
	}
}

func TestAFailedWriteStopsWritingAndIsReported(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	// A file where an entry's folder goes: every write there fails.
	k := key("a")
	p := c.path(c.stored(k))
	if err := os.WriteFile(filepath.Dir(p), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c.Put(k, []byte("x"))
	if c.Err() == nil {
		t.Fatal("no error after a failed write")
	}
	c.Put(key("b"), []byte("y"))
	if s := c.Stats(); s.Written != 0 {
		t.Errorf("wrote %d bytes after a failed write", s.Written)
	}
}

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPruneKeepsTheFolderUnderItsBudgetRemovingTheLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	const budget = 50 << 10
	c, err := Open(dir, Options{Version: "dev", Budget: budget, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	value := bytes.Repeat([]byte("x"), 1000)
	// 100 entries of about 1.1 KB, one a minute apart; entry 0 is used
	// again at the end.
	for i := range 100 {
		c.Put(key(fmt.Sprint(i)), value)
		p := c.path(c.stored(key(fmt.Sprint(i))))
		ts := clk.t.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(p, ts, ts); err != nil {
			t.Fatal(err)
		}
	}
	clk.t = clk.t.Add(3 * time.Hour)
	if _, ok := c.Get(key("0")); !ok {
		t.Fatal("entry 0 missing before pruning")
	}
	res, err := c.Prune()
	if err != nil {
		t.Fatal(err)
	}
	if !res.Walked || res.Removed == 0 {
		t.Fatalf("prune = %+v, want entries removed", res)
	}
	var size int64
	for _, f := range entryFiles(t, dir) {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size += info.Size()
	}
	if size > budget || size != res.Size {
		t.Errorf("entries take %d bytes after pruning (prune says %d), budget %d", size, res.Size, budget)
	}
	if _, ok := c.Get(key("0")); !ok {
		t.Error("the entry used last was pruned")
	}
	if _, ok := c.Get(key("1")); ok {
		t.Error("the least recently used entry was kept")
	}
	if _, ok := c.Get(key("99")); !ok {
		t.Error("the newest entry was pruned")
	}
}

func TestPruneWalksOnlyWhenTheBudgetMayBePassed(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c, err := Open(dir, Options{Version: "dev", Budget: 10 << 10, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := c.Prune(); !res.Walked {
		t.Fatal("the first prune did not walk the folder")
	}
	c.Put(key("a"), make([]byte, 1000))
	if res, _ := c.Prune(); res.Walked {
		t.Error("walked the folder with 1 KB written under a 10 KB budget")
	}
	for i := range 10 {
		c.Put(key(fmt.Sprint(i)), make([]byte, 1000))
	}
	res, _ := c.Prune()
	if !res.Walked || res.Size > 10<<10 {
		t.Errorf("prune after 10 KB more = %+v, want a walk down to the budget", res)
	}
	clk.t = clk.t.Add(25 * time.Hour)
	if res, _ := c.Prune(); !res.Walked {
		t.Error("no walk a day after the last one")
	}
}

func TestPruneRemovesTemporaryFilesAKilledBuildLeft(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	c.Put(key("a"), []byte("x"))
	sub := filepath.Dir(entryFiles(t, dir)[0])
	old, fresh := filepath.Join(sub, ".tmp-1"), filepath.Join(sub, ".tmp-2")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, ts, ts); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, pruneFile)); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if _, err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("an old temporary file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary file another build may be writing was removed")
	}
}

func TestHasherSeparatesParts(t *testing.T) {
	k := func(parts ...string) Key {
		h := NewHasher("k")
		for _, p := range parts {
			h.String(p)
		}
		return h.Sum()
	}
	if k("ab", "c") == k("a", "bc") {
		t.Error(`("ab", "c") and ("a", "bc") have one key`)
	}
	if k("a") == k("a", "") {
		t.Error(`("a") and ("a", "") have one key`)
	}
	h1, h2 := NewHasher("k"), NewHasher("k")
	h1.Strings([]string{"a", "b"})
	h2.Strings([]string{"a"})
	h2.Strings([]string{"b"})
	if h1.Sum() == h2.Sum() {
		t.Error("[a b] and [a][b] have one key")
	}
}
