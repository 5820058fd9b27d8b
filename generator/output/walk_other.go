//go:build !linux

package output

import (
	"io/fs"
	"path/filepath"
)

// walkWork calls visit for everything under root (not root itself): its
// slash name relative to root, and whether it is a folder, a regular
// file or something else (a symbolic link is not followed). It never
// gives visit a file's state (stat is not called): the state is read
// when it is needed, and reads every folder (folders is not used).
func walkWork(root string, stat func() bool, _ folderCache, visit func(rel string, kind entryKind, st *fileState) error) error {
	return filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		kind := otherEntry
		switch {
		case e.IsDir():
			kind = folderEntry
		case e.Type().IsRegular():
			kind = fileEntry
		}
		return visit(filepath.ToSlash(rel), kind, nil)
	})
}
