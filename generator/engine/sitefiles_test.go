package engine_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator/engine"
)

// A page of the site at /search/ takes the place of the search results
// page; when it goes, the results page comes back.
func TestAPageAtSearchReplacesTheResultsPageUntilItGoes(t *testing.T) {
	content := fstest.MapFS{
		"guides/a.md": {Data: []byte("---\ntitle: A\n---\nText.\n")},
	}
	opt := engine.Options{Content: content, ContentPrefix: "content/", Config: []byte("title: T\n"), ConfigFile: "playbook.yaml",
		Layouts: playbook.Layouts(), Assets: playbook.Assets(), Version: "test"}
	e, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	results, ok := res.Snapshot.File("search/index.html")
	if !ok {
		t.Fatal("no results page at /search/")
	}
	content["search.md"] = &fstest.MapFile{Data: []byte("---\ntitle: How we search logs\n---\nOur own page.\n")}
	res, err = e.Update(context.Background(), engine.Change{Content: []string{"search.md"}})
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := res.Snapshot.File("search/index.html"); !strings.Contains(string(page), "How we search logs") {
		t.Fatalf("the site's own page at /search/ is not served:\n%.400s", page)
	}
	delete(content, "search.md")
	res, err = e.Update(context.Background(), engine.Change{Content: []string{"search.md"}})
	if err != nil {
		t.Fatal(err)
	}
	if page, ok := res.Snapshot.File("search/index.html"); !ok || string(page) != string(results) {
		t.Fatalf("the results page did not come back when the page at /search/ went (present: %v)", ok)
	}
}
