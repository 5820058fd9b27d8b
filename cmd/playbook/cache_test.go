package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
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

// cacheEntry is one entry file of a build cache.
type cacheEntry struct {
	path   string
	stored buildcache.Key // from the file's name
	data   []byte
}

// cacheEntries returns the entry files of the build cache in cacheDir.
func cacheEntries(t *testing.T, cacheDir string) []cacheEntry {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(cacheDir, "build", "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []cacheEntry
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue
		}
		raw, err := hex.DecodeString(filepath.Base(filepath.Dir(p)) + filepath.Base(p))
		if err != nil || len(raw) != sha256.Size {
			t.Fatalf("%s: not an entry's name", p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		e := cacheEntry{path: p, data: data}
		copy(e.stored[:], raw)
		out = append(out, e)
	}
	return out
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
			t.Fatalf("%s: %v", e.path, err)
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
	buildSite(t, "-s", site, "--cache-dir", cache, "-d", filepath.Join(tmp, "warm"))
	sameSite(t, filepath.Join(tmp, "plain"), filepath.Join(tmp, "cold"))
	sameSite(t, filepath.Join(tmp, "plain"), filepath.Join(tmp, "warm"))
	if n := len(cacheEntries(t, cache)); n != len(filled) {
		t.Errorf("the warm build left %d entries, the cold one %d: the same pages need no new ones", n, len(filled))
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
	if err := os.WriteFile(e.path, buildcache.Encode(e.stored, v, []byte(poison)), 0o644); err != nil {
		t.Fatal(err)
	}
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
	for _, tc := range []struct {
		name   string
		damage func(e cacheEntry) []byte
	}{
		{"a byte flipped", func(e cacheEntry) []byte {
			b := bytes.Clone(e.data)
			b[len(b)-1] ^= 0x01
			return b
		}},
		{"truncated", func(e cacheEntry) []byte { return e.data[:len(e.data)/2] }},
		{"empty", func(e cacheEntry) []byte { return nil }},
		{"written by another version", func(e cacheEntry) []byte {
			return buildcache.Encode(e.stored, "v0.0.1", []byte(`<pre class="chroma">FROM-ANOTHER-VERSION</pre>`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := filepath.Join(t.TempDir(), "cache")
			buildSite(t, "-s", site, "--cache-dir", cache, "-d", filepath.Join(t.TempDir(), "cold"))
			entries := cacheEntries(t, cache)
			for _, e := range entries {
				if err := os.WriteFile(e.path, tc.damage(e), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dest := filepath.Join(t.TempDir(), "site")
			buildSite(t, "-s", site, "--cache-dir", cache, "-d", dest)
			sameSite(t, plain, dest)
			// The bad entries were replaced by good ones.
			v, err := cacheVersion()
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range cacheEntries(t, cache) {
				if _, err := buildcache.Decode(e.data, e.stored, v); err != nil {
					t.Errorf("%s left in the cache: %v", e.path, err)
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
