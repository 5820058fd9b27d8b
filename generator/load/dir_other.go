//go:build !linux

package load

import (
	"io/fs"
	"os"
)

// readFile reads the regular file at path, refusing anything else.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errNotRegular}
	}
	return os.ReadFile(path)
}

// readState is readFile with no State: only Linux's are read (see
// State), and a build then trusts no file it did not read.
func readState(path string) ([]byte, State, error) {
	data, err := readFile(path)
	return data, State{}, err
}

func statState(string) (State, bool) { return State{}, false }
