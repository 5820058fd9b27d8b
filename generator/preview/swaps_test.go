package preview_test

import (
	"context"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
)

// A stylesheet edit swaps the stylesheet in the open pages; an edit that
// changes or removes anything else reloads them.
func TestStyleSwapsOnlyForAStylesheetEdit(t *testing.T) {
	ctx := context.Background()
	content := fstest.MapFS{
		"guides/a.md": {Data: []byte("---\ntitle: A\n---\nText of a.\n")},
		"guides/b.md": {Data: []byte("---\ntitle: B\n---\nText of b.\n")},
	}
	assets := fstest.MapFS{"style.css": {Data: []byte("body { color: black; }\n")}}
	opt := engine.Options{
		Content: content, Layouts: playbook.Layouts(), Assets: generator.Overlay(assets, playbook.Assets()),
		Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Version: "test", LivePreview: true,
	}
	e, res, err := engine.New(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	update := func(ch engine.Change) (*engine.Result, *engine.Snapshot) {
		t.Helper()
		prev := e.Snapshot()
		res, err := e.Update(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		return res, prev
	}

	assets["style.css"] = &fstest.MapFile{Data: []byte("body { color: navy; }\n")}
	o := opt
	res, prev := update(engine.Change{Options: &o})
	swaps := preview.StyleSwaps(res, prev)
	if len(swaps) != 1 {
		t.Fatalf("a stylesheet edit gave swaps %v; changed %v, removed %v", swaps, res.Changed, res.Removed)
	}
	for old, new := range swaps {
		if path.Ext(old) != ".css" || path.Ext(new) != ".css" || old == new || !strings.HasPrefix(path.Base(old), "style.") {
			t.Fatalf("swaps %v are not the old and new style.css", swaps)
		}
		if _, ok := res.Snapshot.File(new); !ok {
			t.Fatalf("the new stylesheet %s is not in the site", new)
		}
	}

	content["guides/a.md"] = &fstest.MapFile{Data: []byte("---\ntitle: A, renamed\n---\nText of a.\n")}
	res, prev = update(engine.Change{Content: []string{"guides/a.md"}})
	if swaps := preview.StyleSwaps(res, prev); swaps != nil {
		t.Fatalf("a title edit gave swaps %v", swaps)
	}

	delete(content, "guides/b.md")
	res, prev = update(engine.Change{Content: []string{"guides/b.md"}})
	if len(res.Removed) == 0 {
		t.Fatal("removing a page removed no file")
	}
	if swaps := preview.StyleSwaps(res, prev); swaps != nil {
		t.Fatalf("removing a page gave swaps %v", swaps)
	}
}
