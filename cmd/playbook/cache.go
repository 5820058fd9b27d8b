package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
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
// without its cache is slower, never wrong.
func (c *cacheFlags) open(cmd string, w io.Writer) *buildcache.Cache {
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
// (whose changes version() cannot tell apart), that and the SHA-256 of the
// executable, so that a cache never serves what other code made. It fails
// when the executable cannot be read.
func cacheVersion() (string, error) {
	v := version()
	if buildVersion != "" || (!strings.HasPrefix(v, "devel") && !strings.HasPrefix(v, "(")) {
		return v, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return v + " " + hex.EncodeToString(h.Sum(nil)), nil
}
