package main

import (
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/project"
)

// cacheFlags are --cache-dir and --no-cache, of the commands that render
// (build and serve).
type cacheFlags struct {
	dir string
	off bool
}

func (c *cacheFlags) register(fl *flag.FlagSet) {
	fl.StringVar(&c.dir, "cache-dir", "", "")
	fl.BoolVar(&c.off, "no-cache", false, "")
}

const cacheFlagsHelp = `      --cache-dir DIR  keep the build cache in DIR/build (default: the user
                       cache folder's playbook/, e.g. ~/.cache/playbook, which
                       XDG_CACHE_HOME moves)
      --no-cache       build without reading or writing the build cache
`

// check refuses --cache-dir with --no-cache.
func (c *cacheFlags) check() error {
	if c.off && c.dir != "" {
		return usageError{errors.New("--cache-dir and --no-cache: give one or the other")}
	}
	return nil
}

// open opens the build cache, or returns nil (no cache) with --no-cache or
// when the folder cannot be used, which it says on w as a warning: a build
// without its cache is slower, never wrong. A folder that overlaps one of
// keep (see siteSetup.cacheKeepOut), or that holds other files than a
// build cache, cannot be used.
func (c *cacheFlags) open(cmd string, w io.Writer, keep []folder) *buildcache.Cache {
	if c.off {
		return nil
	}
	dir := c.dir
	if dir == "" {
		root, err := os.UserCacheDir()
		if err != nil {
			fmt.Fprintf(w, "playbook %s: warning: no user cache folder (%v); building without the build cache\n", cmd, err)
			return nil
		}
		dir = filepath.Join(root, "playbook")
	}
	if why := cacheClash(filepath.Join(dir, "build"), keep); why != "" {
		fmt.Fprintf(w, "playbook %s: warning: build cache %s %s; building without it\n", cmd, displayPath(filepath.Join(dir, "build")), why)
		return nil
	}
	v, err := cacheVersion()
	if err != nil {
		fmt.Fprintf(w, "playbook %s: warning: build cache: %v; building without it\n", cmd, err)
		return nil
	}
	cache, err := buildcache.Open(filepath.Join(dir, "build"), buildcache.Options{Version: v})
	if err != nil {
		fmt.Fprintf(w, "playbook %s: warning: %v; building without it\n", cmd, err)
		return nil
	}
	return cache
}

// closeCache prunes the cache after a build and says, as a warning, what went
// wrong with it.
func closeCache(cache *buildcache.Cache, cmd string, w io.Writer) {
	if cache == nil {
		return
	}
	if err := cache.Err(); err != nil {
		fmt.Fprintf(w, "playbook %s: warning: %v; the rest of the build was not cached\n", cmd, err)
	}
	if _, err := cache.Prune(); err != nil {
		fmt.Fprintf(w, "playbook %s: warning: pruning the build cache: %v\n", cmd, err)
	}
}

// flushCacheEvery writes the index of what cache wrote every period until
// ctx is done (a write error is kept by the cache and reported at its end).
func flushCacheEvery(ctx context.Context, cache *buildcache.Cache, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = cache.Flush()
		}
	}
}

// cacheVersion is the version the build cache's entries are written and
// read under: the release's version, or, for a build from a checkout
// (whose changes version() cannot tell apart), that and what tells this
// executable from any other: its Go build ID (goBuildID), whose last part
// the go command makes from a hash of the executable's bytes, else the
// SHA-256 of the executable, so that a cache never serves what other code
// made. It fails when the executable cannot be read.
func cacheVersion() (string, error) {
	v := version()
	if buildVersion != "" || (!strings.HasPrefix(v, "devel") && !strings.HasPrefix(v, "(")) {
		return v, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	id, err := executableID(exe)
	if err != nil {
		return "", err
	}
	return v + " " + id, nil
}

// executableID is what tells the executable at path from any other: its
// Go build ID (goBuildID), else the hex SHA-256 of its bytes.
func executableID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if id, ok := goBuildID(f); ok {
		return id, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// goBuildID returns the Go build ID of the ELF executable f, read from
// its ".note.go.buildid" note (owner "Go", type 4, as the go command's
// cmd/internal/buildid reads it) without reading the rest of the file.
// Only an ID the go command made is taken: four parts joined by "/",
// each of 20 characters of URL-safe base64, the last of which is a hash
// of the linked executable's bytes (its "content ID"). An executable
// linked with another ID (-ldflags=-buildid=..., as Bazel's "redacted")
// or none, or that is not ELF, gives false.
func goBuildID(f io.ReaderAt) (string, bool) {
	ef, err := elf.NewFile(f)
	if err != nil {
		return "", false
	}
	for _, p := range ef.Progs {
		if p.Type != elf.PT_NOTE || p.Filesz > 1<<16 {
			continue
		}
		data := make([]byte, p.Filesz)
		if _, err := p.ReadAt(data, 0); err != nil {
			return "", false
		}
		for len(data) >= 12 {
			namesz, descsz, typ := ef.ByteOrder.Uint32(data), ef.ByteOrder.Uint32(data[4:]), ef.ByteOrder.Uint32(data[8:])
			name := 12 + (uint64(namesz)+3)&^3
			end := name + (uint64(descsz)+3)&^3
			if end > uint64(len(data)) {
				break
			}
			if namesz == 4 && string(data[12:16]) == "Go\x00\x00" && typ == 4 {
				id := string(data[name : name+uint64(descsz)])
				return id, goBuildIDForm(id)
			}
			data = data[end:]
		}
	}
	return "", false
}

// goBuildIDForm reports whether id has the form of the build ID the go
// command gives an executable (see goBuildID).
func goBuildIDForm(id string) bool {
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if len(p) != 20 || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return false
		}
	}
	return true
}

// folder is a folder the build reads or writes, named as a message says
// it ("the content folder").
type folder struct {
	what, path string
	does       string // what the build does with it: "reads"
	// contains is false for a folder the cache may be inside of, but must
	// not hold (the site folder).
	contains bool
	// dots is true for a folder whose dot folders the build never reads
	// (the content and static folders: package load), where a cache may
	// be.
	dots bool
}

// cacheKeepOut are the folders of site s that the build cache must keep
// out of: the destination dest ("" for serve), which the build replaces
// and publishes; the content folder and the static folders (but for their
// dot folders, which are never read) and the site's layouts and assets,
// which it reads and publishes; and it must not hold the site folder, as
// pruning it removes files.
func (s *siteSetup) cacheKeepOut(dest string) []folder {
	if s == nil {
		return nil
	}
	var out []folder
	if dest != "" {
		out = append(out, folder{"the destination", dest, "replaces and publishes", true, false})
	}
	out = append(out, folder{"the content folder", s.contentDir, "reads and publishes", true, true})
	for _, d := range s.StaticDirs {
		out = append(out, folder{"the static folder", d, "publishes", true, true})
	}
	out = append(out,
		folder{"the site's layouts folder", filepath.Join(s.dir, "layouts"), "reads", true, false},
		folder{"the site's assets folder", filepath.Join(s.dir, "assets"), "reads and publishes", true, false},
		folder{"the site folder", s.dir, "reads", false, false})
	return out
}

// cacheClash says why the cache folder dir cannot be used, or returns "":
// it is inside one of keep or holds one (symbolic links followed), or it
// holds files that the cache did not write, which pruning would count as
// entries and remove.
func cacheClash(dir string, keep []folder) string {
	d, err := project.RealPath(dir)
	if err != nil {
		return ""
	}
	for _, k := range keep {
		p, err := project.RealPath(k.path)
		if err != nil {
			continue
		}
		switch {
		case k.contains && within(d, p) && !(k.dots && inDotFolder(p, d)):
			return fmt.Sprintf("is inside %s %s, which the build %s", k.what, displayPath(k.path), k.does)
		case within(p, d):
			return fmt.Sprintf("holds %s %s, whose files pruning the cache would remove", k.what, displayPath(k.path))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var other []string
	for _, e := range entries {
		if name := e.Name(); !cacheFile(dir, e) {
			other = append(other, name)
		}
	}
	if len(other) == 0 {
		return ""
	}
	if len(other) > 3 {
		other = append(other[:3], "...")
	}
	return "holds files that are not a build cache (" + strings.Join(other, ", ") + "), which pruning it could remove"
}

// within reports whether path p is dir or inside it; both are clean and
// absolute.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// inDotFolder reports whether p, inside dir, is in a folder of it whose
// name starts with a dot.
func inDotFolder(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false
	}
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if strings.HasPrefix(part, ".") && part != "." && part != ".." {
			return true
		}
	}
	return false
}

// packName is the name of a pack of the build cache or of its index
// (see package buildcache: 16 hex digits, "-", 8 hex digits).
var packName = regexp.MustCompile(`^[0-9a-f]{16}-[0-9a-f]{8}(` + regexp.QuoteMeta(buildcache.PackExt) + `|` + regexp.QuoteMeta(buildcache.IndexExt) + `)$`)

// cacheFile reports whether e, in the cache folder dir, is one the build
// cache writes: a pack or its index, a temporary file or lock, or what a
// cache of format 1 left (a folder of two hex digits holding entries
// named by 62 more, and the file "prune"), which pruning removes whole.
func cacheFile(dir string, e fs.DirEntry) bool {
	name := e.Name()
	switch {
	case strings.HasPrefix(name, ".tmp-"), strings.HasPrefix(name, ".probe-"), name == ".compact":
		return true
	case e.Type().IsRegular():
		return packName.MatchString(name) || name == "prune"
	case !e.IsDir() || len(name) != 2 || !isHex(name):
		return false
	}
	inside, err := os.ReadDir(filepath.Join(dir, name))
	if err != nil {
		return false
	}
	for _, f := range inside {
		if !f.Type().IsRegular() || !strings.HasPrefix(f.Name(), ".tmp-") && (len(f.Name()) != 62 || !isHex(f.Name())) {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
