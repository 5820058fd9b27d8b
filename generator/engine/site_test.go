package engine_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
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

func sameAsBuild(t testing.TB, snap *engine.Snapshot, opt engine.Options, step string) {
	t.Helper()
	enginetest.SameAsBuild(t, snap, opt, step)
}

func findingsText(f []diag.Finding) string { return enginetest.FindingsText(f) }
