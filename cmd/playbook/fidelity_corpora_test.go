package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/internal/testenv"
)

// buildCorpus builds a corpus's content folder as the command line does
// and returns the output folder and the findings.
func buildCorpus(t *testing.T, content string) (string, []diag.Finding) {
	t.Helper()
	corporaDir := testenv.Corpora(t)
	dest := filepath.Join(t.TempDir(), "public")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"build", "--content", filepath.Join(corporaDir, content), "-d", dest, "--format", "json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var finds []diag.Finding
	if err := json.Unmarshal(stdout.Bytes(), &finds); err != nil {
		t.Fatalf("findings are not JSON: %v", err)
	}
	return dest, finds
}

// TestGovukManualLinksResolveAsMiddlemanServedThem: the GOV.UK manual links
// to its pages as /manual/X.html (Middleman served source/manual there);
// those links resolve and the old URLs redirect.
func TestGovukManualLinksResolveAsMiddlemanServedThem(t *testing.T) {
	dest, finds := buildCorpus(t, "govuk-manual/source/manual")
	links := 0
	for _, f := range finds {
		if strings.HasPrefix(f.Check, "link/") {
			links++
		}
	}
	if links > 180 {
		t.Errorf("%d link findings, want at most 180 (410 before the manual's /manual/ prefix was read)", links)
	}
	redirects, err := os.ReadFile(filepath.Join(dest, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(redirects), "/manual/ab-testing.html /ab-testing/ 301\n") {
		t.Errorf("no redirect from the Middleman URL of ab-testing.html.md")
	}
}

var (
	docusaurusPrefix = regexp.MustCompile(`^\d+\s*[-_.]+\s*([^-_.\s].*)$`)
	docusaurusDate   = regexp.MustCompile(`^\d+[-_.]\d+`)
	frontMatterID    = regexp.MustCompile(`(?m)^id:\s*(\S+)\s*$`)
)

// TestHackneyPagesKeepTheirDocusaurusURLs: every page of the Docusaurus
// corpus is published at the URL Docusaurus gave it, or that URL
// redirects to it. The Docusaurus URL is worked out here on its own, from
// the docs plugin's documented rules (number prefixes, id, index pages).
func TestHackneyPagesKeepTheirDocusaurusURLs(t *testing.T) {
	dest, _ := buildCorpus(t, "hackney-devsys/docs")
	var pages []struct {
		URL    string `json:"url"`
		Source string `json:"source"`
	}
	data, err := os.ReadFile(filepath.Join(dest, "pages.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pages); err != nil {
		t.Fatal(err)
	}
	redirects, err := os.ReadFile(filepath.Join(dest, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range pages {
		if p.Source == "" {
			continue
		}
		checked++
		src, err := os.ReadFile(filepath.Join(testenv.Corpora(t), "hackney-devsys/docs", p.Source))
		if err != nil {
			t.Fatal(err)
		}
		segs := strings.Split(strings.TrimSuffix(strings.TrimSuffix(p.Source, ".md"), ".mdx"), "/")
		for i, s := range segs {
			if m := docusaurusPrefix.FindStringSubmatch(s); m != nil && !docusaurusDate.MatchString(s) {
				segs[i] = m[1]
			}
		}
		if m := frontMatterID.FindSubmatch(src); m != nil && bytes.HasPrefix(src, []byte("---")) {
			segs[len(segs)-1] = string(m[1])
		}
		if l := strings.ToLower(segs[len(segs)-1]); l == "index" || l == "readme" {
			segs = segs[:len(segs)-1]
		}
		want := "/" + strings.Join(segs, "/") + "/"
		if want == "//" {
			want = "/"
		}
		if p.URL == want {
			continue
		}
		line := names.EscapePath(want) + " " + p.URL + " 301\n"
		if !strings.Contains(string(redirects), line) {
			t.Errorf("%s: at %s, and its Docusaurus URL %s does not redirect there", p.Source, p.URL, want)
		}
	}
	if checked < 150 {
		t.Errorf("only %d pages checked", checked)
	}
}

// TestPagerdutySidebarFollowsMkDocsNav: the sidebar lists the pages in the
// order of mkdocs.yml's nav, with its section titles.
func TestPagerdutySidebarFollowsMkDocsNav(t *testing.T) {
	dest, _ := buildCorpus(t, "pagerduty-ir/docs")
	yml, err := os.ReadFile(filepath.Join(testenv.Corpora(t), "pagerduty-ir/mkdocs.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range regexp.MustCompile(`(?m)^\s*- [^:\n]+: '([^']+)\.md'\s*$`).FindAllSubmatch(yml, -1) {
		p := string(m[1])
		if p == "index" || strings.Contains(p, "courses/") {
			continue // the home page; a folder below a section, shown when open
		}
		want = append(want, "/"+strings.ToLower(p)+"/")
	}
	home, err := os.ReadFile(filepath.Join(dest, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	nav := home[bytes.Index(home, []byte(`<nav class="sidebar"`)):]
	// The home page's sidebar lists the sections and the pages at the
	// root; a section's own page shows that section open, with its pages.
	var got []string
	entry := regexp.MustCompile(`<p class="nav-page"><a href="([^"]+)"|<li class="depth-0 nav-all"><a href="([^"]+)"`)
	item := regexp.MustCompile(`<li class="depth-0"><a href="([^"]+)"`)
	for _, m := range entry.FindAllSubmatch(nav, -1) {
		if len(m[1]) > 0 {
			got = append(got, string(m[1]))
			continue
		}
		sec, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(string(m[2])), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		open := sec[bytes.Index(sec, []byte(`<details class="nav-section" open>`)):]
		open = open[:bytes.Index(open, []byte("</details>"))]
		for _, it := range item.FindAllSubmatch(open, -1) {
			got = append(got, string(it[1]))
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("sidebar order:\n got %v\nwant %v", got, want)
	}
	for _, title := range []string{"On-Call", "Before an Incident", "Additional Resources"} {
		if !bytes.Contains(nav, []byte("<summary>"+title+"</summary>")) {
			t.Errorf("no section %q in the sidebar", title)
		}
	}
}
