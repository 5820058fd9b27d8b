//go:build linux || android || openbsd || dragonfly || solaris || illumos

package output

import (
	"os"
	"syscall"
)

// ctime returns a file's status change time, in nanoseconds since 1970.
func ctime(info os.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
