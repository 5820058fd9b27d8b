package generator_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
)

var hrefRE = regexp.MustCompile(`(?i)(?:href|src)="([^"]*)"`)

// FuzzLinks builds a small site whose page links to an arbitrary
// destination. The build must not fail, a javascript: URL must never
// become a link, and a link the generator rewrote must lead to a file it
// wrote.
func FuzzLinks(f *testing.F) {
	for _, s := range []string{"other.md", "other.md#part", "../guides/other.md", "/guides/other/", "Other%20page.md", "<Other page.md>",
		"img/a.png", "#top", "https://example.org", "javascript:alert(1)", "JaVaScRiPt:x", "jav&#x61;script:x", "../../../../etc/passwd", "%zz", "other.html", "./", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dest string) {
		content := fstest.MapFS{
			"guides/page.md":       {Data: []byte("# Page\n\n[link](" + dest + ") and ![img](" + dest + ")\n\n[ref]\n\n[ref]: " + dest + "\n")},
			"guides/other.md":      {Data: []byte("# Other\n\n## Part\n")},
			"guides/Other page.md": {Data: []byte("# Other page\n")},
			"guides/img/a.png":     {Data: []byte("png")},
		}
		mem := output.NewMemory()
		_, err := generator.Build(generator.Options{
			Content: content, Config: []byte("title: Fuzz\n"), ConfigFile: "playbook.yaml",
			Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: testNow,
		}, mem)
		if err != nil {
			t.Fatalf("build failed: %v", err)
		}
		page, ok := mem.File("guides/page/index.html")
		if !ok {
			t.Fatal("page not written")
		}
		for _, m := range hrefRE.FindAllSubmatch(page, -1) {
			u := strings.ToLower(strings.TrimSpace(string(m[1])))
			if strings.HasPrefix(u, "javascript:") || strings.HasPrefix(u, "vbscript:") {
				t.Fatalf("dangerous URL rendered: %s", m[0])
			}
		}
		if bytes.Contains(page, []byte(`href="/guides/other/`)) {
			if _, ok := mem.File("guides/other/index.html"); !ok {
				t.Fatal("link to a page that was not written")
			}
		}
	})
}
