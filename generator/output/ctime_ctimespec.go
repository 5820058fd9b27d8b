//go:build darwin || ios || freebsd || netbsd

package output

import (
	"os"
	"syscall"
)

// ctime returns a file's status change time, in nanoseconds since 1970.
func ctime(info os.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ctimespec.Nano()
	}
	return 0
}
