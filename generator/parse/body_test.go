package parse_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/internal/testenv"
	"github.com/opsplaybook/playbook/search"
)

// memStore is a build cache in memory.
type memStore struct {
	mu sync.Mutex
	m  map[buildcache.Key][]byte
}

func (s *memStore) Get(k buildcache.Key) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

func (s *memStore) Put(k buildcache.Key, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

// sources returns the markdown files of the example playbook and of the
// corpora of other tools' docs.
func sources(t *testing.T) []load.Source {
	var srcs []load.Source
	add := func(fsys fs.FS, prefix string) {
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".erb")) {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			srcs = append(srcs, load.Source{Path: prefix + p, Data: data})
			return nil
		})
	}
	add(playbook.Content(), "")
	if dir, ok := testenv.Lookup(t, testenv.CorporaVar); ok {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() {
				add(os.DirFS(filepath.Join(dir, e.Name())), e.Name()+"/")
			}
		}
	}
	return srcs
}

// A page whose body comes from the build cache is the page Parse makes of
// the file, but for its syntax tree and its body, which it makes again
// from the file's bytes it keeps (parse.Body): the same title, outline,
// findings and keys, the same body, and a tree made again (parse.Doc)
// that has the nodes of its links and gives the same search document.
// Its body's key is the one the page parsed with the cache has.
func TestAPageFromTheCacheIsThePageParsed(t *testing.T) {
	srcs := sources(t)
	if len(srcs) < 50 {
		t.Fatalf("only %d pages to compare", len(srcs))
	}
	for _, unsafe := range []bool{false, true} {
		cfg := config.Default()
		cfg.UnsafeHTML = unsafe
		md := markdown.New(markdown.Options{UnsafeHTML: unsafe})
		plain := parse.Options{Config: cfg, Markdown: md, FilePrefix: "content/"}
		cached := plain
		cached.Cache = &memStore{m: map[buildcache.Key][]byte{}}
		first := parse.All(srcs, cached) // fills the cache
		want := parse.All(srcs, plain)
		got := parse.All(srcs, cached)
		for i, w := range want {
			g := got[i]
			if g.Doc != nil || g.Body != nil || g.Raw == nil {
				t.Fatalf("%s: a page from the cache has a tree or a body, or not the file's bytes", g.File)
			}
			if first[i].Doc == nil || first[i].Raw != nil {
				t.Fatalf("%s: the page parsed with a cache has no tree, or keeps the file's bytes", g.File)
			}
			if g.BodyKey == ([32]byte{}) || g.BodyKey != first[i].BodyKey || w.BodyKey != ([32]byte{}) {
				t.Fatalf("%s: body keys %x from the cache, %x parsed with it, %x without", g.File, g.BodyKey, first[i].BodyKey, w.BodyKey)
			}
			if body := parse.Body(g); !bytes.Equal(body, w.Body) || (body == nil) != (w.Body == nil) {
				t.Fatalf("%s: the body made again\n%q\nparsed\n%q", g.File, body, w.Body)
			}
			doc, nodes, err := parse.Doc(g, md)
			if err != nil || doc == nil || len(nodes) != len(g.Outline.Links) {
				t.Fatalf("%s: the tree made again: %v", g.File, err)
			}
			again := *g
			again.Doc, again.Body = doc, parse.Body(g)
			wd, wok := search.DocOf(&site.Page{Parsed: w})
			gd, gok := search.DocOf(&site.Page{Parsed: &again})
			if wok != gok || !reflect.DeepEqual(wd, gd) {
				t.Errorf("%s: search document from the cache\n%+v\nparsed\n%+v", g.File, gd, wd)
			}
			wc, gc := *w, *g
			wc.Doc, gc.Doc = nil, nil
			wc.Outline.H1 = nil
			for j := range wc.Outline.Links {
				wc.Outline.Links[j].Node = nil
			}
			gc.Body, gc.Raw, gc.BodyKey, gc.Indexable = parse.Body(g), nil, [32]byte{}, false
			if !reflect.DeepEqual(wc, gc) {
				t.Errorf("%s (unsafe HTML %v): the page from the cache differs:\n%+v\nparsed:\n%+v", g.File, unsafe, gc, wc)
			}
		}
	}
}

// A page made from what the content index keeps of its file
// (parse.KnownOf, parse.FromKnown) is the page made from the file with
// the same cache, but that its bytes are not kept (Unread). A page whose
// file parse.Page cannot stand for without its bytes (front matter not
// closed, bytes that are not UTF-8) is not Indexable; and a cache that
// lost the parsed body gives no page, for the caller to read the file.
func TestAPageFromTheIndexIsThePageFromItsFile(t *testing.T) {
	srcs := sources(t)
	srcs = append(srcs,
		load.Source{Path: "bad/unclosed.md", Data: []byte("---\ntitle: Open\n\nbody\n")},
		load.Source{Path: "bad/latin1.md", Data: []byte("---\ntitle: Caf\xe9\n---\nbody\n")},
	)
	cfg := config.Default()
	md := markdown.New(markdown.Options{})
	opt := parse.Options{Config: cfg, Markdown: md, FilePrefix: "content/", Cache: &memStore{m: map[buildcache.Key][]byte{}}}
	first := parse.All(srcs, opt)
	indexable := 0
	for i, p := range first {
		k, ok := parse.KnownOf(p)
		if strings.HasPrefix(p.Path, "bad/") {
			if ok {
				t.Errorf("%s is Indexable", p.File)
			}
			continue
		}
		if !ok {
			continue
		}
		indexable++
		want := parse.Page(srcs[i], opt)
		got := parse.Page(load.Source{Path: p.Path, State: srcs[i].State, Known: true}, parse.Options{
			Config: cfg, Markdown: md, FilePrefix: "content/", Cache: opt.Cache,
			Known: func(path string) (parse.Known, bool) { return k, path == p.Path },
		})
		if got == nil || !got.Unread || got.Raw != nil {
			t.Fatalf("%s: the page from the index is %v, or not Unread, or keeps bytes", p.File, got)
		}
		got.Unread, got.Raw = false, want.Raw
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the page from the index differs:\n%+v\nfrom the file:\n%+v", p.File, got.Outline, want.Outline)
		}
		if lost := parse.FromKnown(p.Path, k, parse.Options{Config: cfg, Markdown: md, FilePrefix: "content/", Cache: &memStore{m: map[buildcache.Key][]byte{}}}); lost != nil {
			t.Fatalf("%s: a page from the index with no parsed body in the cache", p.File)
		}
	}
	if indexable < 50 {
		t.Fatalf("only %d pages from the index compared", indexable)
	}
}
