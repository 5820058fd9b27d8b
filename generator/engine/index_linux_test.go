//go:build linux

package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A write through a shared memory mapping to a page already dirty changes
// a file's bytes without changing its times, which the content index
// trusts, as git's index does. A build that renders the page reads the
// file, finds it changed and fails; it takes the file out of the index,
// so that building again reads the file and shows its new bytes.
func TestAFileChangedBehindItsStateIsReadByTheNextBuild(t *testing.T) {
	s := newIndexSite(t)
	settle(t, s.dir)
	p := filepath.Join(s.dir, "content", "runbooks", "payments", "high-error-rate.md")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("Merchants' checkouts fail"))
	if at < 0 {
		t.Fatal("no sentence to change")
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, len(data), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	copy(m[at:], "MERCHANTS") // the page is dirty: its times are now
	time.Sleep(200 * time.Millisecond)
	s.build("first build", false)
	s.build("second build", false)
	before := stateOf(t, p)
	copy(m[at:], "MeRcHaNtS")
	if err := unix.Msync(m, unix.MS_SYNC); err != nil {
		t.Fatal(err)
	}
	if stateOf(t, p) != before {
		// The kernel wrote the page back between the two writes, and
		// the second one changed the file's times: the build reads it.
		t.Log("the second write changed the file's state")
		s.build("the file's state changed", true)
		return
	}
	// Into a new destination, which renders the page from its file.
	if _, err := s.tryBuild("changed behind its state", true); err == nil || !strings.Contains(err.Error(), "changed while the site was built") {
		t.Fatalf("a build that rendered a page whose file changed behind its state: %v, want that it changed", err)
	}
	res := s.build("built again", true)
	if res.Unread != res.Parsed-1 {
		t.Fatalf("built again: %d of %d files unread, want all but the one changed", res.Unread, res.Parsed)
	}
}

func stateOf(t *testing.T, p string) [4]int64 {
	t.Helper()
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return [4]int64{st.Size, st.Mtim.Nano(), st.Ctim.Nano(), int64(st.Ino)}
}
