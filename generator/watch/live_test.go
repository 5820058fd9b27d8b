package watch_test

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
	"github.com/opsplaybook/playbook/generator/rules"
)

var testNow = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// exampleSite copies the example playbook's content into a new folder and
// returns the folder and the options a build of it takes.
func exampleSite(t testing.TB) (string, generator.Options) {
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
		return writeFile(filepath.Join(dir, p), data)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, siteOptions(dir)
}

func siteOptions(dir string) generator.Options {
	opt := generator.Options{
		Content: os.DirFS(dir), ContentPrefix: "content/",
		Config: playbook.Config(), ConfigFile: "playbook.yaml",
		Layouts: playbook.Layouts(), Assets: playbook.Assets(),
		Now: testNow, Version: "test",
	}
	for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
		opt.Rules = append(opt.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
	}
	return opt
}

func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, data, 0o644)
}

func sameAsBuild(t testing.TB, snap *engine.Snapshot, opt generator.Options, step string) {
	t.Helper()
	enginetest.SameAsBuild(t, snap, opt, step)
}

func findingsText(f []diag.Finding) string { return enginetest.FindingsText(f) }

func pageFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func cutFrontMatter(s string) (fm, body string, ok bool) {
	if !strings.HasPrefix(s, "---\n") {
		return "", s, true
	}
	i := strings.Index(s[4:], "\n---\n")
	if i < 0 {
		return "", "", false
	}
	return s[:4+i+5], s[4+i+5:], true
}

func dropLine(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func fsRead(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
