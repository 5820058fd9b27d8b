package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/internal/testenv"
)

// buildSite runs "playbook build" with args and fails the test unless it
// exits 0; it returns stderr.
func buildSite(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"build"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("playbook build %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stderr.String()
}

// siteFiles returns every file under dir with its bytes.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameSite fails the test unless two built sites have the same files with
// the same bytes.
func sameSite(t *testing.T, want, got string) {
	t.Helper()
	a, b := siteFiles(t, want), siteFiles(t, got)
	if len(a) == 0 {
		t.Fatalf("%s is empty", want)
	}
	n := 0
	for name, data := range a {
		if other, ok := b[name]; !ok {
			t.Errorf("%s: missing from %s", name, got)
		} else if other != data {
			t.Errorf("%s differs between %s and %s", name, want, got)
		}
		if n++; t.Failed() && n > 10 {
			t.FailNow()
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("%s: only in %s", name, got)
		}
	}
}

// cacheEntry is an entry of a build cache: the copy a build reads for
// its key.
type cacheEntry struct {
	pack   string // the pack file holding it
	off    int64  // where it starts in the pack
	stored buildcache.Key
	data   []byte // cut short when the pack is
}

// cacheEntries returns the entries of this version of the build cache in
// cacheDir, read through the packs' indexes, the newest pack's copy of
// each key.
func cacheEntries(t *testing.T, cacheDir string) []cacheEntry {
	t.Helper()
	v, err := cacheVersion()
	if err != nil {
		t.Fatal(err)
	}
	indexes, err := filepath.Glob(filepath.Join(cacheDir, "build", "*"+buildcache.IndexExt))
	if err != nil {
		t.Fatal(err)
	}
	at := map[buildcache.Key]int{}
	var out []cacheEntry
	for _, p := range indexes {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := buildcache.DecodeIndex(data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if ix.Version != v {
			continue
		}
		pack := strings.TrimSuffix(p, buildcache.IndexExt) + buildcache.PackExt
		packData, err := os.ReadFile(pack)
		if err != nil {
			t.Fatal(err)
		}
		for _, ie := range ix.Entries {
			from, to := min(ie.Offset, int64(len(packData))), min(ie.Offset+int64(ie.Length), int64(len(packData)))
			e := cacheEntry{pack: pack, off: ie.Offset, stored: ie.Key, data: packData[from:to]}
			if i, ok := at[e.stored]; ok {
				out[i] = e
			} else {
				at[e.stored] = len(out)
				out = append(out, e)
			}
		}
	}
	return out
}

// cacheFiles returns the names in the build cache's folder.
func cacheFiles(t *testing.T, cacheDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cacheDir, "build"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// cachePacks returns the packs that hold entries.
func cachePacks(entries []cacheEntry) []string {
	var packs []string
	for _, e := range entries {
		if !slices.Contains(packs, e.pack) {
			packs = append(packs, e.pack)
		}
	}
	return packs
}

// writePack writes a pack of entries (stored key and encoded entry) and
// its index under id in the build cache of cacheDir.
func writePack(t *testing.T, cacheDir, id string, keys []buildcache.Key, entries [][]byte) {
	t.Helper()
	v, err := cacheVersion()
	if err != nil {
		t.Fatal(err)
	}
	ix := buildcache.Index{Version: v}
	var pack []byte
	for i, e := range entries {
		ix.Entries = append(ix.Entries, buildcache.IndexEntry{Key: keys[i], Offset: int64(len(pack)), Length: len(e)})
		pack = append(pack, e...)
	}
	ix.PackSize = int64(len(pack))
	base := filepath.Join(cacheDir, "build", id)
	if err := os.WriteFile(base+buildcache.PackExt, pack, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+buildcache.IndexExt, buildcache.EncodeIndex(ix), 0o644); err != nil {
		t.Fatal(err)
	}
}

// highlighted returns the entries whose value is a highlighted code block.
func highlighted(t *testing.T, entries []cacheEntry) []cacheEntry {
	t.Helper()
	v, err := cacheVersion()
	if err != nil {
		t.Fatal(err)
	}
	var out []cacheEntry
	for _, e := range entries {
		value, err := buildcache.Decode(e.data, e.stored, v)
		if err != nil {
			t.Fatalf("%s at %d: %v", e.pack, e.off, err)
		}
		if bytes.HasPrefix(value, []byte(`<pre class="chroma">`)) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		t.Fatal("no highlighted code block in the cache")
	}
	return out
}

// repoRoot is the example playbook: the repository's root.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestAWarmCacheBuildsTheSiteANoCacheBuildDoes(t *testing.T) {
	site := repoRoot(t)
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "cache")
	buildSite(t, "-s", site, "--no-cache", "-d", filepath.Join(tmp, "plain"))
	if _, err := os.Stat(cache); err == nil {
		t.Fatal("--no-cache made a cache folder")
	}
	buildSite(t, "-s", site, "--cache-dir", cache, "-d", filepath.Join(tmp, "cold"))
	filled := cacheEntries(t, cache)
	highlighted(t, filled)
	files := cacheFiles(t, cache)
	buildSite(t, "-s", site, "--cache-dir", cache, "-d", filepath.Join(tmp, "warm"))
	sameSite(t, filepath.Join(tmp, "plain"), filepath.Join(tmp, "cold"))
	sameSite(t, filepath.Join(tmp, "plain"), filepath.Join(tmp, "warm"))
	// The same pages need no new entries; the two new entries are what
	// the build remembers of its destination's files (output.Keyed)
	// and folders, in a pack of its own.
	if n := len(cacheEntries(t, cache)); n != len(filled)+2 {
		t.Errorf("the warm build left %d entries, the cold one %d: want two more, the tables of the new destination's files and folders", n, len(filled))
	}
	if after := cacheFiles(t, cache); len(after) != len(files)+2 || !slices.Equal(after[:len(files)], files) {
		t.Errorf("the cold build left %v in the cache, the warm one %v: want one pack and its index more", files, after)
	}
}

func TestAWarmBuildTakesHighlightedCodeFromTheCache(t *testing.T) {
	site := repoRoot(t)
	tmp := t.TempDir()
	cache := filepath.Join(tmp, "cache")
	buildSite(t, "-s", site, "--cache-dir", cache, "-d", filepath.Join(tmp, "cold"))
	v, err := cacheVersion()
	if err != nil {
		t.Fatal(err)
	}
	// A whole entry of this version is trusted: its value is what the
	// page shows.
	e := highlighted(t, cacheEntries(t, cache))[0]
	const poison = `<pre class="chroma">SERVED-FROM-THE-CACHE</pre>`
	// A newer pack's copy of a key is the one read.
	writePack(t, cache, "ffffffffffffffff-00000000", []buildcache.Key{e.stored}, [][]byte{buildcache.Encode(e.stored, v, []byte(poison))})
	warm := filepath.Join(tmp, "warm")
	buildSite(t, "-s", site, "--cache-dir", cache, "-d", warm)
	found := false
	for _, data := range siteFiles(t, warm) {
		found = found || strings.Contains(data, "SERVED-FROM-THE-CACHE")
	}
	if !found {
		t.Error("a warm build did not read the highlighted block from the cache")
	}
}

func TestDamagedOrForeignCacheEntriesAreIgnored(t *testing.T) {
	site := repoRoot(t)
	tmp := t.TempDir()
	plain := filepath.Join(tmp, "plain")
	buildSite(t, "-s", site, "--no-cache", "-d", plain)
	edit := func(t *testing.T, p string, f func([]byte) []byte) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, cache string, entries []cacheEntry)
	}{
		{"a byte flipped in each entry", func(t *testing.T, _ string, entries []cacheEntry) {
			for _, e := range entries {
				edit(t, e.pack, func(b []byte) []byte { b[e.off+int64(len(e.data))-1] ^= 0x01; return b })
			}
		}},
		{"the packs cut in half", func(t *testing.T, _ string, entries []cacheEntry) {
			for _, p := range cachePacks(entries) {
				edit(t, p, func(b []byte) []byte { return b[:len(b)/2] })
			}
		}},
		{"the packs emptied", func(t *testing.T, _ string, entries []cacheEntry) {
			for _, p := range cachePacks(entries) {
				edit(t, p, func([]byte) []byte { return nil })
			}
		}},
		{"entries written by another version", func(t *testing.T, cache string, entries []cacheEntry) {
			// Each pack rewritten in place, with its index.
			for _, p := range cachePacks(entries) {
				var keys []buildcache.Key
				var foreign [][]byte
				for _, e := range entries {
					if e.pack == p {
						keys = append(keys, e.stored)
						foreign = append(foreign, buildcache.Encode(e.stored, "v0.0.1", []byte(`<pre class="chroma">FROM-ANOTHER-VERSION</pre>`)))
					}
				}
				writePack(t, cache, strings.TrimSuffix(filepath.Base(p), buildcache.PackExt), keys, foreign)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := filepath.Join(t.TempDir(), "cache")
			dest := filepath.Join(t.TempDir(), "site")
			buildSite(t, "-s", site, "--cache-dir", cache, "-d", dest)
			tc.damage(t, cache, cacheEntries(t, cache))
			// Two builds into the same destination: the second
			// updates the folder of the first, and reads what the
			// cache says of its files (output.Keyed).
			buildSite(t, "-s", site, "--cache-dir", cache, "-d", dest)
			sameSite(t, plain, dest)
			buildSite(t, "-s", site, "--cache-dir", cache, "-d", dest)
			sameSite(t, plain, dest)
			// The bad entries were replaced by good ones, which the
			// next build reads.
			v, err := cacheVersion()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range cacheEntries(t, cache) {
				if _, err := buildcache.Decode(e.data, e.stored, v); err != nil {
					t.Errorf("%s at %d left in the cache: %v", e.pack, e.off, err)
				}
			}
		})
	}
}

func TestACorpusBuildsTheSameWithAWarmCache(t *testing.T) {
	corpora := testenv.Corpora(t)
	content := filepath.Join(corpora, "pagerduty-ir", "docs")
	tmp := t.TempDir()
	site := filepath.Join(tmp, "site")
	if err := os.Mkdir(site, 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(tmp, "cache")
	args := []string{"-s", site, "--content", content, "--format", "json"}
	buildSite(t, append(args, "--no-cache", "-d", filepath.Join(tmp, "plain"))...)
	buildSite(t, append(args, "--cache-dir", cache, "-d", filepath.Join(tmp, "cold"))...)
	if len(cacheEntries(t, cache)) == 0 {
		t.Fatal("the build cached nothing")
	}
	buildSite(t, append(args, "--cache-dir", cache, "-d", filepath.Join(tmp, "warm"))...)
	sameSite(t, filepath.Join(tmp, "plain"), filepath.Join(tmp, "warm"))
}

func TestAnUnusableCacheFolderIsAWarning(t *testing.T) {
	site := repoRoot(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	stderr := buildSite(t, "-s", site, "--cache-dir", filepath.Join(file, "cache"), "-d", filepath.Join(tmp, "out"))
	if !strings.Contains(stderr, "warning: build cache:") || !strings.Contains(stderr, "building without it") {
		t.Errorf("no warning about the cache folder:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "out", "index.html")); err != nil {
		t.Errorf("the build without its cache wrote no site: %v", err)
	}
}

func TestAServeSessionIndexesWhatItCachesWhileItRuns(t *testing.T) {
	dir := t.TempDir()
	cache, err := buildcache.Open(dir, buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var k buildcache.Key
	cache.Put(k, []byte("cached by a rebuild"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		flushCacheEvery(ctx, cache, 10*time.Millisecond)
		close(done)
	}()
	// Another process sees the entry once the session has flushed, with
	// the session still running (no Prune).
	deadline := time.Now().Add(10 * time.Second)
	for {
		other, err := buildcache.Open(dir, buildcache.Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := other.Get(k); ok {
			if string(got) != "cached by a rebuild" {
				t.Fatalf("read %q", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the session's entry was never indexed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

// Builds into the same destination with a cache keep the search files the
// destination already has by their names (search.Keeper); after edits,
// and after search files of both folders were changed by hand, each
// build is still the site a build without the cache makes.
func TestRebuildsIntoTheDestinationAreTheSiteANoCacheBuildMakes(t *testing.T) {
	root := repoRoot(t)
	tmp := t.TempDir()
	site := filepath.Join(tmp, "site")
	for _, dir := range []string{"content", "rules"} {
		if err := os.CopyFS(filepath.Join(site, dir), os.DirFS(filepath.Join(root, dir))); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := os.ReadFile(filepath.Join(root, "playbook.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeSiteFile(t, site, "playbook.yaml", cfg)
	dest, cache := filepath.Join(tmp, "public"), filepath.Join(tmp, "cache")
	page := filepath.Join(site, "content", "runbooks", "platform", "pod-crashlooping.md")
	check := func(step string) {
		t.Helper()
		plain := filepath.Join(tmp, "plain-"+step)
		buildSite(t, "-s", site, "--no-cache", "-d", plain)
		buildSite(t, "-s", site, "--cache-dir", cache, "-d", dest)
		sameSite(t, plain, dest)
	}
	check("cold")
	check("warm")
	for i, words := range []string{"zanzibar quokka", "quokka", "xylophone"} {
		f, err := os.OpenFile(page, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\nAfter the edit %d: %s.\n", i, words)
		f.Close()
		check(fmt.Sprint("edit", i))
	}
	// A shard, an entry of the document store and a page changed by
	// hand, in place and in the same size, in the site and in the
	// folder the next build updates; then with their modification time
	// set back to the nanosecond, as "touch -d" or "rsync --inplace
	// --times" can.
	for i, setBack := range []bool{false, true} {
		for _, dir := range []string{dest, output.Previous(dest)} {
			for _, pattern := range []string{"search/s/*.json", "search/d/*/*.json", "teams/*/index.html"} {
				names, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
				if len(names) == 0 {
					t.Fatalf("no %s in %s", pattern, dir)
				}
				info, err := os.Stat(names[0])
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(names[0], bytes.Repeat([]byte{'#' + byte(i)}, int(info.Size())), 0o644); err != nil {
					t.Fatal(err)
				}
				if setBack {
					if err := os.Chtimes(names[0], info.ModTime(), info.ModTime()); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		check(fmt.Sprintf("changed%d-1", i))
		check(fmt.Sprintf("changed%d-2", i))
	}
}
