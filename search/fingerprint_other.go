//go:build !linux

package search

import (
	gohash "hash"
	"os"
)

// walkFingerprint hashes the files under dir as Fingerprint does.
func walkFingerprint(h gohash.Hash, dir, rel string) error {
	return hashFiles(h, os.DirFS(dir))
}
