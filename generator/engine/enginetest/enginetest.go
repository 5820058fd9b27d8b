// Package enginetest holds what the engine's tests and the live
// preview's tests share: the check that an engine's snapshot is what a
// fresh full build of the same files makes.
package enginetest

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
)

// SameAsBuild fails unless snap holds the files and findings of a fresh
// full build with opt (generator.Build into memory), byte for byte, or
// both failed.
func SameAsBuild(t testing.TB, snap *engine.Snapshot, opt engine.Options, step string) {
	t.Helper()
	mem := output.NewMemory()
	res, err := generator.Build(opt, mem)
	if err != nil {
		if snap.Err == nil {
			t.Fatalf("%s: the build failed (%v) but the engine did not", step, err)
		}
		return
	}
	if snap.Err != nil {
		t.Fatalf("%s: the engine failed (%v) but the build did not", step, snap.Err)
	}
	want, got := mem.Names(), snap.Names()
	if !slices.Equal(want, got) {
		for _, n := range want {
			if _, ok := snap.File(n); !ok {
				t.Errorf("%s: the engine lacks %s", step, n)
			}
		}
		for _, n := range got {
			if _, ok := mem.File(n); !ok {
				t.Errorf("%s: the engine has %s, which a build does not write", step, n)
			}
		}
		t.FailNow()
	}
	for _, n := range want {
		w, _ := mem.File(n)
		g, _ := snap.File(n)
		if !bytes.Equal(w, g) {
			t.Fatalf("%s: %s differs from a full build:\n%s", step, n, FirstDiff(w, g))
		}
	}
	if a, b := FindingsText(res.Findings), FindingsText(snap.Findings); a != b {
		t.Fatalf("%s: findings differ from a full build:\nbuild:\n%s\nengine:\n%s", step, a, b)
	}
	if res.Pages != snap.Pages {
		t.Fatalf("%s: %d pages, a full build has %d", step, snap.Pages, res.Pages)
	}
}

// FindingsText is findings as "playbook check" prints them.
func FindingsText(f []diag.Finding) string {
	var b bytes.Buffer
	diag.Write(&b, diag.Text, f)
	return b.String()
}

// FirstDiff shows where two files first differ.
func FirstDiff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("build:  …%s…\nengine: …%s…", want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}
