package buildcache

import "runtime/debug"

// copyMapped returns a copy of the n bytes at off in the mapped pack m,
// or false when m does not hold them (nil, or shorter) or reading them
// faults: a pack cut short on disk after it was mapped (by hand, or by a
// full disk's repair) makes its lost pages fault, which
// debug.SetPanicOnFault turns into a panic that is recovered here, and
// Get reads the entry with a system call instead, which sees the cut.
func copyMapped(m []byte, off int64, n uint32) (b []byte, ok bool) {
	if off < 0 || off > int64(len(m)) || int64(n) > int64(len(m))-off {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			b, ok = nil, false
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b = make([]byte, n)
	copy(b, m[off:])
	return b, true
}
