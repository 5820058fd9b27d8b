//go:build linux

package load

import (
	"io/fs"

	"golang.org/x/sys/unix"
)

// readFile reads the regular file at path with open(2), fstat(2),
// read(2) and close(2): os.ReadFile also registers the file with Go's
// poller, which costs four fcntl(2) calls and an epoll_ctl(2) more for a
// file that is never waited on. The file is opened O_NONBLOCK, so that
// a named pipe put in a page's place fails at once (not a regular file)
// rather than wait for a writer; the flag means nothing for a regular
// file. A file that grows while it is read is read whole.
func readFile(path string) ([]byte, error) {
	data, _, err := readState(path)
	return data, err
}

// readState is readFile, and the file's State as it was before the read
// (a change during the read gives the file a later one).
func readState(path string) ([]byte, State, error) {
	fd, err := openFile(path)
	if err != nil {
		return nil, State{}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, State{}, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, State{}, &fs.PathError{Op: "read", Path: path, Err: errNotRegular}
	}
	state := stateOf(&st)
	// One byte more than the size, to see the end of the file in the
	// first read when it did not grow.
	data := make([]byte, 0, st.Size+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := unix.Read(fd, data[len(data):cap(data)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, State{}, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return data, state, nil
		}
		data = data[:len(data)+n]
	}
}

func openFile(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// statState returns the State of the regular file at path, following a
// symbolic link; ok is false for anything else.
func statState(path string) (State, bool) {
	var st unix.Stat_t
	for {
		err := unix.Stat(path, &st)
		if err == unix.EINTR {
			continue
		}
		if err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			return State{}, false
		}
		return stateOf(&st), true
	}
}

func stateOf(st *unix.Stat_t) State {
	return State{Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), Ino: st.Ino, Dev: uint64(st.Dev)}
}
