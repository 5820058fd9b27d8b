//go:build !linux

package output

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
)

// create writes a new file, or replaces the file at full. A symbolic
// link at full is removed first, never written through (this check and
// the open are two steps here; Linux opens with O_NOFOLLOW).
func create(full string, data []byte) (fileState, error) {
	if err := removeLink(full); err != nil {
		return fileState{}, err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fileState{}, err
	}
	_, err = f.Write(data)
	var info os.FileInfo
	if err == nil {
		info, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fileState{}, err
	}
	return stateOf(info), nil
}

// rewrite makes the existing file full hold data, in place, and reports
// whether it held data already, and its state after. A missing file is
// an error that is fs.ErrNotExist.
func rewrite(full string, data []byte) (bool, fileState, error) {
	if info, err := os.Lstat(full); err == nil && info.Mode()&os.ModeSymlink != 0 {
		st, err := create(full, data)
		return false, st, err
	}
	f, err := os.OpenFile(full, os.O_RDWR, 0)
	if err != nil {
		return false, fileState{}, err
	}
	same, info, err := sameBytes(f, data)
	if err == nil && !same {
		if _, err = f.WriteAt(data, 0); err == nil {
			err = f.Truncate(int64(len(data)))
		}
		if err == nil {
			info, err = f.Stat()
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fileState{}, err
	}
	return same, stateOf(info), nil
}

// removeLink removes full when it is a symbolic link.
func removeLink(full string) error {
	if info, err := os.Lstat(full); err == nil && info.Mode()&os.ModeSymlink != 0 {
		return os.Remove(full)
	}
	return nil
}

var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// sameBytes reports whether the open file f holds exactly data, and
// what f.Stat says.
func sameBytes(f *os.File, data []byte) (bool, os.FileInfo, error) {
	st, err := f.Stat()
	if err != nil {
		return false, nil, err
	}
	if st.Size() != int64(len(data)) {
		return false, st, nil
	}
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	if cap(*bp) < len(data)+1 {
		*bp = make([]byte, len(data)+1)
	}
	buf := (*bp)[:len(data)+1]
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, nil, err
	}
	return n == len(data) && bytes.Equal(buf[:n], data), st, nil
}
