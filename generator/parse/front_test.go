package parse_test

import (
	"reflect"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/parse"
)

// A build cache filled by a build under other options (another content
// folder prefix, other declared fields, raw HTML allowed or not) gives
// each page as Parse makes it under the options of this build: every
// input of a cached value is in its key. Pages whose front matter is the
// same bytes in another format, or at another path, are told apart too.
func TestACacheFilledUnderOtherOptionsGivesThePagesParsed(t *testing.T) {
	srcs := append(sources(t),
		load.Source{Path: "x/yaml.md", Data: []byte("---\ntitle = \"A\"\ncover: wide\n---\n# B\n")},
		load.Source{Path: "x/toml.md", Data: []byte("+++\ntitle = \"A\"\ncover: wide\n+++\n# B\n")},
		load.Source{Path: "x/fields.md", Data: []byte("---\ntitle: A\ncover: wide\nlast_reviewed: 2026-03-01T10:00:00+01:00\n---\n<kbd>x</kbd> <span>y</span>\n")},
		load.Source{Path: "y/fields.md", Data: []byte("---\ntitle: A\ncover: wide\nlast_reviewed: 2026-03-01T10:00:00+01:00\n---\n<kbd>x</kbd> <span>y</span>\n")},
	)
	type variant struct {
		prefix string
		fields []string
		unsafe bool
	}
	variants := []variant{{"content/", nil, false}, {"docs/", nil, false}, {"content/", []string{"cover"}, false}, {"content/", nil, true}}
	opts := func(v variant, cache buildcache.Store) parse.Options {
		cfg := config.Default()
		cfg.Fields, cfg.UnsafeHTML = v.fields, v.unsafe
		return parse.Options{Config: cfg, Markdown: markdown.New(markdown.Options{UnsafeHTML: v.unsafe}), FilePrefix: v.prefix, Cache: cache}
	}
	for i, filled := range variants {
		for j, used := range variants {
			if i == j {
				continue
			}
			cache := &memStore{m: map[buildcache.Key][]byte{}}
			parse.All(srcs, opts(filled, cache))
			want := parse.All(srcs, opts(used, nil))
			got := parse.All(srcs, opts(used, cache))
			for k, w := range want {
				g := got[k]
				if !reflect.DeepEqual(g.Meta, w.Meta) || !reflect.DeepEqual(g.Findings, w.Findings) || !reflect.DeepEqual(parse.Body(g), w.Body) {
					t.Fatalf("%s, cache filled with %+v, read with %+v: the page from the cache differs:\n%+v\n%v\nparsed:\n%+v\n%v",
						w.File, filled, used, g.Meta, g.Findings, w.Meta, w.Findings)
				}
			}
		}
	}
}

// A page whose front matter is edited is decoded again, not taken from
// the cache: also one edited from one format to another with the same
// bytes between the fences.
func TestAnEditedFrontMatterIsDecodedAgain(t *testing.T) {
	cache := &memStore{m: map[buildcache.Key][]byte{}}
	opt := parse.Options{Config: config.Default(), Markdown: markdown.New(markdown.Options{}), FilePrefix: "content/", Cache: cache}
	fm := "title = \"A\"\nowner: b\n"
	yaml := load.Source{Path: "a.md", Data: []byte("---\n" + fm + "---\nText\n")}
	toml := load.Source{Path: "a.md", Data: []byte("+++\n" + fm + "+++\nText\n")}
	before := load.Source{Path: "a.md", Data: []byte("---\ntitle: A\nowner: b\n---\nText\n")}
	after := load.Source{Path: "a.md", Data: []byte("---\ntitle: A\nowner: c\n---\nText\n")}
	for _, pair := range [][2]load.Source{{yaml, toml}, {toml, yaml}, {before, after}} {
		parse.All(pair[:1], opt)
		got := parse.All(pair[1:], opt)[0]
		plain := opt
		plain.Cache = nil
		want := parse.All(pair[1:], plain)[0]
		if !reflect.DeepEqual(got.Meta, want.Meta) || !reflect.DeepEqual(got.Findings, want.Findings) {
			t.Errorf("%q after %q: from the cache\n%+v %v\nparsed\n%+v %v", pair[1].Data, pair[0].Data, got.Meta, got.Findings, want.Meta, want.Findings)
		}
	}
}
