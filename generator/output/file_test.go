package output

import (
	"os"
	"path/filepath"
	"testing"
)

// A symbolic link put in a file's place (after the scan, or in a folder
// the build trusts) is replaced by the file, and what it leads to is
// never written.
func TestWritingAFileNeverWritesThroughALink(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "outside.txt")
	for _, tc := range []struct {
		name  string
		write func(full string, data []byte) (fileState, error)
	}{
		{"create", create},
		{"rewrite", func(full string, data []byte) (fileState, error) {
			_, st, err := rewrite(full, data)
			return st, err
		}},
	} {
		if err := os.WriteFile(outside, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		full := filepath.Join(dir, tc.name+".html")
		if err := os.Symlink(outside, full); err != nil {
			t.Fatal(err)
		}
		st, err := tc.write(full, []byte("<p>new</p>"))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if b, _ := os.ReadFile(outside); string(b) != "keep me" {
			t.Errorf("%s wrote through the link: the file it leads to holds %q", tc.name, b)
		}
		info, err := os.Lstat(full)
		if err != nil || !info.Mode().IsRegular() {
			t.Fatalf("%s: %s is %v (%v), want a regular file", tc.name, full, info, err)
		}
		if b, _ := os.ReadFile(full); string(b) != "<p>new</p>" {
			t.Errorf("%s: the file holds %q", tc.name, b)
		}
		if st != stateOf(info) {
			t.Errorf("%s: state %+v, want %+v", tc.name, st, stateOf(info))
		}
	}
}

// rewrite says whether the bytes were there already, and leaves exactly
// the new bytes: a longer file is cut, a shorter one grows.
func TestRewriteReportsSameBytesAndCuts(t *testing.T) {
	full := filepath.Join(t.TempDir(), "page.html")
	for _, tc := range []struct {
		before, after string
		same          bool
	}{
		{"same bytes", "same bytes", true},
		{"a longer page than the new one", "short", false},
		{"short", "a longer page than the old one", false},
		{"", "", true},
		{"abc", "abd", false},
	} {
		if err := os.WriteFile(full, []byte(tc.before), 0o644); err != nil {
			t.Fatal(err)
		}
		same, st, err := rewrite(full, []byte(tc.after))
		if err != nil {
			t.Fatal(err)
		}
		if same != tc.same {
			t.Errorf("%q to %q: same = %v", tc.before, tc.after, same)
		}
		b, _ := os.ReadFile(full)
		if string(b) != tc.after {
			t.Errorf("%q to %q: file holds %q", tc.before, tc.after, b)
		}
		if st.size != int64(len(tc.after)) {
			t.Errorf("%q to %q: state size %d", tc.before, tc.after, st.size)
		}
	}
	if _, _, err := rewrite(filepath.Join(filepath.Dir(full), "missing.html"), nil); !os.IsNotExist(err) {
		t.Errorf("rewrite of a missing file: %v, want not exist", err)
	}
}
