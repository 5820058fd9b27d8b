package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/engine"
)

// The search export is brought up to date beside the pages. When a page
// then fails to render, the update fails and publishes nothing: the next
// update must still write the search files the first one changed.
func TestAnUpdateAfterAFailedRenderWritesTheSearchFilesOfBoth(t *testing.T) {
	dir := copyExample(t)
	opt, err := siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	opt.SearchAPI = true
	eng, _, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	guides, _ := filepath.Glob(filepath.Join(dir, "content", "guides", "*", "*.md"))
	if len(guides) == 0 {
		t.Fatal("the example has no guides")
	}
	guide := guides[0]
	data, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(guide, append(data, "\nThe zebracorn is fed at noon.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// A layout that fails as each page is rendered, not as it is parsed.
	if err := writeFile(filepath.Join(dir, "layouts", "page.html"), []byte(`{{define "main"}}{{index .Meta.Tags 99}}{{end}}`)); err != nil {
		t.Fatal(err)
	}
	o, err := siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	o.SearchAPI = true
	rel, _ := filepath.Rel(filepath.Join(dir, "content"), guide)
	res, err := eng.Update(context.Background(), engine.Change{Content: []string{filepath.ToSlash(rel)}, Options: &o})
	if err == nil {
		t.Fatal("the update with the failing layout did not fail")
	}
	if res != nil && res.Snapshot != nil {
		for _, name := range res.Snapshot.Names() {
			if f, _ := res.Snapshot.File(name); strings.Contains(string(f), "zebracorn") {
				t.Fatalf("the failed update published %s, which has the new text", name)
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, "layouts", "page.html")); err != nil {
		t.Fatal(err)
	}
	o, err = siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	o.SearchAPI = true
	res, err = eng.Update(context.Background(), engine.Change{Options: &o})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, name := range res.Snapshot.Names() {
		if f, _ := res.Snapshot.File(name); strings.HasPrefix(name, "search/") && strings.Contains(string(f), "zebracorn") {
			found = true
		}
	}
	if !found {
		t.Error("no search file has the text added during the failed update")
	}
	sameAsBuild(t, res.Snapshot, o, "after the layout was fixed")
}
