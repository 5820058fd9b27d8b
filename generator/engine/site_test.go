package engine_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/project"
)

var testNow = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// copyExample writes the example playbook as a site folder: playbook.yaml,
// content/ and rules/ (no layouts/ or assets/ of its own).
func copyExample(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(playbook.Content(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(playbook.Content(), p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, "content", p), data)
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range playbook.Rules() {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), data); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeFile(filepath.Join(dir, config.FileName), playbook.Config()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

// siteOptions opens a site folder as every command does (project.Open,
// which `playbook serve` also runs again after each change to the
// configuration, layouts, assets or rule files), at a fixed time.
func siteOptions(dir string, drafts bool) (engine.Options, error) {
	s, err := project.Open(project.Flags{Source: dir, SourceSet: true, Drafts: drafts, Version: "test"})
	if err != nil {
		return engine.Options{}, err
	}
	s.Options.Now = testNow
	return s.Options, nil
}

// sameAsBuild fails unless snap holds the files and findings of a fresh
// full build with opt (generator.Build into memory), byte for byte, or
// both failed.
func sameAsBuild(t testing.TB, snap *engine.Snapshot, opt engine.Options, step string) {
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
			t.Fatalf("%s: %s differs from a full build:\n%s", step, n, firstDiff(w, g))
		}
	}
	if a, b := findingsText(res.Findings), findingsText(snap.Findings); a != b {
		t.Fatalf("%s: findings differ from a full build:\nbuild:\n%s\nengine:\n%s", step, a, b)
	}
	if res.Pages != snap.Pages {
		t.Fatalf("%s: %d pages, a full build has %d", step, snap.Pages, res.Pages)
	}
}

// sameChanges fails unless res.Changed and res.Removed name exactly the
// files that differ between prev and res.Snapshot (serve reloads pages by
// them).
func sameChanges(t testing.TB, prev *engine.Snapshot, res *engine.Result, step string) {
	t.Helper()
	if res.Snapshot.Err != nil {
		return
	}
	var changed, removed []string
	for _, n := range res.Snapshot.Names() {
		now, _ := res.Snapshot.File(n)
		if was, ok := prev.File(n); !ok || !bytes.Equal(was, now) {
			changed = append(changed, n)
		}
	}
	for _, n := range prev.Names() {
		if _, ok := res.Snapshot.File(n); !ok {
			removed = append(removed, n)
		}
	}
	if !slices.Equal(changed, res.Changed) {
		t.Fatalf("%s: Result.Changed is\n%v\nbut these files changed:\n%v", step, res.Changed, changed)
	}
	if !slices.Equal(removed, res.Removed) {
		t.Fatalf("%s: Result.Removed is %v but these files are gone: %v", step, res.Removed, removed)
	}
}

func findingsText(f []diag.Finding) string {
	var b bytes.Buffer
	diag.Write(&b, diag.Text, f)
	return b.String()
}

func firstDiff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("build:  …%s…\nengine: …%s…", want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}
