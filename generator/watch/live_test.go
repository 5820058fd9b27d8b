package watch_test

import (
	"bytes"
	"fmt"
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
	"github.com/opsplaybook/playbook/generator/output"
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

// sameAsBuild fails unless the session's site and findings are those of a
// fresh full build of the same files.
func sameAsBuild(t testing.TB, snap *engine.Snapshot, opt generator.Options, step string) {
	t.Helper()
	mem := output.NewMemory()
	res, err := generator.Build(opt, mem)
	if err != nil {
		if snap.Err == nil {
			t.Fatalf("%s: the build failed (%v) but the session did not", step, err)
		}
		return
	}
	if snap.Err != nil {
		t.Fatalf("%s: the session failed: %v", step, snap.Err)
	}
	want, got := mem.Names(), snap.Names()
	if !slices.Equal(want, got) {
		for _, n := range want {
			if _, ok := snap.File(n); !ok {
				t.Errorf("%s: the session lacks %s", step, n)
			}
		}
		for _, n := range got {
			if _, ok := mem.File(n); !ok {
				t.Errorf("%s: the session has %s, which a build does not write", step, n)
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
		t.Fatalf("%s: findings differ from a full build:\nbuild:\n%s\nsession:\n%s", step, a, b)
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
	return fmt.Sprintf("build:   …%s…\nsession: …%s…", want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}

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
