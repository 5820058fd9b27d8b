package output

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// walkWork finds what filepath.WalkDir finds: every folder and file, at
// any depth, also in a folder too large for one read of its entries, and
// a symbolic link as neither (not followed).
func TestWalkWorkFindsWhatWalkDirFinds(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"a/b/c", "big", "empty", "é ü"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(dir)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := []string{"index.html", "a/x.html", "a/b/c/deep.json", "é ü/f.txt"}
	for i := range 3000 {
		files = append(files, fmt.Sprintf("big/file-with-a-long-name-%04d.json", i))
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(f)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	want := map[string]entryKind{}
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		kind := otherEntry
		if e.IsDir() {
			kind = folderEntry
		} else if e.Type().IsRegular() {
			kind = fileEntry
		}
		want[filepath.ToSlash(rel)] = kind
		return nil
	})
	got := map[string]entryKind{}
	err := walkWork(root, func() bool { return false }, nil, func(rel string, kind entryKind, _ *fileState) error {
		if _, dup := got[rel]; dup {
			t.Errorf("%s visited twice", rel)
		}
		got[rel] = kind
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("walkWork found %d entries, WalkDir %d", len(got), len(want))
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %v, want %v", k, got[k], v)
			}
		}
	}
	if want["link"] != otherEntry || len(want) != len(files)+6+1 {
		t.Fatalf("the tree is not as the test meant: %d entries, link %v", len(want), want["link"])
	}
}

// The states walkWork reads of the files, where it reads them (Linux),
// are those an lstat of each file gives, which Keep compares with what
// the last build left: else every kept page would be made again.
func TestWalkWorkReadsTheStatesLstatReads(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, f := range []string{"index.html", "a/x.html", "a/b/deep.json"} {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(f)), []byte(strings.Repeat("x", i*100)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "index.html"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	states := 0
	err := walkWork(root, func() bool { return true }, nil, func(rel string, kind entryKind, st *fileState) error {
		if kind != fileEntry {
			if st != nil {
				t.Errorf("%s, not a file, has a state", rel)
			}
			return nil
		}
		if st == nil {
			if runtime.GOOS == "linux" {
				t.Errorf("%s: no state", rel)
			}
			return nil
		}
		states++
		info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		if want := stateOf(info); *st != want {
			t.Errorf("%s: state %+v, lstat gives %+v", rel, *st, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && states != 3 {
		t.Errorf("%d states read, want 3", states)
	}
	if err := walkWork(root, func() bool { return false }, nil, func(rel string, _ entryKind, st *fileState) error {
		if st != nil {
			t.Errorf("%s: a state read when none was asked for", rel)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
