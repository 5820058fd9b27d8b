package search

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	gohash "hash"
	"io/fs"
	"os"
	"path/filepath"
)

// Fingerprint identifies a site's sources: the path, size and modification
// time of every file under content, and the extra bytes (the
// configuration, the version, options). An index built from the same
// fingerprint is still good.
func Fingerprint(content fs.FS, extra ...[]byte) (string, error) {
	h := sha256.New()
	if err := hashFiles(h, content); err != nil {
		return "", err
	}
	return finish(h, extra), nil
}

// FingerprintDir is Fingerprint(os.DirFS(dir), extra...), the same value
// computed faster: the metadata calls are most of what a search on a
// large site costs when its index is cached.
func FingerprintDir(dir string, extra ...[]byte) (string, error) {
	h := sha256.New()
	if err := walkFingerprint(h, dir, "."); err != nil {
		return "", err
	}
	return finish(h, extra), nil
}

// hashFiles writes the path, size and modification time of every file
// under content into h, in lexical order.
func hashFiles(h gohash.Hash, content fs.FS) error {
	return fs.WalkDir(content, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
}

func finish(h gohash.Hash, extra [][]byte) string {
	// An index kept by another analysis is not good either.
	fmt.Fprintf(h, "analysis %s\x00", analysisVersion)
	for _, e := range extra {
		fmt.Fprintf(h, "%d\x00", len(e))
		h.Write(e)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// OpenCached opens the index kept in dir when it was built from the same
// fingerprint; otherwise it builds a new one there from docs() and keeps
// it for the next search. The new index is written beside the old one and
// renamed into place, so a search running at the same time sees one or
// the other.
func OpenCached(dir, fingerprint string, docs func() ([]Doc, error)) (*Index, error) {
	stamp := filepath.Join(dir, "fingerprint")
	current := filepath.Join(dir, "index")
	if data, err := os.ReadFile(stamp); err == nil && string(data) == fingerprint {
		if ix, err := Open(current); err == nil {
			return ix, nil
		}
	}
	ds, err := docs()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, "index.new-")
	if err != nil {
		return nil, err
	}
	// bleve creates the index folder itself.
	if err := os.Remove(tmp); err != nil {
		return nil, err
	}
	ix, err := Build(ds, tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := ix.Close(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	old := current + ".old"
	os.RemoveAll(old)
	if err := os.Rename(current, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.Rename(tmp, current); err != nil {
		return nil, err
	}
	os.RemoveAll(old)
	if err := os.WriteFile(stamp, []byte(fingerprint), 0o644); err != nil {
		return nil, err
	}
	return Open(current)
}

// SearchCached runs q on the index kept in dir, as OpenCached and Search
// would, but checks the fingerprint while it searches the index already
// there: on a large site the check is mostly waiting on the file system,
// and the search mostly computing. When the sources have changed since,
// or there is no index yet, it builds the index again from docs() and
// searches that instead.
func SearchCached(dir string, fingerprint func() (string, error), docs func() ([]Doc, error), q Query) ([]Hit, error) {
	type result struct {
		fp  string
		err error
	}
	fpc := make(chan result, 1)
	go func() {
		fp, err := fingerprint()
		fpc <- result{fp, err}
	}()
	var hits []Hit
	stamp, err := os.ReadFile(filepath.Join(dir, "fingerprint"))
	searched := false
	if err == nil {
		if ix, err := Open(filepath.Join(dir, "index")); err == nil {
			hits, err = ix.Search(q)
			ix.Close()
			searched = err == nil
		}
	}
	r := <-fpc
	if r.err != nil {
		return nil, r.err
	}
	if searched && string(stamp) == r.fp {
		return hits, nil
	}
	ix, err := OpenCached(dir, r.fp, docs)
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	return ix.Search(q)
}
