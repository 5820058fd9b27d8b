package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/engine/enginetest"
	"github.com/opsplaybook/playbook/generator/output"
)

// TestBuildsKeepOnlyWhatTheirKeysVouchFor runs `playbook build` as a
// series of processes would: after each random edit (every kind of the
// differential test's), a new engine builds the site into the same
// destination with the same build cache, so that it leaves the files an
// earlier build made under the same dependency key (output.Keyed). The
// time of each build moves by some hours, sometimes past midnight, so
// that reviews fall due. After every build the destination must hold
// exactly what a fresh full build in memory makes.
func TestBuildsKeepOnlyWhatTheirKeysVouchFor(t *testing.T) {
	steps := 40
	if testing.Short() {
		steps = 20
	}
	s := &editSite{dir: copyExample(t), r: rand.New(rand.NewSource(*diffSeed))}
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	cache, err := buildcache.Open(filepath.Join(root, "cache"), buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	now := testNow.Add(9 * time.Hour)
	build := func(step string) (res *engine.Result, committed bool) {
		t.Helper()
		opt, err := siteOptions(s.dir, s.drafts)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		opt.Now = now
		opt.Cache = cache
		w, err := output.NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		w.UseCache(cache)
		opt.Out = w
		// A build with findings of error severity writes nothing
		// (playbook build), but its files are what is tested here.
		_, res, err = engine.New(context.Background(), opt)
		if err != nil {
			w.Abort()
			return res, false
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		opt.Out = nil
		sameFolderAsBuild(t, dest, opt, step)
		return res, true
	}
	build("first build")
	build("second build")
	kept, keptPages := 0, 0
	for i := range steps {
		e := edits[s.r.Intn(len(edits))]
		ch := e.do(s)
		if len(ch.content) == 0 && !ch.site {
			continue
		}
		if s.r.Intn(3) == 0 {
			now = now.Add(time.Duration(s.r.Intn(30)) * time.Hour)
		}
		step := fmt.Sprintf("step %d (%s %v, %s)", i, e.name, ch.content, now.Format(time.DateTime))
		res, ok := build(step)
		if ok && res.Kept > 0 {
			kept++
			if res.Rendered < res.Snapshot.Pages {
				keptPages++
			}
		}
		if testing.Verbose() {
			t.Logf("%s: %d rendered, %d kept", step, res.Rendered, res.Kept)
		}
	}
	if kept == 0 || keptPages == 0 {
		t.Errorf("of %d builds, %d kept files and %d kept pages: the keys kept nothing", steps, kept, keptPages)
	}
	t.Logf("%d builds kept files, %d of them pages", kept, keptPages)
}

// sameFolderAsBuild fails unless folder dir holds the files of a fresh
// full build with opt, byte for byte.
func sameFolderAsBuild(t *testing.T, dir string, opt engine.Options, step string) {
	t.Helper()
	mem := output.NewMemory()
	if _, _, err := engine.New(context.Background(), withOut(opt, mem)); err != nil {
		t.Fatalf("%s: the build into the folder passed, a fresh one did not: %v", step, err)
	}
	got := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == output.Marker {
			return nil
		}
		got[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(got))
	if want := mem.Names(); !slices.Equal(want, names) {
		t.Fatalf("%s: the folder has\n%s\na fresh build\n%s", step, strings.Join(names, " "), strings.Join(want, " "))
	}
	for _, n := range names {
		w, _ := mem.File(n)
		if !bytes.Equal(w, got[n]) {
			t.Fatalf("%s: %s differs from a fresh build:\n%s", step, n, enginetest.FirstDiff(w, got[n]))
		}
	}
}

func withOut(opt engine.Options, w output.Writer) engine.Options {
	opt.Out = w
	opt.Cache = nil
	return opt
}
