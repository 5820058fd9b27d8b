//go:build linux

package output

import (
	"bytes"
	"io"
	"io/fs"
	"sync"

	"golang.org/x/sys/unix"
)

// The files of a site are written with open(2), write(2), fstat(2) and
// close(2) on their descriptors: os.OpenFile also registers each file
// with Go's poller, four fcntl(2) calls and an epoll_ctl(2) more for a
// file never waited on, and a build writes some 20,000 files. The last
// part of a path is opened O_NOFOLLOW: a symbolic link put in a file's
// place since the scan is removed and replaced, never written through.

// create writes a new file, or replaces what is at full.
func create(full string, data []byte) (fileState, error) {
	fd, err := open(full, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC)
	if err == unix.ELOOP {
		// A symbolic link: the file takes its place.
		if err := unix.Unlink(full); err != nil && err != unix.ENOENT {
			return fileState{}, &fs.PathError{Op: "remove", Path: full, Err: err}
		}
		fd, err = open(full, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_EXCL)
	}
	if err != nil {
		return fileState{}, &fs.PathError{Op: "open", Path: full, Err: err}
	}
	err = writeAt(fd, data)
	var st unix.Stat_t
	if err == nil {
		err = fstat(fd, &st)
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return fileState{}, &fs.PathError{Op: "write", Path: full, Err: err}
	}
	return stateOfStat(&st), nil
}

// rewrite makes the existing file full hold data, in place, and reports
// whether it held data already, and its state after. A missing file is
// an error that is fs.ErrNotExist.
func rewrite(full string, data []byte) (bool, fileState, error) {
	fd, err := open(full, unix.O_RDWR)
	if err == unix.ELOOP {
		st, err := create(full, data)
		return false, st, err
	}
	if err != nil {
		return false, fileState{}, &fs.PathError{Op: "open", Path: full, Err: err}
	}
	same, st, err := sameBytes(fd, data)
	if err == nil && !same {
		if err = writeAt(fd, data); err == nil {
			err = ftruncate(fd, int64(len(data)))
		}
		if err == nil {
			err = fstat(fd, &st)
		}
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fileState{}, &fs.PathError{Op: "write", Path: full, Err: err}
	}
	return same, stateOfStat(&st), nil
}

func stateOfStat(st *unix.Stat_t) fileState {
	return fileState{size: st.Size, mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), ino: st.Ino}
}

var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// sameBytes reports whether the open file fd holds exactly data, and
// its state.
func sameBytes(fd int, data []byte) (bool, unix.Stat_t, error) {
	var st unix.Stat_t
	if err := fstat(fd, &st); err != nil {
		return false, st, err
	}
	if st.Size != int64(len(data)) {
		return false, st, nil
	}
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	if cap(*bp) < len(data)+1 {
		*bp = make([]byte, len(data)+1)
	}
	// One byte more than data, to see a file that grew meanwhile.
	buf := (*bp)[:len(data)+1]
	n := 0
	for n < len(buf) {
		m, err := unix.Pread(fd, buf[n:], int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false, st, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n == len(data) && bytes.Equal(buf[:n], data), st, nil
}

// open opens full (not following a symbolic link at its end), retrying
// when a signal interrupts it.
func open(full string, mode int) (int, error) {
	for {
		fd, err := unix.Open(full, mode|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o644)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// writeAt writes all of data at the start of fd.
func writeAt(fd int, data []byte) error {
	for off := 0; off < len(data); {
		n, err := unix.Pwrite(fd, data[off:], int64(off))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return io.ErrShortWrite
		}
		off += n
	}
	return nil
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		if err := unix.Fstat(fd, st); err != unix.EINTR {
			return err
		}
	}
}

func ftruncate(fd int, size int64) error {
	for {
		if err := unix.Ftruncate(fd, size); err != unix.EINTR {
			return err
		}
	}
}
