package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/internal/testenv"
)

// TestCorporaBuildWithWarningsOnly builds the real playbooks that other
// teams wrote for MkDocs, Middleman and Docusaurus. Each must build (exit
// 0), every finding must be a warning, and every page must have a real
// title, not one made from its file name.
func TestCorporaBuildWithWarningsOnly(t *testing.T) {
	corporaDir := testenv.Corpora(t)
	tests := []struct {
		name, content string
		// allowedBroken lists the link/broken findings that are true
		// defects of the corpus itself.
		allowedBroken []string
		noBroken      bool
	}{
		{
			name:    "pagerduty-ir",
			content: "pagerduty-ir/docs",
			// The heading was renamed "Neglecting the postmortem and
			// followup activities." upstream; the link kept the old id,
			// and the finding names the new one.
			allowedBroken: []string{`link to "../../resources/anti_patterns.md#neglecting-the-post-mortem-and-followup-activities": ` + corporaDir + `/pagerduty-ir/docs/resources/anti_patterns.md has no heading with id "neglecting-the-post-mortem-and-followup-activities": did you mean "#neglecting-the-postmortem-and-followup-activities"?`},
			noBroken:      true,
		},
		{name: "govuk-manual", content: "govuk-manual/source/manual"},
		{name: "hackney-devsys", content: "hackney-devsys/docs", noBroken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := t.TempDir()
			dest := filepath.Join(site, "public")
			var stdout, stderr bytes.Buffer
			code := run([]string{"build", "-s", site, "--content", filepath.Join(corporaDir, tt.content), "-d", dest, "--format", "json"}, &stdout, &stderr)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			var finds []diag.Finding
			if err := json.Unmarshal(stdout.Bytes(), &finds); err != nil {
				t.Fatalf("findings are not JSON: %v\n%s", err, stdout.String())
			}
			for _, f := range finds {
				if f.Severity != diag.Warning || f.Line < 0 || f.Path == "" {
					t.Errorf("not a warning with a file: %v", f)
				}
				if tt.noBroken && f.Check == "link/broken" && !slices.Contains(tt.allowedBroken, f.Message) {
					t.Errorf("broken link: %v", f)
				}
			}
			var pages []struct {
				Title    string `json:"title"`
				URL      string `json:"url"`
				Source   string `json:"source"`
				Untitled bool   `json:"untitled"`
			}
			data, err := os.ReadFile(filepath.Join(dest, "pages.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &pages); err != nil {
				t.Fatal(err)
			}
			sources := 0
			for _, p := range pages {
				if p.Source == "" {
					continue
				}
				sources++
				if p.Title == "" || p.Untitled {
					t.Errorf("%s has no real title (got %q)", p.Source, p.Title)
				}
				if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(p.URL), "index.html")); err != nil {
					t.Errorf("%s: page %s not written: %v", p.Source, p.URL, err)
				}
			}
			if sources < 30 {
				t.Errorf("only %d pages built", sources)
			}
		})
	}
}
