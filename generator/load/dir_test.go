package load

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"syscall"
	"testing"
)

// Dir must read a content folder as os.DirFS does: the same pages with
// the same bytes, the same links followed and skipped.
func TestDirReadsAsOSDirFS(t *testing.T) {
	dir := t.TempDir()
	write := func(p string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.md", []byte("# Home\n"))
	write("empty.md", nil)
	write("guides/big.md", bytes.Repeat([]byte("A line of a long page.\n"), 50_000)) // 1.1 MB
	write("guides/img.png", []byte("png"))
	write("real/page.md", []byte("---\ntitle: Page\n---\nBody\n"))
	outside := filepath.Join(t.TempDir(), "outside.md")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, to := range map[string]string{"guides/inside.md": "../real/page.md", "secret.md": outside, "guides/realdir": "../real"} {
		if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	want, err := Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sources) != 6 {
		t.Errorf("%d pages, want 6", len(got.Sources))
	}
	// Dir reads each page's state beside its bytes, on Linux; os.DirFS
	// none.
	for i, src := range got.Sources {
		if runtime.GOOS == "linux" {
			info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(src.Path)))
			if err != nil {
				t.Fatal(err)
			}
			if src.State.Size != info.Size() || src.State.Mtime != info.ModTime().UnixNano() || !src.State.Valid() {
				t.Errorf("%s: state %+v, want size %d and time %d", src.Path, src.State, info.Size(), info.ModTime().UnixNano())
			}
		}
		got.Sources[i].State = State{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(Dir) = %+v\nLoad(os.DirFS) = %+v", got, want)
	}
}

// A named pipe in a page's place is refused at once: reading it would
// wait for a writer that never comes.
func TestDirRefusesWhatIsNotARegularFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes in the file system on Windows")
	}
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pipe.md", "folder.md"} {
		_, err := fs.ReadFile(Dir(dir), name)
		if !errors.Is(err, errNotRegular) {
			t.Errorf("ReadFile(%s) = %v, want %v", name, err, errNotRegular)
		}
	}
	for _, name := range []string{"../x.md", "/etc/passwd", "a/../b.md"} {
		if _, err := fs.ReadFile(Dir(dir), name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("ReadFile(%q) = %v, want an invalid name", name, err)
		}
	}
	if _, err := fs.ReadFile(Dir(dir), "missing.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing.md) = %v, want not exist", err)
	}
}
