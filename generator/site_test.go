package generator_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/sites/*.txtar")

// testNow is the day every golden site is built on.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// TestSites builds each archive in testdata/sites. An archive holds a
// site's input files (playbook.yaml, content/..., layouts/..., rules/...
// for Prometheus rule files) and what the
// build must produce:
//
//	-- want/findings --            the findings, as "check" prints them
//	-- want/runbooks/db/ --        the <main> element of the page at that URL
//	-- want/contains/404.html --   lines that the output file must contain
//	-- want/lacks/_redirects --    lines that the output file must not contain
//
// With -update the findings and <main> sections are rewritten from the
// build; contains/ sections are kept as they are.
func TestSites(t *testing.T) {
	archives, err := filepath.Glob("testdata/sites/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, file := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			mem, finds := buildArchive(t, ar)
			changed := false
			for i, f := range ar.Files {
				name, ok := strings.CutPrefix(f.Name, "want/")
				if !ok {
					continue
				}
				var got string
				switch {
				case name == "findings":
					var b bytes.Buffer
					diag.Write(&b, diag.Text, finds)
					got = b.String()
				case strings.HasPrefix(name, "lacks/"):
					out := strings.TrimPrefix(name, "lacks/")
					data, _ := mem.File(out)
					for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						if line = strings.TrimSpace(line); line != "" && bytes.Contains(data, []byte(line)) {
							t.Errorf("%s contains\n\t%s\n--- it is:\n%s", out, line, data)
						}
					}
					continue
				case strings.HasPrefix(name, "contains/"):
					out := strings.TrimPrefix(name, "contains/")
					data, ok := mem.File(out)
					if !ok {
						t.Errorf("%s: not written; have %v", out, mem.Names())
						continue
					}
					for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						if line = strings.TrimSpace(line); line != "" && !bytes.Contains(data, []byte(line)) {
							t.Errorf("%s does not contain\n\t%s\n--- it is:\n%s", out, line, data)
						}
					}
					continue
				default:
					out := strings.TrimPrefix(name, "/")
					if out == "" || strings.HasSuffix(out, "/") {
						out += "index.html"
					}
					data, ok := mem.File(out)
					if !ok {
						t.Errorf("%s: not written; have %v", out, mem.Names())
						continue
					}
					got = mainOf(string(data))
				}
				if got == string(f.Data) {
					continue
				}
				if *update {
					ar.Files[i].Data = []byte(got)
					changed = true
					continue
				}
				t.Errorf("%s differs (run with -update to accept)\n--- got:\n%s\n--- want:\n%s", f.Name, got, f.Data)
			}
			if changed {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// buildArchive builds the site in an archive in memory.
func buildArchive(t *testing.T, ar *txtar.Archive) (*output.Memory, []diag.Finding) {
	t.Helper()
	return buildArchiveWith(t, ar, func(*generator.Options) {})
}

// buildArchiveWith is buildArchive with the options changed by set.
func buildArchiveWith(t *testing.T, ar *txtar.Archive, set func(*generator.Options)) (*output.Memory, []diag.Finding) {
	t.Helper()
	content, layouts := fstest.MapFS{}, fstest.MapFS{}
	var cfg []byte
	var ruleFiles []rules.File
	for _, f := range ar.Files {
		switch {
		case f.Name == "playbook.yaml":
			cfg = f.Data
		case strings.HasPrefix(f.Name, "content/"):
			content[strings.TrimPrefix(f.Name, "content/")] = &fstest.MapFile{Data: f.Data}
		case strings.HasPrefix(f.Name, "rules/"):
			ruleFiles = append(ruleFiles, rules.File{Path: f.Name, Data: f.Data})
		case strings.HasPrefix(f.Name, "layouts/"):
			layouts[strings.TrimPrefix(f.Name, "layouts/")] = &fstest.MapFile{Data: f.Data}
		}
	}
	mem := output.NewMemory()
	opt := generator.Options{
		Content:       content,
		ContentPrefix: "content/",
		Config:        cfg,
		ConfigFile:    "playbook.yaml",
		Rules:         ruleFiles,
		Layouts:       generator.Overlay(layouts, playbook.Layouts()),
		Assets:        playbook.Assets(),
		Now:           testNow,
		Version:       "test",
	}
	set(&opt)
	res, err := generator.Build(opt, mem)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return mem, res.Findings
}

// mainOf returns the <main> element of a page, the part a layout fills
// in, one element per line as the layout writes it.
func mainOf(page string) string {
	start := strings.Index(page, "<main")
	end := strings.LastIndex(page, "</main>")
	if start < 0 || end < 0 {
		return page
	}
	var b strings.Builder
	for _, l := range strings.Split(page[start:end+len("</main>")], "\n") {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestPreviewMarksFindings builds the archive of
// published-no-contributor-marks as the live preview does: there, for
// contributors, listings and the team page mark each page's findings,
// which the published build leaves out.
func TestPreviewMarksFindings(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/sites/published-no-contributor-marks.txtar")
	if err != nil {
		t.Fatal(err)
	}
	mem, finds := buildArchiveWith(t, ar, func(o *generator.Options) { o.LivePreview = true })
	n := 0
	for _, f := range finds {
		if f.Path == "content/runbooks/restart.md" {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no findings on the runbook: %v", finds)
	}
	want := fmt.Sprintf(`<span class="tag tag-invalid">%d finding`, n)
	for _, page := range []string{"runbooks/index.html", "teams/web/index.html"} {
		data, _ := mem.File(page)
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("%s in the preview does not mark the runbook's findings (%s)", page, want)
		}
	}
}
