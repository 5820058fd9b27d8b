package output

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func writeAll(t *testing.T, w Writer, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if err := w.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
}

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// build writes files as one build into dest and commits it.
func build(t *testing.T, dest string, files map[string]string) Stats {
	t.Helper()
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, files)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	return d.Stats()
}

// tree returns the files under dir with their contents, without the marker.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel != Marker {
			got[filepath.ToSlash(rel)] = read(t, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameTree(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	got := tree(t, dir)
	for name, data := range want {
		if got[name] != data {
			t.Errorf("%s: got %q, want %q", name, got[name], data)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: left over from an earlier build", name)
		}
	}
}

func TestCommitReplacesTheWholeSite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "one", "old/index.html": "gone soon"})
	second, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, second, map[string]string{"index.html": "two", "new/index.html": "new"})
	if got := read(t, filepath.Join(dest, "index.html")); got != "one" {
		t.Fatalf("before Commit the destination changed: index.html is %q", got)
	}
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, dest, map[string]string{"index.html": "two", "new/index.html": "new"})
	assertOnlyDestAndPrevious(t, filepath.Dir(dest))
}

func TestAbortLeavesThePreviousSiteWhole(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	site := map[string]string{"index.html": "good", "a/index.html": "a"}
	build(t, dest, site)
	build(t, dest, site)
	failed, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, failed, map[string]string{"index.html": "half"})
	failed.Abort()
	sameTree(t, dest, site)
	// The next build starts from what the failed one left.
	build(t, dest, map[string]string{"index.html": "next"})
	sameTree(t, dest, map[string]string{"index.html": "next"})
	assertOnlyDestAndPrevious(t, filepath.Dir(dest))
}

func TestRebuildOfAnUnchangedSiteWritesNoFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	site := map[string]string{"index.html": "home", "a/index.html": "a", "a/b/index.html": "b", "style.css": "body{}"}
	build(t, dest, site)
	first, err := os.Stat(filepath.Join(dest, "a", "b", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	build(t, dest, site) // the first build's folder becomes the previous one
	st := build(t, dest, site)
	if st.Written != 0 || st.Removed != 0 || st.Unchanged != len(site) {
		t.Errorf("rebuilding an unchanged site: %+v, want %d unchanged and nothing written or removed", st, len(site))
	}
	third, err := os.Stat(filepath.Join(dest, "a", "b", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(first, third) {
		t.Error("the third build re-created a file that the first build wrote with the same bytes")
	}
	sameTree(t, dest, site)
}

func TestOneChangedPageIsTheOnlyFileWritten(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	site := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	build(t, dest, site)
	build(t, dest, site)
	site["a/index.html"] = "a, edited and longer"
	if st := build(t, dest, site); st.Written != 1 || st.Unchanged != 2 {
		t.Errorf("after a one-page edit: %+v, want 1 written and 2 unchanged", st)
	}
	sameTree(t, dest, site)
	site["a/index.html"] = "A"
	build(t, dest, site)
	sameTree(t, dest, site) // a shorter file leaves no tail of the longer one
}

func TestFilesAndFoldersThatChangeKindBetweenBuilds(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	sites := []map[string]string{
		{"index.html": "1", "x": "a file", "y/index.html": "a folder", "z/deep/er/index.html": "deep", "keep/index.html": "k"},
		{"index.html": "2", "x/index.html": "now a folder", "y": "now a file", "keep/index.html": "k"},
		{"index.html": "3", "x": "a file again", "y/index.html": "a folder again", "z/deep/index.html": "back"},
		{"index.html": "4"},
	}
	for round := 0; round < 2; round++ {
		for i, site := range sites {
			build(t, dest, site)
			if t.Failed() {
				t.Fatalf("round %d, site %d", round, i)
			}
			sameTree(t, dest, site)
		}
	}
	assertOnlyDestAndPrevious(t, filepath.Dir(dest))
}

func TestLeftoversOfInterruptedBuildsAreRemoved(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	build(t, dest, map[string]string{"index.html": "one"})
	// What the earlier writer left when killed: its new folder, and the
	// old site it had moved aside.
	for _, dir := range []string{".public.new-123456", ".public.new-123456.old", ".public.new-9"} {
		if err := os.MkdirAll(filepath.Join(parent, dir, "a"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(parent, dir, "a", "index.html"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build(t, dest, map[string]string{"index.html": "two"})
	assertOnlyDestAndPrevious(t, parent)
	sameTree(t, dest, map[string]string{"index.html": "two"})
}

func TestAnInterruptedFallbackSwapIsRepaired(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	build(t, dest, map[string]string{"index.html": "one"})
	// Killed between the fallback's first two renames: the old site is
	// aside and there is no destination.
	if err := os.Rename(dest, filepath.Join(parent, ".public.swap")); err != nil {
		t.Fatal(err)
	}
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dest, "index.html")); got != "one" {
		t.Errorf("the site moved aside was not put back: index.html is %q", got)
	}
	writeAll(t, d, map[string]string{"index.html": "two"})
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, dest, map[string]string{"index.html": "two"})
	assertOnlyDestAndPrevious(t, parent)
}

func TestAForeignFolderWhereThePreviousBuildGoesIsKept(t *testing.T) {
	parent := t.TempDir()
	mine := filepath.Join(parent, ".public.previous", "notes.txt")
	if err := os.MkdirAll(filepath.Dir(mine), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDir(filepath.Join(parent, "public")); err == nil {
		t.Fatal("NewDir took over a folder of someone else's files")
	}
	if got := read(t, mine); got != "mine" {
		t.Errorf("a file of the foreign folder changed: %q", got)
	}
}

func TestASymbolicLinkInThePreviousSiteIsNotFollowed(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	outside := filepath.Join(parent, "outside.html")
	if err := os.WriteFile(outside, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	build(t, dest, map[string]string{"index.html": "one"})
	build(t, dest, map[string]string{"index.html": "two"})
	// Someone linked a page of the live site to a file outside it; the
	// next build gets that folder back as its previous site.
	if err := os.Symlink(outside, filepath.Join(dest, "page.html")); err != nil {
		t.Fatal(err)
	}
	build(t, dest, map[string]string{"index.html": "three"})
	build(t, dest, map[string]string{"index.html": "four", "page.html": "overwritten?"})
	if got := read(t, outside); got != "precious" {
		t.Errorf("a build wrote through a symbolic link: the file outside the site is %q", got)
	}
	sameTree(t, dest, map[string]string{"index.html": "four", "page.html": "overwritten?"})
}

func TestIsBuildRecognisesTheDestination(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	if IsBuild(dest) {
		t.Error("a missing folder is a build")
	}
	other := filepath.Join(parent, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "index.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if IsBuild(other) {
		t.Error("a folder playbook did not write is a build")
	}
	build(t, dest, map[string]string{"index.html": "one"})
	build(t, dest, map[string]string{"index.html": "two"})
	if !IsBuild(dest) || !IsBuild(Previous(dest)) {
		t.Error("the destination or the previous build is not recognised as a build")
	}
}

func TestWritersRefuseNamesOutsideTheSite(t *testing.T) {
	dir, err := NewDir(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Abort()
	for _, w := range []Writer{dir, NewMemory()} {
		for _, name := range []string{"../escape.html", "/etc/passwd", "a/../../b", "", "a\\b", "./a"} {
			if err := w.WriteFile(name, []byte("x")); err == nil {
				t.Errorf("%T wrote %q", w, name)
			}
		}
	}
}

// assertOnlyDestAndPrevious fails if anything but the destination and the
// previous build is in parent.
func assertOnlyDestAndPrevious(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	for _, n := range names {
		if !slices.Contains([]string{"public", ".public.previous", "outside.html"}, n) {
			t.Errorf("left behind: %s (in %v)", n, names)
		}
	}
}

func TestTheFallbackSwapWithoutExchange(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	for i, site := range []map[string]string{
		{"index.html": "1", "a/index.html": "a"},
		{"index.html": "2", "b/index.html": "b"},
		{"index.html": "3", "a/index.html": "a"},
	} {
		d, err := NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		d.exchange = func(a, b string) error { return errNoExchange }
		writeAll(t, d, site)
		if err := d.Commit(); err != nil {
			t.Fatalf("build %d: %v", i+1, err)
		}
		sameTree(t, dest, site)
		assertOnlyDestAndPrevious(t, parent)
	}
}
