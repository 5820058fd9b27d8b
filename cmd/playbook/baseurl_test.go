package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeUnderBasePath checks that the preview serves a site where its
// links lead: under the path of base_url, or of --base-url, which wins.
func TestServeUnderBasePath(t *testing.T) {
	dir := writeServeSite(t)
	if err := os.WriteFile(filepath.Join(dir, "playbook.yaml"), []byte("title: Serve\nbase_url: https://example.github.io/ops/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		path string // the base path
	}{
		{"base_url", nil, "/ops/"},
		{"--base-url", []string{"--base-url", "https://deploy-preview-7--x.netlify.app/"}, "/"},
		{"--base-url with a path", []string{"--base-url", "https://preview.example.org/pr-7"}, "/pr-7/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := startServe(t, dir, nil, c.args...) + "/"
			if !strings.HasSuffix(url, c.path) || strings.HasSuffix(url, "//") {
				t.Fatalf("serving on %s, want the base path %s", url, c.path)
			}
			root := strings.TrimSuffix(url, c.path)
			code, body := get(t, url+"runbooks/restart/")
			if code != http.StatusOK {
				t.Fatalf("%srunbooks/restart/: %d", url, code)
			}
			css := regexp.MustCompile(`href="(` + regexp.QuoteMeta(c.path) + `assets/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(body)
			if css == nil {
				t.Fatalf("the runbook links no stylesheet under %s:\n%s", c.path, body)
			}
			if code, _ := get(t, root+css[1]); code != http.StatusOK {
				t.Errorf("%s%s, the page's stylesheet: %d", root, css[1], code)
			}
			if !strings.Contains(body, `href="`+c.path+`guides/kafka/"`) {
				t.Errorf("the runbook's link to the guide is not under %s", c.path)
			}
			// "/" leads to the home page, as a browser opening the bare
			// address expects.
			if code, body := get(t, root+"/"); code != http.StatusOK || !strings.Contains(body, `data-page="`+c.path+`"`) {
				t.Errorf("%s/: %d, not the home page", root, code)
			}
		})
	}
}
