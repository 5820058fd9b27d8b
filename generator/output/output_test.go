package output

import (
	"os"
	"path/filepath"
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

func TestCommitReplacesTheWholeSite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	first, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, first, map[string]string{"index.html": "one", "old/index.html": "gone soon"})
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
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
	if got := read(t, filepath.Join(dest, "index.html")); got != "two" {
		t.Errorf("index.html is %q, want two", got)
	}
	if _, err := os.Stat(filepath.Join(dest, "old")); !os.IsNotExist(err) {
		t.Errorf("a file of the previous site survived: %v", err)
	}
	assertNoTemporaryFolders(t, filepath.Dir(dest))
}

func TestAbortLeavesThePreviousSiteWhole(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	first, _ := NewDir(dest)
	writeAll(t, first, map[string]string{"index.html": "good", "a/index.html": "a"})
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	failed, _ := NewDir(dest)
	writeAll(t, failed, map[string]string{"index.html": "half"})
	failed.Abort()
	if got := read(t, filepath.Join(dest, "index.html")); got != "good" {
		t.Errorf("index.html is %q after an aborted build, want good", got)
	}
	if got := read(t, filepath.Join(dest, "a", "index.html")); got != "a" {
		t.Errorf("a/index.html is %q after an aborted build", got)
	}
	assertNoTemporaryFolders(t, filepath.Dir(dest))
}

func TestWritersRefuseNamesOutsideTheSite(t *testing.T) {
	dir, _ := NewDir(filepath.Join(t.TempDir(), "public"))
	defer dir.Abort()
	for _, w := range []Writer{dir, NewMemory()} {
		for _, name := range []string{"../escape.html", "/etc/passwd", "a/../../b", "", "a\\b", "./a"} {
			if err := w.WriteFile(name, []byte("x")); err == nil {
				t.Errorf("%T wrote %q", w, name)
			}
		}
	}
}

func assertNoTemporaryFolders(t *testing.T, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "public" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
