package buildcache

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// prune ends a build: it prunes c and fails the test on an error.
func prune(t *testing.T, c *Cache) PruneResult {
	t.Helper()
	res, err := c.Prune()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// glob returns the files of dir matching pattern.
func glob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// folderFiles returns every file and folder name in dir.
func folderFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAValueIsReadBackByAnotherProcessOfTheSameVersion(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, "v1.2.3")
	w.Put(key("a"), []byte("<pre>a</pre>"))
	prune(t, w)
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

func TestABuildMakesOnePackAndOneIndex(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	for i := range 1000 {
		c.Put(key(fmt.Sprint(i)), []byte(strings.Repeat("x", i)))
	}
	prune(t, c)
	names := folderFiles(t, dir)
	if len(names) != 2 || !strings.HasSuffix(names[0], IndexExt) || !strings.HasSuffix(names[1], PackExt) {
		t.Fatalf("a build of 1000 entries left %v, want one pack and its index", names)
	}
	// A warm build that only reads creates nothing.
	r := open(t, dir, "dev")
	for i := range 1000 {
		if got, ok := r.Get(key(fmt.Sprint(i))); !ok || len(got) != i {
			t.Fatalf("entry %d: %d bytes, %v", i, len(got), ok)
		}
	}
	prune(t, r)
	if after := folderFiles(t, dir); !slicesEqual(after, names) {
		t.Errorf("a build that only read left %v, want %v", after, names)
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func TestEmptyValueIsAHit(t *testing.T) {
	c := open(t, t.TempDir(), "dev")
	c.Put(key("empty"), nil)
	if got, ok := c.Get(key("empty")); !ok || len(got) != 0 {
		t.Fatalf("Get = %q, %v; want an empty hit", got, ok)
	}
}

func TestValuesLargerThanTheWriteBufferAreReadBack(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	big := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, bufferSize+i*1000) }
	c.Put(key("small"), []byte("small"))
	for i := range 3 {
		c.Put(key(fmt.Sprint(i)), big(i))
		if got, ok := c.Get(key(fmt.Sprint(i))); !ok || !bytes.Equal(got, big(i)) {
			t.Fatalf("value %d read back as %d bytes, %v", i, len(got), ok)
		}
	}
	prune(t, c)
	r := open(t, dir, "dev")
	for i := range 3 {
		if got, ok := r.Get(key(fmt.Sprint(i))); !ok || !bytes.Equal(got, big(i)) {
			t.Errorf("the next build read value %d as %d bytes, %v", i, len(got), ok)
		}
	}
	if got, ok := r.Get(key("small")); !ok || string(got) != "small" {
		t.Errorf("the next build read %q, %v", got, ok)
	}
}

func TestAValueLargerThanMaxValueIsNotStored(t *testing.T) {
	c := open(t, t.TempDir(), "dev")
	c.Put(key("big"), make([]byte, MaxValue+1))
	if _, ok := c.Get(key("big")); ok {
		t.Error("a value over MaxValue was stored")
	}
	if s := c.Stats(); s.Written != 0 {
		t.Errorf("wrote %d bytes for a value over MaxValue", s.Written)
	}
}

func TestAnotherVersionNeverReadsAnEntry(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, "v1")
	w.Put(key("a"), []byte("old"))
	prune(t, w)
	if _, ok := open(t, dir, "v2").Get(key("a")); ok {
		t.Fatal("v2 read what v1 wrote")
	}
}

// onePack returns the only pack of dir.
func onePack(t *testing.T, dir string) string {
	t.Helper()
	packs := glob(t, dir, "*"+PackExt)
	if len(packs) != 1 {
		t.Fatalf("%d packs, want 1", len(packs))
	}
	return packs[0]
}

// rewrite replaces the bytes of file p with f's.
func rewrite(t *testing.T, p string, f func([]byte) []byte) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, f(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDamagedEntriesAreMisses(t *testing.T) {
	value := []byte("<pre class=\"chroma\">some highlighted code</pre>")
	for name, f := range map[string]func([]byte) []byte{
		"a value byte flipped":    func(b []byte) []byte { b[len(b)-3] ^= 0x20; return b },
		"a checksum byte flipped": func(b []byte) []byte { b[len(b)-len(value)-1] ^= 1; return b },
		"a key byte flipped":      func(b []byte) []byte { b[len(magic)+2+1+len("dev")] ^= 1; return b },
		"the magic changed":       func(b []byte) []byte { b[0] = 'X'; return b },
		"the format changed":      func(b []byte) []byte { b[len(magic)+1] = 1; return b },
		"truncated in the value":  func(b []byte) []byte { return b[:len(b)-5] },
		"truncated in the header": func(b []byte) []byte { return b[:10] },
		"empty":                   func(b []byte) []byte { return nil },
		"the length grown":        func(b []byte) []byte { b[len(b)-len(value)-33]++; return b },
		"another version's entry in its place": func(b []byte) []byte {
			var k Key
			copy(k[:], b[len(magic)+2+1+len("dev"):])
			return Encode(k, "v9", value)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, "dev")
			c.Put(key("a"), value)
			prune(t, c)
			rewrite(t, onePack(t, dir), f)
			r := open(t, dir, "dev")
			if got, ok := r.Get(key("a")); ok {
				t.Fatalf("damaged entry read as %q", got)
			}
			if s := r.Stats(); s.Bad != 1 {
				t.Errorf("stats = %+v, want 1 bad entry", s)
			}
			r.Put(key("a"), value)
			if got, ok := r.Get(key("a")); !ok || !bytes.Equal(got, value) {
				t.Errorf("after the damaged entry, Get = %q, %v; want the value put again", got, ok)
			}
			prune(t, r)
			// The next build reads the newer, whole entry.
			n := open(t, dir, "dev")
			if got, ok := n.Get(key("a")); !ok || !bytes.Equal(got, value) {
				t.Errorf("the build after: Get = %q, %v; want the value put again", got, ok)
			}
			if s := n.Stats(); s.Bad != 0 {
				t.Errorf("the build after read %d damaged entries", s.Bad)
			}
		})
	}
}

func TestDamagedIndexesAreNotReadAndAreRemoved(t *testing.T) {
	for name, f := range map[string]func([]byte) []byte{
		"a byte flipped":              func(b []byte) []byte { b[len(b)/2] ^= 1; return b },
		"truncated":                   func(b []byte) []byte { return b[:len(b)-1] },
		"empty":                       func(b []byte) []byte { return nil },
		"format 1 entry in its place": func(b []byte) []byte { return append([]byte("PBKC\x00\x01"), b[6:]...) },
		"an entry past the pack's end": func(b []byte) []byte {
			ix, err := DecodeIndex(b)
			if err != nil {
				panic(err)
			}
			ix.Entries[0].Offset = ix.PackSize
			ix.PackSize *= 2
			return EncodeIndex(ix)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c := open(t, dir, "dev")
			c.Put(key("a"), []byte("value"))
			prune(t, c)
			idx := glob(t, dir, "*"+IndexExt)[0]
			rewrite(t, idx, f)
			r := open(t, dir, "dev")
			if got, ok := r.Get(key("a")); ok {
				t.Fatalf("read %q through a damaged index", got)
			}
			prune(t, r)
			if _, err := os.Stat(idx); name != "an entry past the pack's end" && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the damaged index was kept: %v", err)
			}
		})
	}
}

func TestATruncatedPackIsAMissForTheEntriesCut(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	for i := range 10 {
		c.Put(key(fmt.Sprint(i)), bytes.Repeat([]byte{byte(i)}, 100))
	}
	prune(t, c)
	p := onePack(t, dir)
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// Cut in the middle of the last entry but one.
	entry := int64(len(Encode(Key{}, "dev", make([]byte, 100))))
	if err := os.Truncate(p, info.Size()-entry-entry/2); err != nil {
		t.Fatal(err)
	}
	r := open(t, dir, "dev")
	for i := range 10 {
		got, ok := r.Get(key(fmt.Sprint(i)))
		if want := i < 8; ok != want {
			t.Errorf("entry %d: hit %v, want %v", i, ok, want)
		}
		if ok && !bytes.Equal(got, bytes.Repeat([]byte{byte(i)}, 100)) {
			t.Errorf("entry %d read as %q", i, got)
		}
	}
	if s := r.Stats(); s.Bad != 2 {
		t.Errorf("stats = %+v, want 2 bad entries", s)
	}
}

// A pack cut short after a build mapped it into memory (mapFile) costs
// the entries cut, never the build: reading a lost page faults, and Get
// takes that for a miss.
func TestAPackCutWhileMappedIsAMissForTheEntriesCut(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	const size = 3 * 4096 // each entry spans whole pages
	for i := range 10 {
		c.Put(key(fmt.Sprint(i)), bytes.Repeat([]byte{byte(i)}, size))
	}
	prune(t, c)
	p := onePack(t, dir)
	r := open(t, dir, "dev")
	if _, ok := r.Get(key("0")); !ok {
		t.Fatal("entry 0 is a miss before the cut")
	}
	entry := int64(len(Encode(Key{}, "dev", make([]byte, size))))
	if err := os.Truncate(p, 5*entry+entry/2); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		got, ok := r.Get(key(fmt.Sprint(i)))
		if want := i < 5; ok != want {
			t.Errorf("entry %d: hit %v, want %v", i, ok, want)
		}
		if ok && !bytes.Equal(got, bytes.Repeat([]byte{byte(i)}, size)) {
			t.Errorf("entry %d read wrong", i)
		}
		// View lends the mapped bytes: the cut ones fault, and are a
		// miss; f then sees only whole entries.
		var viewed bool
		ok = r.View(key(fmt.Sprint(i)), func(v []byte) {
			viewed = bytes.Equal(v, bytes.Repeat([]byte{byte(i)}, size))
		})
		if want := i < 5; ok != want || ok != viewed {
			t.Errorf("entry %d: View hit %v, saw the entry %v, want %v", i, ok, viewed, want)
		}
	}
}

// View lends a value without a copy, the value Get returns; a panic of
// the caller's function is its own, not a miss.
func TestViewLendsWhatGetReturns(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	c.Put(key("a"), []byte("value a"))
	prune(t, c)
	r := open(t, dir, "dev")
	var got string
	if !View(r, key("a"), func(v []byte) { got = string(v) }) || got != "value a" {
		t.Fatalf("View = %q, want value a", got)
	}
	if View(r, key("b"), func([]byte) { t.Error("f called on a miss") }) {
		t.Error("View of a key never put is a hit")
	}
	defer func() {
		if recover() != "f's own" {
			t.Error("f's panic did not reach the caller")
		}
	}()
	r.View(key("a"), func([]byte) { panic("f's own") })
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
		{append(append(bytes.Clone(entry[:4]), 0, 1), entry[6:]...), k, "v1", ErrForeign},
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

func TestDecodeIndexNamesWhatIsWrong(t *testing.T) {
	entry := len(Encode(key("a"), "v1", []byte("value")))
	ix := Index{Version: "v1", PackSize: int64(2 * entry), Entries: []IndexEntry{
		{Key: key("a"), Offset: 0, Length: entry},
		{Key: key("b"), Offset: int64(entry), Length: entry},
	}}
	good := EncodeIndex(ix)
	got, err := DecodeIndex(good)
	if err != nil || got.Version != "v1" || got.PackSize != ix.PackSize || len(got.Entries) != 2 || got.Entries[1] != ix.Entries[1] {
		t.Fatalf("DecodeIndex = %+v, %v; want %+v", got, err, ix)
	}
	past := ix
	past.Entries = []IndexEntry{{Key: key("a"), Offset: int64(entry) + 1, Length: entry}}
	short := ix
	short.Entries = []IndexEntry{{Key: key("a"), Offset: 0, Length: 10}}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-40] ^= 1
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"cut", good[:len(good)-1], ErrTruncated},
		{"header only", good[:8], ErrTruncated},
		{"a byte added", append(bytes.Clone(good), 0), ErrForeign},
		{"another format", append(append([]byte("PBKI"), 0, 1), good[6:]...), ErrForeign},
		{"an entry", Encode(key("a"), "v1", nil), ErrForeign},
		{"a byte flipped", flipped, ErrChecksum},
		{"an entry past the pack", EncodeIndex(past), ErrForeign},
		{"an entry shorter than a header", EncodeIndex(short), ErrForeign},
	} {
		if _, err := DecodeIndex(tc.data); !errors.Is(err, tc.want) {
			t.Errorf("%s: DecodeIndex = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestBuildsWritingAtOnceLeaveWholePacksAndIndexes(t *testing.T) {
	dir := t.TempDir()
	a, b := open(t, dir, "dev"), open(t, dir, "dev")
	value := func(j int) []byte { return bytes.Repeat([]byte(fmt.Sprint(j)), 10000) }
	var wg sync.WaitGroup
	for i := range 8 {
		c := a
		if i%2 == 1 {
			c = b
		}
		wg.Go(func() {
			for j := range 50 {
				k := key(fmt.Sprint(i%4, "/", j))
				c.Put(k, value(j))
				if got, ok := c.Get(k); !ok || !bytes.Equal(got, value(j)) {
					t.Errorf("read back %d bytes, %v", len(got), ok)
				}
			}
		})
	}
	// Both builds end at once.
	wg.Wait()
	for _, c := range []*Cache{a, b} {
		wg.Go(func() {
			if _, err := c.Prune(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, c := range []*Cache{a, b} {
		if s := c.Stats(); s.Bad != 0 {
			t.Errorf("%d entries read as damaged", s.Bad)
		}
	}
	if packs, idx := glob(t, dir, "*"+PackExt), glob(t, dir, "*"+IndexExt); len(packs) != 2 || len(idx) != 2 {
		t.Errorf("packs %v, indexes %v; want two of each", packs, idx)
	}
	if tmp := glob(t, dir, ".tmp-*"); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	r := open(t, dir, "dev")
	for i := range 4 {
		for j := range 50 {
			if got, ok := r.Get(key(fmt.Sprint(i, "/", j))); !ok || !bytes.Equal(got, value(j)) {
				t.Fatalf("the next build read %d bytes, %v", len(got), ok)
			}
		}
	}
	if s := r.Stats(); s.Bad != 0 {
		t.Errorf("the next build read %d damaged entries", s.Bad)
	}
}

func TestAPackWithoutItsIndexIsIgnoredThenRemoved(t *testing.T) {
	dir := t.TempDir()
	// A build killed before its end: entries written, no index.
	killed := open(t, dir, "dev")
	killed.Put(key("a"), []byte("never indexed"))
	killed.w.mu.Lock()
	killed.flushBuffer()
	killed.w.mu.Unlock()
	pack := onePack(t, dir)

	c := open(t, dir, "dev")
	if got, ok := c.Get(key("a")); ok {
		t.Fatalf("read %q from a pack without an index", got)
	}
	prune(t, c)
	if _, err := os.Stat(pack); err != nil {
		t.Fatalf("a pack another build may be writing was removed: %v", err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(pack, old, old); err != nil {
		t.Fatal(err)
	}
	prune(t, open(t, dir, "dev"))
	if _, err := os.Stat(pack); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a killed build's pack an hour old was kept: %v", err)
	}
}

func TestALongSessionIndexesWhatItWritesAfterEachFlush(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, "dev")
	s.Put(key("first"), []byte("1"))
	prune(t, s)
	s.Put(key("second"), []byte("2"))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	r := open(t, dir, "dev")
	for _, k := range []string{"first", "second"} {
		if _, ok := r.Get(key(k)); !ok {
			t.Errorf("%s: missing after the session flushed", k)
		}
	}
	if n := len(glob(t, dir, "*"+PackExt)); n != 1 {
		t.Errorf("the session made %d packs, want 1", n)
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
	dir := filepath.Join(t.TempDir(), "cache")
	c := open(t, dir, "dev")
	// The folder replaced by a file: every write there fails.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	c.Put(key("a"), []byte("x"))
	if c.Err() == nil {
		t.Fatal("no error after a failed write")
	}
	c.Put(key("b"), []byte("y"))
	if s := c.Stats(); s.Written != 0 {
		t.Errorf("wrote %d bytes after a failed write", s.Written)
	}
	if _, err := c.Prune(); err == nil {
		t.Error("Prune of a folder that is a file succeeded")
	}
}

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// setTime sets the modification time of the pack holding k's entry and of
// its index.
func setTime(t *testing.T, c *Cache, k Key, ts time.Time) {
	t.Helper()
	l, ok := c.index[c.stored(k)]
	if !ok {
		t.Fatal("no entry to set the time of")
	}
	for _, ext := range []string{PackExt, IndexExt} {
		if err := os.Chtimes(filepath.Join(c.dir, c.list[l.pack].id+ext), ts, ts); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPruneKeepsTheFolderUnderItsBudgetRemovingTheLeastRecentlyUsedPacks(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := &clock{start}
	const budget = 50 << 10
	opt := Options{Version: "dev", Budget: budget, Now: clk.now}
	value := bytes.Repeat([]byte("x"), 1000)
	// 10 builds of 10 entries of about 1.1 KB, a minute apart: packs of
	// about 11 KB, twice the budget in all.
	for b := range 10 {
		c, err := Open(dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 10 {
			c.Put(key(fmt.Sprint(b, "/", i)), value)
		}
		if err := c.Flush(); err != nil {
			t.Fatal(err)
		}
		setTime(t, c, key(fmt.Sprint(b, "/0")), start.Add(time.Duration(b)*time.Minute))
	}
	// A build three hours later uses pack 0 again.
	clk.t = start.Add(3 * time.Hour)
	c, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(key("0/5")); !ok {
		t.Fatal("entry 0/5 missing before pruning")
	}
	res := prune(t, c)
	if res.Removed == 0 {
		t.Fatalf("prune = %+v, want packs removed", res)
	}
	var size int64
	for _, f := range append(glob(t, dir, "*"+PackExt), glob(t, dir, "*"+IndexExt)...) {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		size += info.Size()
	}
	if size > budget || size != res.Size {
		t.Errorf("packs take %d bytes after pruning (prune says %d), budget %d", size, res.Size, budget)
	}
	r, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Get(key("0/0")); !ok {
		t.Error("the pack used last was pruned")
	}
	if _, ok := r.Get(key("1/0")); ok {
		t.Error("the least recently used pack was kept")
	}
	if _, ok := r.Get(key("9/0")); !ok {
		t.Error("the newest pack was pruned")
	}
}

func TestTheNumberOfPacksStaysBounded(t *testing.T) {
	dir := t.TempDir()
	value := func(b, i int) []byte { return []byte(fmt.Sprintf("build %d entry %d", b, i)) }
	compacted := 0
	// Many small builds, each writing a few new entries and one that
	// every build writes again.
	for b := range 3 * MaxPacks {
		c := open(t, dir, "dev")
		for i := range 3 {
			c.Put(key(fmt.Sprint(b, "/", i)), value(b, i))
		}
		c.Put(key("shared"), []byte("shared"))
		res := prune(t, c)
		compacted += res.Compacted
		if n := len(glob(t, dir, "*"+PackExt)); n > MaxPacks || n != res.Packs {
			t.Fatalf("build %d: %d packs (prune says %d), want at most %d", b, n, res.Packs, MaxPacks)
		}
		if n, m := len(glob(t, dir, "*"+IndexExt)), len(glob(t, dir, "*"+PackExt)); n != m {
			t.Fatalf("build %d: %d indexes for %d packs", b, n, m)
		}
	}
	if compacted == 0 {
		t.Fatal("no pack was compacted")
	}
	if lock := glob(t, dir, compactLock); len(lock) != 0 {
		t.Errorf("compaction left its lock: %v", lock)
	}
	r := open(t, dir, "dev")
	for b := range 3 * MaxPacks {
		for i := range 3 {
			if got, ok := r.Get(key(fmt.Sprint(b, "/", i))); !ok || !bytes.Equal(got, value(b, i)) {
				t.Fatalf("entry %d/%d after compaction: %q, %v", b, i, got, ok)
			}
		}
	}
	if got, ok := r.Get(key("shared")); !ok || string(got) != "shared" {
		t.Errorf("shared entry after compaction: %q, %v", got, ok)
	}
	// Compaction keeps one copy of a key written by many builds.
	var size int64
	for _, f := range glob(t, dir, "*"+PackExt) {
		info, _ := os.Stat(f)
		size += info.Size()
	}
	one := int64(len(Encode(Key{}, "dev", []byte("shared"))))
	if size >= int64(3*MaxPacks)*one*4 {
		t.Errorf("packs take %d bytes: the entry every build wrote was kept %d times", size, 3*MaxPacks)
	}
}

func TestCompactionDropsDamagedEntries(t *testing.T) {
	dir := t.TempDir()
	for b := range MaxPacks + 1 {
		c := open(t, dir, "dev")
		c.Put(key(fmt.Sprint(b)), []byte(fmt.Sprint("value ", b)))
		prune(t, c)
		if b == 0 {
			rewrite(t, onePack(t, dir), func(d []byte) []byte { d[len(d)-1] ^= 1; return d })
		}
	}
	r := open(t, dir, "dev")
	if _, ok := r.Get(key("0")); ok {
		t.Error("a damaged entry was read after compaction")
	}
	if got, ok := r.Get(key("1")); !ok || string(got) != "value 1" {
		t.Errorf("entry 1 after compaction: %q, %v", got, ok)
	}
	if s := r.Stats(); s.Bad != 0 {
		t.Errorf("compaction kept %d damaged entries", s.Bad)
	}
}

func TestPacksOfOtherVersionsAreBounded(t *testing.T) {
	dir := t.TempDir()
	for v := range MaxPacks + 4 {
		c := open(t, dir, fmt.Sprint("v", v))
		c.Put(key("a"), []byte("x"))
		prune(t, c)
	}
	if n := len(glob(t, dir, "*"+PackExt)); n != MaxPacks+1 {
		t.Errorf("%d packs, want %d of other versions and the last build's", n, MaxPacks)
	}
	last := open(t, dir, fmt.Sprint("v", MaxPacks+3))
	if _, ok := last.Get(key("a")); !ok {
		t.Error("the last version's pack was removed")
	}
}

func TestPruneRemovesTemporaryFilesAKilledBuildLeft(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir, "dev")
	c.Put(key("a"), []byte("x"))
	old, fresh := filepath.Join(dir, ".tmp-1"), filepath.Join(dir, ".tmp-2")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, ts, ts); err != nil {
		t.Fatal(err)
	}
	prune(t, c)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("an old temporary file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a temporary file another build may be writing was removed")
	}
}

func TestFormatOneEntriesAreNeverReadAndArePruned(t *testing.T) {
	dir := t.TempDir()
	// What format 1 left: a loose entry file per key, and a running total.
	c := open(t, dir, "dev")
	s := c.stored(key("a"))
	old := Encode(s, "dev", []byte("format 1"))
	old[len(magic)+1] = 1
	x := fmt.Sprintf("%x", s[:])
	if err := os.MkdirAll(filepath.Join(dir, x[:2]), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, x[:2], x[2:]), old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prune"), []byte("100 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = open(t, dir, "dev")
	if got, ok := c.Get(key("a")); ok {
		t.Fatalf("read %q from a format 1 entry", got)
	}
	prune(t, c)
	if names := folderFiles(t, dir); len(names) != 0 {
		t.Errorf("format 1's files left: %v", names)
	}
}

func TestAPackRemovedByAnotherBuildIsAMiss(t *testing.T) {
	dir := t.TempDir()
	w := open(t, dir, "dev")
	w.Put(key("a"), []byte("x"))
	prune(t, w)
	r := open(t, dir, "dev")
	for _, p := range append(glob(t, dir, "*"+PackExt), glob(t, dir, "*"+IndexExt)...) {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	if got, ok := r.Get(key("a")); ok {
		t.Errorf("read %q from a removed pack", got)
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

// TestPruningFormatOneKeepsWhatItDidNotWrite: a folder named like one of
// format 1's (two hex digits) that holds someone else's files keeps them,
// as does a file "prune" that is not format 1's running total; format 1's
// entry beside them goes.
func TestPruningFormatOneKeepsWhatItDidNotWrite(t *testing.T) {
	dir := t.TempDir()
	entry := filepath.Join(dir, "ab", strings.Repeat("c", 62))
	notes := filepath.Join(dir, "ab", "notes.txt")
	mine := filepath.Join(dir, "prune")
	if err := os.MkdirAll(filepath.Join(dir, "ab"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string]string{entry: "PBKC", notes: "precious", mine: "my pruning notes\n"} {
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prune(t, open(t, dir, "dev"))
	for _, p := range []string{notes, mine} {
		if data, err := os.ReadFile(p); err != nil {
			t.Errorf("pruning removed %s, which the cache did not write: %v", p, err)
		} else if len(data) == 0 {
			t.Errorf("%s emptied", p)
		}
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("format 1's entry beside them was kept: %v", err)
	}
}

// The key an entry is stored under is the one a Hasher makes of the
// format, the version and the caller's key, as caches written before
// stored hashed its bytes at once: they are read still.
func TestTheStoredKeyIsTheHashersKey(t *testing.T) {
	for _, version := range []string{"", "v1.2.3", "devel " + strings.Repeat("ab", 32), strings.Repeat("é", 127)} {
		c := &Cache{version: version, prefix: storedPrefix(version)}
		for _, k := range []Key{{}, key("a"), key("page")} {
			h := NewHasher("playbook build cache")
			h.String(strconv.Itoa(FormatVersion))
			h.String(version)
			h.Bytes(k[:])
			if got, want := c.stored(k), h.Sum(); got != want {
				t.Errorf("version %q: stored key %x, the Hasher's %x", version, got, want)
			}
		}
	}
}

// A sharing Decoder reads what a copying one reads: the same strings,
// counts and bytes, and the same damage for a count the bytes cannot
// hold or a read past the end.
func TestSharingDecoderReadsWhatDecoderReads(t *testing.T) {
	var e Encoder
	e.B = append(e.B, "MAGI"...)
	e.Uint(3)
	for _, s := range []string{"", "guides/a", "café"} {
		e.String(s)
		e.B = append(e.B, 7)
	}
	for _, d := range []*Decoder{NewDecoder(e.B), NewSharingDecoder(e.B)} {
		d.Magic("MAGI")
		n := d.Count(2)
		var got []string
		for range n {
			got = append(got, d.String())
			if c := d.Byte(); c != 7 {
				t.Fatalf("byte %d, want 7", c)
			}
		}
		if err := d.Err(); err != nil || strings.Join(got, "|") != "|guides/a|café" {
			t.Errorf("read %q, %v", got, err)
		}
		if d.Byte(); d.Err() == nil {
			t.Error("a byte read past the end is no damage")
		}
	}
	for _, d := range []*Decoder{NewDecoder([]byte{4, 1, 2, 3}), NewSharingDecoder([]byte{4, 1, 2, 3})} {
		if n := d.Count(1); n != 0 || d.Err() == nil {
			t.Errorf("a count of 4 in 3 bytes read as %d, %v", n, d.Err())
		}
	}
}
