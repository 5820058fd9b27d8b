//go:build linux

package buildcache

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the file f, read-only and shared, or returns nil. An edit
// build reads tens of thousands of entries from a few packs: one mapping
// of each pack, whose pages the kernel maps in bulk as they are touched,
// costs less than a pread(2) of each entry. The mapping lasts as long as
// the process, as the open pack does.
func mapFile(f *os.File) []byte {
	info, err := f.Stat()
	if err != nil || info.Size() <= 0 || int64(int(info.Size())) != info.Size() {
		return nil
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(info.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil
	}
	return m
}
