//go:build !(linux || android || openbsd || dragonfly || solaris || illumos || darwin || ios || freebsd || netbsd)

package output

import "os"

// ctime returns 0: the status change time is not known here (Windows,
// and AIX, whose is not kept), and a file's state is its size,
// modification time and inode alone.
func ctime(info os.FileInfo) int64 { return 0 }
