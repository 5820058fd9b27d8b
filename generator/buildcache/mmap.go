package buildcache

import "runtime/debug"

// viewMapped calls f with the n bytes at off in the mapped pack m. done is
// false when m does not hold them (nil, or shorter), or reading them
// faults: a pack cut short on disk after it was mapped (by hand, or by a
// full disk's repair) makes its lost pages fault, which
// debug.SetPanicOnFault turns into a panic that is recovered here, and
// View reads the entry with a system call instead, which sees the cut.
// damaged is true when f returned false: the bytes are not a good entry.
// A panic of f that is not a fault is f's own, and goes on.
func viewMapped(m []byte, off int64, n uint32, f func(data []byte) bool) (done, damaged bool) {
	if off < 0 || off > int64(len(m)) || int64(n) > int64(len(m))-off {
		return false, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			done, damaged = false, false
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	ok := f(m[off : off+int64(n) : off+int64(n)])
	return ok, !ok
}
