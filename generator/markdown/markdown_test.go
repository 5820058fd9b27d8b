package markdown

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the .html halves of testdata/*.txtar from the current output")

// A golden archive in testdata holds cases as pairs of files, NAME.md and
// NAME.html. Its comment may set options, one "name: value" a line; the
// only one is "unsafe_html: true".
type goldenCase struct {
	name     string
	md       []byte
	html     string
	htmlFile int // index of the .html file in the archive, or -1
}

func readGolden(t testing.TB, path string) (*txtar.Archive, Options, []goldenCase) {
	t.Helper()
	a, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var opt Options
	for line := range strings.Lines(string(a.Comment)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "unsafe_html":
			opt.UnsafeHTML = strings.TrimSpace(v) == "true"
		}
	}
	var cases []goldenCase
	index := map[string]int{}
	for i, f := range a.Files {
		name, ext := strings.TrimSuffix(f.Name, filepath.Ext(f.Name)), filepath.Ext(f.Name)
		j, ok := index[name]
		if !ok {
			j = len(cases)
			index[name] = j
			cases = append(cases, goldenCase{name: name, htmlFile: -1})
		}
		switch ext {
		case ".md":
			cases[j].md = f.Data
		case ".html":
			cases[j].html = string(f.Data)
			cases[j].htmlFile = i
		default:
			t.Fatalf("%s: %s: want NAME.md or NAME.html", path, f.Name)
		}
	}
	return a, opt, cases
}

// TestConvertMatchesGolden converts the .md half of every case in
// testdata/*.txtar and compares the result with its .html half. With
// -update it writes the results into the archives instead.
func TestConvertMatchesGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden archives: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			a, opt, cases := readGolden(t, path)
			m := New(opt)
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if c.md == nil {
						t.Fatalf("%s has no .md half", c.name)
					}
					got, err := m.Convert(c.md)
					if err != nil {
						t.Fatal(err)
					}
					if *update {
						cases[i].html = strings.TrimRight(got, "\n") + "\n"
						return
					}
					if c.htmlFile < 0 {
						t.Fatalf("%s has no .html half; run with -update", c.name)
					}
					if g, w := strings.TrimRight(got, "\n"), strings.TrimRight(c.html, "\n"); g != w {
						t.Errorf("%s.md:\n%s\ngot:\n%s\nwant:\n%s", c.name, c.md, g, w)
					}
				})
			}
			if *update {
				a.Files = a.Files[:0]
				for _, c := range cases {
					a.Files = append(a.Files,
						txtar.File{Name: c.name + ".md", Data: c.md},
						txtar.File{Name: c.name + ".html", Data: []byte(c.html)})
				}
				if err := os.WriteFile(path, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestConvertIsSafeForConcurrentUse(t *testing.T) {
	m := New(Options{})
	src := benchPage()
	want, err := m.Convert(src)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			got, _ := m.Convert(src)
			if got != want {
				errs <- got
				return
			}
			errs <- ""
		}()
	}
	for range 8 {
		if got := <-errs; got != "" {
			t.Errorf("concurrent conversion differs:\n%s", got)
		}
	}
}
