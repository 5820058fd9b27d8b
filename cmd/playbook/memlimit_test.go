package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// A build bounds the Go runtime's memory (DESIGN.md: 2.5 GiB at 100,000
// pages) unless the user set GOMEMLIMIT, whose limit the runtime has
// already taken and the build leaves as it is.
func TestBuildSetsASoftMemoryLimitUnlessGOMEMLIMITIsSet(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	debug.SetMemoryLimit(math.MaxInt64) // the runtime's default
	t.Setenv("GOMEMLIMIT", "8GiB")
	if got := limitMemory(); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the build changed the limit to %d", got)
	}
	os.Unsetenv("GOMEMLIMIT")
	if got := limitMemory(); got != buildMemoryLimit || got > 5<<29 {
		t.Errorf("the build's limit is %d, want %d (at most 2.5 GiB)", got, buildMemoryLimit)
	}
}
