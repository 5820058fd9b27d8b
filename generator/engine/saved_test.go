package engine_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
)

// putCounter is a build cache that counts the values put in it that
// start with a prefix.
type putCounter struct {
	buildcache.Store
	prefix string
	mu     sync.Mutex
	puts   int
}

func (c *putCounter) Put(k buildcache.Key, v []byte) {
	if bytes.HasPrefix(v, []byte(c.prefix)) {
		c.mu.Lock()
		c.puts++
		c.mu.Unlock()
	}
	c.Store.Put(k, v)
}

// A build after one that left its pages' entries of catalog.json,
// llms.txt and pages.json in the build cache makes none of them again
// when no page changed what they show: it puts no new copy of them in
// the cache. When a page's title changes, its entries are made again
// (a copy is put), and the three files show the new title, as a build
// without the cache does.
func TestBuildsReadTheEntriesTheLastBuildLeft(t *testing.T) {
	dir := copyExample(t)
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	bc, err := buildcache.Open(filepath.Join(root, "cache"), buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	// The entries are encoded with this prefix (render's saved.go).
	cache := &putCounter{Store: bc, prefix: "PBRE"}
	build := func(step string) int {
		t.Helper()
		opt, err := siteOptions(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		opt.Cache = cache
		w, err := output.NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		w.UseCache(bc)
		opt.Out = w
		before := cache.puts
		if _, _, err := engine.New(context.Background(), opt); err != nil {
			w.Abort()
			t.Fatalf("%s: %v", step, err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		opt.Out, opt.Cache = nil, nil
		sameFolderAsBuild(t, dest, opt, step)
		return cache.puts - before
	}
	if n := build("first build"); n != 1 {
		t.Fatalf("first build: the entries were put in the cache %d times, want once", n)
	}
	if n := build("second build"); n != 0 {
		t.Fatalf("second build, nothing changed: the entries were put in the cache %d times, want none (they were made again)", n)
	}
	page := filepath.Join(dir, "content", "runbooks", "payments", "high-error-rate.md")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "\ntitle: ", "\ntitle: Renamed ", 1)
	if edited == string(data) {
		t.Fatalf("%s has no title: line", page)
	}
	if err := os.WriteFile(page, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := build("title edited"); n != 1 {
		t.Fatalf("title edited: the entries were put in the cache %d times, want once", n)
	}
	for _, name := range []string{"catalog.json", "llms.txt", "pages.json"} {
		b, err := os.ReadFile(filepath.Join(dest, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("Renamed ")) {
			t.Errorf("%s does not show the new title", name)
		}
	}
}
