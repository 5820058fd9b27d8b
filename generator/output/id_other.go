//go:build !unix

package output

import "os"

// folderID is not known here: a Dir keeps no keys (see UseCache).
func folderID(dir string) (string, bool) { return "", false }

func inode(info os.FileInfo) uint64 { return 0 }
