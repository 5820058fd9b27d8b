package output

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// keyedFile is a file of a keyed build: its bytes, its key and its group.
type keyedFile struct {
	data  string
	key   uint64
	group string
}

// keyedBuild is one build into dest with the cache: the files whose key
// Keep (or KeepGroup) accepts are kept, the others written. It returns
// the names kept.
func keyedBuild(t *testing.T, dest string, cache buildcache.Store, files map[string]keyedFile) []string {
	t.Helper()
	// As a build does: the scan reads the folders' states only when
	// it starts after UseCache, which NewDirCache makes sure of.
	d, err := NewDirCache(dest, cache)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	groups := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f := files[name]
		if f.group != "" {
			if groups[f.group] {
				continue
			}
			groups[f.group] = true
			if names, ok := d.KeepGroup(f.group, f.key); ok {
				kept = append(kept, names...)
				continue
			}
			for _, other := range slices.Sorted(maps.Keys(files)) {
				if g := files[other]; g.group == f.group {
					if err := d.WriteKeyed(other, g.group, g.key, []byte(g.data)); err != nil {
						t.Fatal(err)
					}
				}
			}
			continue
		}
		if d.Keep(name, f.key) {
			kept = append(kept, name)
			continue
		}
		if err := d.WriteKeyed(name, "", f.key, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(kept)
	return kept
}

func contents(files map[string]keyedFile) map[string]string {
	m := map[string]string{}
	for name, f := range files {
		m[name] = f.data
	}
	return m
}

func openCache(t *testing.T, dir string) *buildcache.Cache {
	t.Helper()
	c, err := buildcache.Open(dir, buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The third build into a destination finds the first one's files in its
// work folder, with their keys: it keeps those whose key is the same and
// that nobody changed since, and writes the others.
func TestAFileMadeUnderTheSameKeyIsKept(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := map[string]keyedFile{
		"index.html":       {"home", 1, ""},
		"a/index.html":     {"page a", 2, ""},
		"b/index.html":     {"page b", 3, ""},
		"c/index.html":     {"page c", 4, ""},
		"sitemap.xml":      {"<urlset/>", 9, "sitemap"},
		"sitemap-2.xml":    {"<urlset 2/>", 9, "sitemap"},
		"search/shard.bin": {"shard", 0, ""},
	}
	if kept := keyedBuild(t, dest, cache, site); len(kept) != 0 {
		t.Fatalf("first build kept %v: nothing was there", kept)
	}
	if kept := keyedBuild(t, dest, cache, site); len(kept) != 0 {
		t.Fatalf("second build kept %v: its work folder was new", kept)
	}

	// Build 3 updates build 1's folder: page a's key changed, page b
	// was changed by hand (same size, new bytes and time), the rest is
	// as build 1 left it.
	site["a/index.html"] = keyedFile{"page A", 20, ""}
	prev := Previous(dest)
	bFile := filepath.Join(prev, "b", "index.html")
	if err := os.WriteFile(bFile, []byte("page X"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(bFile, later, later); err != nil {
		t.Fatal(err)
	}
	kept := keyedBuild(t, dest, cache, site)
	want := []string{"c/index.html", "index.html", "sitemap-2.xml", "sitemap.xml"}
	if !slices.Equal(kept, want) {
		t.Errorf("kept %v, want %v (not the page whose key changed, not the page changed by hand, never a file without a key)", kept, want)
	}
	sameTree(t, dest, contents(site))

	// Build 4 updates build 2's folder, which has the old page a: the
	// key tells it apart.
	keyedBuild(t, dest, cache, site)
	sameTree(t, dest, contents(site))

	// A group with one file whose key changed is written whole.
	site["sitemap.xml"] = keyedFile{"<urlset new/>", 10, "sitemap"}
	site["sitemap-2.xml"] = keyedFile{"<urlset 2/>", 10, "sitemap"}
	kept = keyedBuild(t, dest, cache, site)
	if slices.Contains(kept, "sitemap.xml") || slices.Contains(kept, "sitemap-2.xml") {
		t.Errorf("kept %v: the sitemap's key changed", kept)
	}
	sameTree(t, dest, contents(site))
}

// A file of the work folder that a killed build rewrote is not kept,
// and a table the cache no longer has, or a destination without a cache,
// keeps nothing.
func TestOnlyWhatTheTableVouchesForIsKept(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := map[string]keyedFile{"index.html": {"home", 1, ""}, "a/index.html": {"page a", 2, ""}}
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)

	// A build killed while it wrote a/index.html into the work folder.
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("a/index.html", []byte("page Z")); err != nil {
		t.Fatal(err)
	}
	d.Abort()
	// Seconds later, as a build takes (a change within the same tick of
	// the file system's clock is the racy case saveKeys leaves out).
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(Previous(dest), "a", "index.html"), later, later); err != nil {
		t.Fatal(err)
	}
	if kept := keyedBuild(t, dest, cache, site); !slices.Equal(kept, []string{"index.html"}) {
		t.Errorf("after a killed build, kept %v, want only index.html", kept)
	}
	sameTree(t, dest, contents(site))

	// Another cache: no table.
	other := openCache(t, filepath.Join(root, "other"))
	if kept := keyedBuild(t, dest, other, site); len(kept) != 0 {
		t.Errorf("with a cache that holds no table, kept %v", kept)
	}
	// No cache at all: Keep keeps nothing.
	d, err = NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if d.Keep("index.html", 1) {
		t.Error("a Dir without a cache kept a file")
	}
}

// A file changed the moment its build is committed has another time than
// the table says: the table is saved only once the file system's clock
// has moved on from the build's last write.
func TestAFileChangedRightAfterItsBuildIsNotKept(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := map[string]keyedFile{"index.html": {"home", 1, ""}}
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)
	// Changed the moment it was committed, in the same size.
	if err := os.WriteFile(filepath.Join(dest, "index.html"), []byte("HOME"), 0o644); err != nil {
		t.Fatal(err)
	}
	keyedBuild(t, dest, cache, site)
	if kept := keyedBuild(t, dest, cache, site); len(kept) != 0 {
		t.Errorf("kept %v, changed after its table was made", kept)
	}
	sameTree(t, dest, contents(site))
}

func TestKeysTableRoundTrip(t *testing.T) {
	m := map[string]fileKey{
		"index.html":  {"", 1 << 63, fileState{size: 12, mtime: -5, ctime: 9, ino: 7}},
		"sitemap.xml": {"sitemap", 3, fileState{size: 0, mtime: time.Now().UnixNano(), ino: 1 << 40}},
	}
	got, err := decodeKeys(encodeKeys(m))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(m) {
		t.Fatalf("got %d files, want %d", len(got), len(m))
	}
	for name, fk := range m {
		if got[name] != fk {
			t.Errorf("%s: got %+v, want %+v", name, got[name], fk)
		}
	}
	enc := encodeKeys(m)
	for i := range len(enc) {
		if _, err := decodeKeys(enc[:i]); err == nil {
			t.Errorf("a table cut to %d of %d bytes was read", i, len(enc))
		}
	}
	if _, err := decodeKeys(append(bytes.Clone(enc), 0)); err == nil {
		t.Error("a table with a byte too many was read")
	}
}

func FuzzDecodeKeys(f *testing.F) {
	f.Add(encodeKeys(map[string]fileKey{"a/index.html": {"", 5, fileState{size: 1, mtime: 2, ctime: 4, ino: 3}}}))
	f.Add([]byte("PBOK\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeKeys(data)
		if err != nil {
			return
		}
		again, err := decodeKeys(encodeKeys(m))
		if err != nil || len(again) != len(m) {
			t.Fatalf("a table read once does not read again: %v", err)
		}
	})
}

// A file written with WriteFile (made under no key, as a search shard is)
// is left as it is when a later build into its folder writes the same
// bytes and nobody changed it since; other bytes, or a change by hand,
// make it be written again.
func TestAFileOfTheSameBytesIsLeftAsItIs(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := map[string]string{"search/a.json": "[1,2]", "search/b.json": "[3,4]", "search/c.json": "[5,6]", "img/logo.png": "PNG"}
	build := func() Stats {
		t.Helper()
		d, err := NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		d.UseCache(cache)
		for _, name := range slices.Sorted(maps.Keys(site)) {
			if err := d.WriteFile(name, []byte(site[name])); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		sameTree(t, dest, site)
		return d.Stats()
	}
	build()
	build()
	// Build 3 updates build 1's folder: b has other bytes of the same
	// size, c was changed by hand (same size, later time).
	prev := Previous(dest)
	before, err := os.Stat(filepath.Join(prev, "search", "a.json"))
	if err != nil {
		t.Fatal(err)
	}
	site["search/b.json"] = "[7,8]"
	cFile := filepath.Join(prev, "search", "c.json")
	if err := os.WriteFile(cFile, []byte("[0,0]"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(cFile, later, later); err != nil {
		t.Fatal(err)
	}
	st := build()
	if st.Written != 2 || st.Unchanged != 2 {
		t.Errorf("%+v: want b and c written, a and the logo left", st)
	}
	after, err := os.Stat(filepath.Join(dest, "search", "a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) || !os.SameFile(before, after) {
		t.Error("a, of the same bytes, was written again")
	}
}

// On a file system whose clock keeps whole seconds, the files of a
// site-wide part written in the last coarseWindow before the table is
// saved are left out of it, and so are the part's other files: the
// build that next writes the folder writes the part whole again, rather
// than keep the files the table has and lose the others (KeepGroup keeps
// a part only when the table has all of its files).
func TestAPartWrittenAcrossASecondIsKeptWholeOrNotAtAll(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := map[string]keyedFile{
		"index.html":          {"home", 1, ""},
		"assets/app.css":      {"css", 5, "assets"},
		"assets/img/logo.svg": {"svg", 5, "assets"},
	}
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)

	// A build on a file system of whole seconds: its files' times are
	// whole seconds, and the part's second file was written a second
	// after its first, just before the build's end. The states are set
	// in the table, for no file system lets a status change time be set.
	d, err := NewDirCache(dest, cache)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	for _, name := range slices.Sorted(maps.Keys(site)) {
		f := site[name]
		if err := d.WriteKeyed(name, f.group, f.key, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Truncate(time.Second)
	times := map[string]time.Time{
		"index.html":          now.Add(-10 * time.Second),
		"assets/app.css":      now.Add(-10 * time.Second),
		"assets/img/logo.svg": now,
	}
	for name, at := range times {
		fk := d.next[name]
		fk.mtime, fk.ctime = at.UnixNano(), at.UnixNano()
		d.next[name] = fk
	}
	in := d.inTable()
	for name, want := range map[string]bool{"index.html": true, "assets/app.css": false, "assets/img/logo.svg": false} {
		if got := in(name, d.next[name]); got != want {
			t.Errorf("%s in the table: %v, want %v (a part is in it whole or not at all)", name, got, want)
		}
	}
}

// A file named by a hash of its bytes is kept by its name alone when the
// table has it, written with WriteFile, and nobody changed it since; not
// when it was changed by hand, is not in the table, or is a page's.
func TestAFileNamedByItsHashIsKeptByName(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	files := map[string]string{"search/s/0a1b.json": "[1,2]", "search/s/2c3d.json": "[3,4]"}
	build := func(keep bool) (kept []string) {
		t.Helper()
		d, err := NewDirCache(dest, cache)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			if keep && d.KeepFile(name) {
				kept = append(kept, name)
				continue
			}
			if err := d.WriteFile(name, []byte(files[name])); err != nil {
				t.Fatal(err)
			}
		}
		if keep && d.KeepFile("index.html") {
			t.Error("kept index.html, a page's file")
		}
		if err := d.WriteKeyed("index.html", "", 7, []byte("home")); err != nil {
			t.Fatal(err)
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		files["index.html"] = "home"
		sameTree(t, dest, files)
		delete(files, "index.html")
		return kept
	}
	build(true)
	build(true)
	if kept := build(true); len(kept) != 2 {
		t.Errorf("the third build kept %v, want both files of the first", kept)
	}
	// Changed by hand in the folder the next build updates, in the same
	// size, at a later time: written again.
	changed := filepath.Join(Previous(dest), "search", "s", "0a1b.json")
	if err := os.WriteFile(changed, []byte("[9,9]"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(changed, later, later); err != nil {
		t.Fatal(err)
	}
	if kept := build(true); !slices.Equal(kept, []string{"search/s/2c3d.json"}) {
		t.Errorf("kept %v, want only the file nobody changed", kept)
	}
	// A name the table does not have.
	files["search/s/4e5f.json"] = "[5,6]"
	build(true)
	if kept := build(true); slices.Contains(kept, "search/s/4e5f.json") {
		t.Errorf("kept %v: a file the build before the last did not write", kept)
	}
}

// The table leaves out a few files written in the last racyWindow rather
// than wait for the clock, but waits when they are many or a site-wide
// part's: then every file goes in.
func TestTheTableLeavesOutAFewFilesWrittenLast(t *testing.T) {
	now := time.Now().UnixNano()
	for _, tc := range []struct {
		name        string
		late, early int
		group       string
		leftOut     bool
	}{
		{"two pages of 300", 2, 298, "", true},
		{"the search manifest of 300", 1, 299, bytesGroup, true},
		{"a part's file", 1, 299, "sitemap", false},
		{"every file of a small site", 3, 0, "", false},
		{"more than maxLeftOut", maxLeftOut + 1, 20000, "", false},
	} {
		d := &Dir{next: map[string]fileKey{}}
		for i := range tc.early {
			d.next[fmt.Sprintf("early/%d", i)] = fileKey{key: 1, fileState: fileState{size: 1, mtime: now - int64(time.Minute), ino: uint64(i)}}
		}
		for i := range tc.late {
			d.next[fmt.Sprintf("late/%d", i)] = fileKey{group: tc.group, key: 1, fileState: fileState{size: 1, mtime: now - int64(time.Millisecond), ino: uint64(i)}}
		}
		in := d.inTable()
		for name, fk := range d.next {
			want := !tc.leftOut || strings.HasPrefix(name, "early/")
			if in(name, fk) != want {
				t.Errorf("%s: %s in the table: %v, want %v", tc.name, name, !want, want)
				break
			}
		}
	}
}

// A file of the work folder rewritten in place, with other bytes of the
// same size and its modification time set back to the nanosecond (as
// touch -d or rsync --inplace --times can), keeps its size, time and
// inode; its status change time tells it apart, and it is made again:
// a page's file, a file named by its hash, and a file written with
// WriteFile alike.
func TestAFileRewrittenInPlaceWithItsTimeSetBackIsNotKept(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	files := map[string]string{
		"index.html":           "home",
		"a/index.html":         "page a",
		"search/s/0a1b.json":   "[1,2]",
		"search/manifest.json": `{"v":1}`,
	}
	build := func() (kept []string) {
		t.Helper()
		d, err := NewDirCache(dest, cache)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			var err error
			switch {
			case strings.HasSuffix(name, ".html"):
				if d.Keep(name, 1) {
					kept = append(kept, name)
					continue
				}
				err = d.WriteKeyed(name, "", 1, []byte(files[name]))
			case strings.HasPrefix(name, "search/s/"):
				if d.KeepFile(name) {
					kept = append(kept, name)
					continue
				}
				fallthrough
			default:
				err = d.WriteFile(name, []byte(files[name]))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Commit(); err != nil {
			t.Fatal(err)
		}
		sameTree(t, dest, files)
		return kept
	}
	build()
	build()
	if kept := build(); len(kept) != 3 {
		t.Fatalf("the third build kept %v, want the pages and the shard", kept)
	}
	prev := Previous(dest)
	for _, name := range []string{"a/index.html", "search/s/0a1b.json", "search/manifest.json"} {
		full := filepath.Join(prev, filepath.FromSlash(name))
		before, err := os.Lstat(full)
		if err != nil {
			t.Fatal(err)
		}
		if ctime(before) == 0 {
			t.Skip("this system keeps no status change time")
		}
		f, err := os.OpenFile(full, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(strings.Repeat("X", int(before.Size())))); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(full, before.ModTime(), before.ModTime()); err != nil {
			t.Fatal(err)
		}
		after, err := os.Lstat(full)
		if err != nil {
			t.Fatal(err)
		}
		if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) || inode(after) != inode(before) {
			t.Fatalf("%s: the rewrite changed the file's size, time or inode", name)
		}
	}
	if kept := build(); !slices.Equal(kept, []string{"index.html"}) {
		t.Errorf("kept %v, want only index.html, which nobody changed", kept)
	}
}
