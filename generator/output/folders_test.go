package output

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

func folderSite() map[string]keyedFile {
	return map[string]keyedFile{
		"index.html":            {"home", 1, ""},
		"a/index.html":          {"page a", 2, ""},
		"a/b/index.html":        {"page b", 3, ""},
		"c/index.html":          {"page c", 4, ""},
		"assets/app.css":        {"css", 5, "assets"},
		"assets/img/logo.svg":   {"svg", 5, "assets"},
		"runbooks/x/index.html": {"runbook x", 6, ""},
	}
}

// A build takes the names of the folders of the previous site that did
// not change since the build that wrote them from the table it left,
// without reading them, and finds what reading them finds.
func TestAScanTakesUnchangedFoldersFromTheTable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folders are read by names from the table on Linux only")
	}
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := folderSite()
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)
	// The tables are saved only for folders older than racyWindow.
	time.Sleep(2 * racyWindow)
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)

	d, err := NewDirCache(dest, cache)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.scanned(); err != nil {
		t.Fatal(err)
	}
	fromTable, existing := d.fromTable, d.existing
	d.Abort()
	// a, a/b, c, assets, assets/img, runbooks, runbooks/x: all but the
	// root, which every build changes.
	if fromTable != 7 {
		t.Errorf("%d folders taken from the table, want 7", fromTable)
	}
	var read map[string]bool
	d2, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d2.scanned(); err != nil {
		t.Fatal(err)
	}
	read = d2.existing
	d2.Abort()
	if len(existing) != len(read) {
		t.Errorf("with the table the scan found %d names, reading every folder %d", len(existing), len(read))
	}
	for name, dir := range read {
		if got, ok := existing[name]; !ok || got != dir {
			t.Errorf("%s: found %v, %v with the table; reading finds folder=%v", name, got, ok, dir)
		}
	}
}

// A folder of the previous site that changed since its build is read
// again, whatever its modification time says: a file put in it by hand,
// with the folder's modification time set back, is removed, and a file
// replaced by a symbolic link is removed, not followed.
func TestAFolderChangedSinceItsBuildIsReadAgain(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("folders are read by names from the table on Linux only")
	}
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache := openCache(t, filepath.Join(root, "cache"))
	site := folderSite()
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)
	time.Sleep(2 * racyWindow)
	keyedBuild(t, dest, cache, site)
	keyedBuild(t, dest, cache, site)

	work := Previous(dest)
	folder := filepath.Join(work, "a", "b")
	info, err := os.Stat(folder)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "stray.html"), []byte("stray"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(folder, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "outside.html")
	if err := os.WriteFile(outside, []byte("not the site's"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(work, "c", "index.html")
	cinfo, err := os.Stat(filepath.Dir(page))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, page); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Dir(page), cinfo.ModTime(), cinfo.ModTime()); err != nil {
		t.Fatal(err)
	}
	kept := keyedBuild(t, dest, cache, site)
	sameTree(t, dest, contents(site))
	if slices.Contains(kept, "c/index.html") {
		t.Error("c/index.html, a symbolic link in the previous site, was kept")
	}
	if b, err := os.ReadFile(outside); err != nil || !bytes.Equal(b, []byte("not the site's")) {
		t.Errorf("the file the link led to was changed: %q, %v", b, err)
	}
}

func TestFolderTableRoundTrip(t *testing.T) {
	m := map[string]folderListing{
		"a":   {folderState{mtime: -5, ctime: time.Now().UnixNano(), ino: 1 << 40}, []dirEntry{{"index.html", fileEntry}, {"b", folderEntry}}},
		"a/b": {folderState{mtime: 1, ctime: 2, ino: 3}, []dirEntry{}},
	}
	enc := encodeFolders(m)
	got, err := decodeFolders(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(m) {
		t.Fatalf("got %d folders, want %d", len(got), len(m))
	}
	for rel, l := range m {
		g := got[rel]
		if g.folderState != l.folderState || !slices.Equal(g.entries, l.entries) {
			t.Errorf("%s: got %+v, want %+v", rel, g, l)
		}
	}
	for i := range len(enc) {
		if _, err := decodeFolders(enc[:i]); err == nil {
			t.Errorf("a table cut to %d of %d bytes was read", i, len(enc))
		}
	}
	if _, err := decodeFolders(append(bytes.Clone(enc), 0)); err == nil {
		t.Error("a table with a byte too many was read")
	}
	// A name a scan would open that leads out of its folder.
	for _, name := range []string{"..", ".", "x/y", "", "a\x00b"} {
		bad := map[string]folderListing{"a": {entries: []dirEntry{{name, folderEntry}}}}
		if _, err := decodeFolders(encodeFolders(bad)); err == nil {
			t.Errorf("a table naming %q in a folder was read", name)
		}
	}
	for _, rel := range []string{"../x", "/etc", "a/../b"} {
		bad := map[string]folderListing{rel: {}}
		if _, err := decodeFolders(encodeFolders(bad)); err == nil {
			t.Errorf("a table of folder %q was read", rel)
		}
	}
}

func FuzzDecodeFolders(f *testing.F) {
	f.Add(encodeFolders(map[string]folderListing{"a/b": {folderState{1, 2, 3}, []dirEntry{{"index.html", fileEntry}}}}))
	f.Add([]byte("PBOF\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeFolders(data)
		if err != nil {
			return
		}
		for rel, l := range m {
			if checkName(rel) != nil {
				t.Fatalf("folder %q read", rel)
			}
			for _, e := range l.entries {
				if !oneName(e.name) || e.kind > folderEntry {
					t.Fatalf("entry %+v of %q read", e, rel)
				}
			}
		}
		again, err := decodeFolders(encodeFolders(m))
		if err != nil || len(again) != len(m) {
			t.Fatalf("a table read once does not read again: %v", err)
		}
	})
}
