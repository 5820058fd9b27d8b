package engine_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
)

// settle dates every file of the content folder an hour back and waits
// out the file system clock's tick, so that a build trusts them (the
// content index keeps no file changed just before the build read it).
func settle(t *testing.T, dir string) {
	t.Helper()
	past := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, past, past)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The status change time is now: it must be older than the window.
	time.Sleep(200 * time.Millisecond)
}

// indexSite builds the example site with a build cache into dest, as
// "playbook build" does, into a new destination each build when fresh.
type indexSite struct {
	t     *testing.T
	dir   string
	root  string
	cache buildcache.Store
	n     int
}

func newIndexSite(t *testing.T) *indexSite {
	dir := copyExample(t)
	root := t.TempDir()
	bc, err := buildcache.Open(filepath.Join(root, "cache"), buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return &indexSite{t: t, dir: dir, root: root, cache: bc}
}

// build builds the site and checks it against a build without the cache;
// fresh builds into a new destination, which renders every page.
func (s *indexSite) build(step string, fresh bool) *engine.Result {
	s.t.Helper()
	res, err := s.tryBuild(step, fresh)
	if err != nil {
		s.t.Fatalf("%s: %v", step, err)
	}
	return res
}

// tryBuild is build, but returns the error of a build that fails.
func (s *indexSite) tryBuild(step string, fresh bool) (*engine.Result, error) {
	t := s.t
	t.Helper()
	opt, err := siteOptions(s.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	opt.Cache = s.cache
	dest := filepath.Join(s.root, "public")
	if fresh {
		s.n++
		dest = filepath.Join(s.root, "fresh", strings.Repeat("x", s.n))
	}
	w, err := output.NewDirCache(dest, s.cache)
	if err != nil {
		t.Fatal(err)
	}
	opt.Out = w
	_, res, err := engine.New(context.Background(), opt)
	if err != nil {
		w.Abort()
		return nil, err
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	opt.Out, opt.Cache = nil, nil
	sameFolderAsBuild(t, dest, opt, step)
	return res, nil
}

// edit rewrites a page of the example with one word changed in its body,
// keeping its size.
func (s *indexSite) edit(rel, from, to string) string {
	s.t.Helper()
	if len(from) != len(to) {
		s.t.Fatalf("%q and %q differ in length", from, to)
	}
	p := filepath.Join(s.dir, "content", filepath.FromSlash(rel))
	data, err := os.ReadFile(p)
	if err != nil {
		s.t.Fatal(err)
	}
	edited := bytes.Replace(data, []byte(from), []byte(to), 1)
	if bytes.Equal(edited, data) {
		s.t.Fatalf("%s has no %q", rel, from)
	}
	if err := os.WriteFile(p, edited, 0o644); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// A build with a cache does not read the markdown files that are as the
// last build read them (the content index), and builds the same site as a
// build that reads them all: after a page's edit, that page alone is
// read; a page rendered again, or a build into a new destination, which
// renders every page, reads the file it needs then.
func TestBuildsReadOnlyTheFilesThatChanged(t *testing.T) {
	s := newIndexSite(t)
	settle(t, s.dir)
	first := s.build("first build", false)
	if first.Unread != 0 {
		t.Fatalf("first build: %d files left unread with no index yet", first.Unread)
	}
	pages := first.Parsed
	res := s.build("second build, nothing changed", false)
	if res.Parsed != pages || res.Unread != pages {
		t.Fatalf("second build, nothing changed: %d of %d files unread, want all", res.Unread, res.Parsed)
	}
	res = s.build("into a new destination", true)
	if res.Unread != pages {
		t.Fatalf("into a new destination: %d of %d files unread, want all", res.Unread, res.Parsed)
	}

	// The same size and modification time: only the status change
	// time tells.
	rel := "runbooks/payments/high-error-rate.md"
	info, err := os.Stat(filepath.Join(s.dir, "content", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	p := s.edit(rel, "the", "THE")
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	res = s.build("one body edited, its time set back", false)
	if res.Unread != pages-1 {
		t.Fatalf("one body edited: %d of %d files unread, want all but the one", res.Unread, res.Parsed)
	}
	res = s.build("after the edit", false)
	if res.Unread != pages {
		t.Fatalf("after the edit: %d of %d files unread, want all", res.Unread, res.Parsed)
	}
}

// A file whose times are not older than the build (one changed in the
// same tick of the clock as the build read it, here one dated ahead) is
// read by every build: the index never trusts it.
func TestTheIndexLeavesOutFilesChangedAsTheBuildRuns(t *testing.T) {
	s := newIndexSite(t)
	settle(t, s.dir)
	p := s.edit("runbooks/payments/high-error-rate.md", "the", "THE")
	ahead := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, ahead, ahead); err != nil {
		t.Fatal(err)
	}
	first := s.build("first build", false)
	for i := range 2 {
		res := s.build("a later build", false)
		if res.Unread != first.Parsed-1 {
			t.Fatalf("build %d: %d of %d files unread, want all but the one dated ahead", i+2, res.Unread, res.Parsed)
		}
	}
}

// missCache is a build cache that has lost every parsed body.
type missCache struct{ buildcache.Store }

func (c missCache) Get(k buildcache.Key) ([]byte, bool) {
	v, ok := c.Store.Get(k)
	if ok && bytes.HasPrefix(v, []byte("PBB2")) {
		return nil, false
	}
	return v, ok
}

// A file the index knows whose parsed body the cache lost is read and
// parsed: the site is the same.
func TestAFileTheIndexKnowsIsReadWhenTheCacheLostItsBody(t *testing.T) {
	s := newIndexSite(t)
	settle(t, s.dir)
	first := s.build("first build", false)
	s.cache = missCache{s.cache}
	res := s.build("the parsed bodies lost", true)
	if res.Unread != 0 || res.Parsed != first.Parsed {
		t.Fatalf("the parsed bodies lost: %d of %d files unread, want none of %d", res.Unread, res.Parsed, first.Parsed)
	}
}
