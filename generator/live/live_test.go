package live_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"math/rand"
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

// edit is one random change to a site's files; it returns the content
// paths it touched.
type edit struct {
	name string
	do   func(r *rand.Rand, dir string, pages []string) []string
}

func replaceIn(dir, p string, f func(string) string) {
	data, _ := os.ReadFile(filepath.Join(dir, p))
	os.WriteFile(filepath.Join(dir, p), []byte(f(string(data))), 0o644)
}

var edits = []edit{
	{"body word", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string { return strings.TrimRight(s, "\n") + fmt.Sprintf(" edited%d\n", r.Intn(1000)) })
		return []string{p}
	}},
	{"body paragraph", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string {
			_, body, ok := cutFrontMatter(s)
			if !ok {
				return s
			}
			return strings.Replace(s, body, "\nA new first paragraph.\n"+body, 1)
		})
		return []string{p}
	}},
	{"title", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string {
			if strings.HasPrefix(s, "---\n") {
				return "---\ntitle: Retitled " + fmt.Sprint(r.Intn(100)) + "\n" + dropLine(s[4:], "title:")
			}
			return s
		})
		return []string{p}
	}},
	{"heading", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string { return s + fmt.Sprintf("\n## Added heading %d\n\nText.\n", r.Intn(10)) })
		return []string{p}
	}},
	{"link to another page", func(r *rand.Rand, dir string, pages []string) []string {
		p, q := pages[r.Intn(len(pages))], pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string { return s + "\nSee [that page](/" + strings.TrimSuffix(q, ".md") + "/).\n" })
		return []string{p}
	}},
	{"broken link", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string { return s + "\nSee [nothing](nothing-here.md).\n" })
		return []string{p}
	}},
	{"broken front matter", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string { return strings.Replace(s, "\n---\n", "\n", 1) })
		return []string{p}
	}},
	{"delete", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		os.Remove(filepath.Join(dir, p))
		return []string{p}
	}},
	{"new page", func(r *rand.Rand, dir string, pages []string) []string {
		p := fmt.Sprintf("guides/new/page-%d.md", r.Intn(50))
		q := pages[r.Intn(len(pages))]
		writeFile(filepath.Join(dir, p), []byte("---\ntitle: A new page\n---\n\nLinks to [a page]("+"/"+strings.TrimSuffix(q, ".md")+"/).\n"))
		return []string{p}
	}},
	{"rename file", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		q := strings.TrimSuffix(p, ".md") + "-moved.md"
		os.Rename(filepath.Join(dir, p), filepath.Join(dir, q))
		return []string{p, q}
	}},
	{"rename folder", func(r *rand.Rand, dir string, pages []string) []string {
		p := filepath.ToSlash(filepath.Dir(pages[r.Intn(len(pages))]))
		if p == "." {
			return nil
		}
		q := p + "-moved"
		os.Rename(filepath.Join(dir, p), filepath.Join(dir, q))
		return []string{p, q}
	}},
	{"image", func(r *rand.Rand, dir string, pages []string) []string {
		p := fmt.Sprintf("guides/img-%d.png", r.Intn(3))
		writeFile(filepath.Join(dir, p), []byte{byte(r.Intn(256))})
		return []string{p}
	}},
	{"draft", func(r *rand.Rand, dir string, pages []string) []string {
		p := pages[r.Intn(len(pages))]
		replaceIn(dir, p, func(s string) string {
			if strings.HasPrefix(s, "---\n") {
				return "---\ndraft: true\n" + s[4:]
			}
			return s
		})
		return []string{p}
	}},
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

func TestRandomEditsLeaveTheSiteAFullBuildMakes(t *testing.T) {
	dir, opt := exampleSite(t)
	s, _, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	sameAsBuild(t, s.Snapshot(), opt, "first build")
	r := rand.New(rand.NewSource(1))
	steps := 50
	if testing.Short() {
		steps = 20
	}
	quick := 0
	for i := range steps {
		e := edits[r.Intn(len(edits))]
		pages := pageFiles(t, dir)
		var touched []string
		for range 1 + r.Intn(2) {
			touched = append(touched, e.do(r, dir, pages)...)
		}
		res, _ := s.Update(context.Background(), engine.Change{Content: touched})
		if res.Rendered < len(res.Snapshot.Site.Pages) {
			quick++
		}
		sameAsBuild(t, res.Snapshot, opt, fmt.Sprintf("step %d (%s %v)", i, e.name, touched))
	}
	if quick == 0 {
		t.Errorf("no edit took the quick path")
	}
}

func fsRead(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
