package engine_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
	"github.com/opsplaybook/playbook/generator/output"
)

// A one-shot build (Options.Out set, as "playbook build" runs) releases
// each page's syntax tree and markdown once it is rendered, and past a
// budget of markdown parses bodies again when it renders them, so that its
// memory does not grow with the pages' trees and HTML. Whatever it keeps,
// it writes the site the live preview's engine, which keeps everything,
// holds.
func TestOneShotBuildWritesTheSameSiteWhateverTreesItKeeps(t *testing.T) {
	dir := copyExample(t)
	// Pages whose body opens with an H1, which Parse takes out of the
	// tree, and whose links are rewritten: a parse again must do the same.
	extra := map[string]string{
		"content/runbooks/platform/disk-full.md": "---\nowner: platform\nticket: PLAT-1\n---\n\n" +
			"# Disk full on a node\n\nSee [the crash loop runbook](pod-crashlooping.md#diagnosis) and <https://example.com/x>.\n\n" +
			"## Diagnosis\n\n- [ ] run `df -h`\n\n![graph](../../guides/missing.png)\n",
		"content/alerts/NodeDiskFull.md": "---\nalert: NodeDiskFull\nowner: platform\nticket: PLAT-2\nrunbook: runbooks/platform/disk-full\n---\n\n" +
			"# Another heading than the title\n\nThe [runbook](../runbooks/platform/disk-full.md) says what to do.\n",
		// Other tools' conventions, which Parse rewrites before goldmark
		// reads the body (markdown.Prepare): the body made again from
		// the file must be rewritten the same.
		"content/guides/tabs.md": "---\ntitle: Tabs\n---\n\nimport Tabs from '@theme/Tabs';\n\n" +
			"<Tabs>\n<TabItem label=\"Linux\">\n\nRun `df -h`.\n\n</TabItem>\n</Tabs>\n\n" +
			"=== \"macOS\"\n\n    Run `diskutil list`.\n\nSee [the runbook]({{< ref \"runbooks/platform/disk-full.md\" >}}).\n",
	}
	for name, text := range extra {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	opt, err := siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	want := res.Snapshot
	if want.Sources < 20 {
		t.Fatalf("the example has %d pages; the test needs a real site", want.Sources)
	}
	// A build cache that a build filled: every page's body, and its
	// search analysis, then come from it, and a page's body is made
	// again from its file when the page is rendered.
	cache, err := buildcache.Open(t.TempDir(), buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		budget int // 0: the default, which keeps every tree of the example
		cache  bool
	}{
		{"default budget", 0, false},
		{"no tree kept", -1, false},
		{"some trees kept", 4000, false},
		{"cold cache", 0, true},
		{"warm cache", 0, true},
		{"warm cache, no tree kept", -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opt
			mem := output.NewMemory()
			o.Out = mem
			if tc.cache {
				o.Cache = cache
			}
			engine.SetParsedBudget(&o, tc.budget)
			_, res, err := engine.New(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := mem.Names(), want.Names(); !slices.Equal(got, w) {
				for _, n := range w {
					if !slices.Contains(got, n) {
						t.Errorf("the build did not write %s", n)
					}
				}
				for _, n := range got {
					if !slices.Contains(w, n) {
						t.Errorf("the build wrote %s, which the live preview does not have", n)
					}
				}
				t.FailNow()
			}
			for _, n := range want.Names() {
				w, _ := want.File(n)
				g, _ := mem.File(n)
				if !bytes.Equal(w, g) {
					t.Fatalf("%s differs from the live preview's:\n%s", n, enginetest.FirstDiff(w, g))
				}
			}
			if a, b := findingsText(want.Findings), findingsText(res.Snapshot.Findings); a != b {
				t.Fatalf("findings differ:\nengine:\n%s\nbuild:\n%s", a, b)
			}
			if tc.cache && strings.HasPrefix(tc.name, "warm") && res.Parsed > 0 && cache.Stats().Hits == 0 {
				t.Errorf("the warm cache was not read")
			}
			// What the build keeps once it has written the site: no
			// page's syntax tree or markdown.
			for _, p := range res.Snapshot.Site.Pages {
				if p.Doc != nil || p.Body != nil || p.Outline.H1 != nil {
					t.Errorf("%s: the build still holds its syntax tree or markdown after writing it", p.File)
				}
				for _, l := range p.Links {
					if l.Node != nil {
						t.Errorf("%s: a link still points into the released syntax tree", p.File)
						break
					}
				}
			}
		})
	}
	// The live preview's engine keeps them, to render again after an edit.
	kept := 0
	for _, p := range want.Site.Pages {
		if p.Doc != nil {
			kept++
		}
	}
	if kept < want.Sources-5 {
		t.Errorf("the live preview's engine kept %d syntax trees of %d pages", kept, want.Sources)
	}
}
