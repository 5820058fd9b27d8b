package main

import (
	"os"
	"runtime/debug"
)

// buildMemoryLimit is the soft memory limit of the Go runtime that a
// build sets (runtime/debug.SetMemoryLimit), in bytes: DESIGN.md's
// 2.5 GiB for 100,000 pages, less room for what the runtime does not
// count. Below it the collector works as usual (GOGC): a 10,000-page
// build never comes near it. Near it the collector runs more often
// rather than let the heap double: at 100,000 pages, whose live heap is
// about 1.2 GB, peak memory stays about 2 GiB for a few percent more CPU.
// It is a soft limit: a site whose live heap is larger still builds, with
// the collector taking at most about half the CPU. GOMEMLIMIT, when set,
// replaces it.
const buildMemoryLimit = 2 << 30

// limitMemory sets buildMemoryLimit unless GOMEMLIMIT is set, and
// returns the limit in force.
func limitMemory() int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
	return debug.SetMemoryLimit(-1)
}
