//go:build unix

package output

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockDir holds an exclusive flock(2) on the folder dir until the
// returned func is called, waiting while another process holds it: two
// builds into the same destination take turns with its work folder.
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
