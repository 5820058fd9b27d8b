// Package gitinfo reads, from the git repository a content folder is in,
// the date each content file was last changed: the author date of the last
// commit that changed it, or, for a file with changes not yet committed
// (or never committed), its modification time. It reads the repository
// once per build, walking the history from HEAD until every file has its
// date, with go-git. Its input is the content folder's path on disk; its
// output is a date for each content file, by content-relative path.
package gitinfo

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// LastUpdated returns, by content-relative slash-separated path, when each
// file of the content folder dir was last changed: the author date (in
// UTC) of the last commit that changed it, or the file's modification
// time when its bytes differ from HEAD's or HEAD has no such file. It
// returns nil and no error when dir is not in a git repository, or the
// repository has no commit yet.
func LastUpdated(dir string) (map[string]time.Time, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	repo, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, nil // a bare repository: no files to date
	}
	root := wt.Filesystem.Root()
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	prefix, err := filepath.Rel(root, abs)
	if err != nil || prefix == ".." || strings.HasPrefix(prefix, ".."+string(filepath.Separator)) {
		return nil, nil
	}
	prefix = filepath.ToSlash(prefix)
	if prefix == "." {
		prefix = ""
	}
	head, err := repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return onDisk(abs, nil)
	}
	if err != nil {
		return nil, err
	}
	commit, err := repo.CommitObject(head.Hash())
	if err != nil {
		return nil, err
	}
	tracked, err := files(commit, prefix)
	if err != nil {
		return nil, err
	}
	dates := make(map[string]time.Time, len(tracked))
	if err := walk(repo, commit, prefix, tracked, dates); err != nil {
		return nil, err
	}
	mod, err := onDisk(abs, tracked)
	if err != nil {
		return nil, err
	}
	for p, t := range mod {
		dates[p] = t
	}
	return dates, nil
}

// files returns the blob hash of each file under prefix in a commit's tree,
// by path below prefix.
func files(c *object.Commit, prefix string) (map[string]plumbing.Hash, error) {
	t, err := subtree(c, prefix)
	if t == nil || err != nil {
		return map[string]plumbing.Hash{}, err
	}
	out := map[string]plumbing.Hash{}
	err = t.Files().ForEach(func(f *object.File) error {
		if f.Mode != filemode.Submodule {
			out[f.Name] = f.Hash
		}
		return nil
	})
	return out, err
}

// subtree returns a commit's tree at prefix, or nil when it has none.
func subtree(c *object.Commit, prefix string) (*object.Tree, error) {
	t, err := c.Tree()
	if err != nil || prefix == "" {
		return t, err
	}
	st, err := t.Tree(prefix)
	if errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrEntryNotFound) {
		return nil, nil
	}
	return st, err
}

// walk visits the history from head, newest commit (by committer date)
// first, as git log does, and gives each file of tracked the author date
// of the first commit that changed it, until every file has one. Merge
// commits are passed over: the commits they merge changed the files. A
// commit whose parent is missing (the oldest of a shallow clone) is taken
// to have added its files.
func walk(repo *git.Repository, head *object.Commit, prefix string, tracked map[string]plumbing.Hash, dates map[string]time.Time) error {
	left := len(tracked)
	queue := []*object.Commit{head}
	seen := map[plumbing.Hash]bool{head.Hash: true}
	for len(queue) > 0 && left > 0 {
		next := 0
		for i, c := range queue {
			if c.Committer.When.After(queue[next].Committer.When) {
				next = i
			}
		}
		c := queue[next]
		queue = slices.Delete(queue, next, next+1)
		var parent *object.Commit
		for _, h := range c.ParentHashes {
			pc, err := repo.CommitObject(h)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				continue // beyond a shallow clone's history
			}
			if err != nil {
				return err
			}
			if parent == nil {
				parent = pc
			}
			if !seen[h] {
				seen[h] = true
				queue = append(queue, pc)
			}
		}
		if len(c.ParentHashes) > 1 {
			continue
		}
		to, err := subtree(c, prefix)
		if err != nil {
			return err
		}
		if to == nil {
			continue
		}
		var from *object.Tree
		if parent != nil {
			if from, err = subtree(parent, prefix); err != nil {
				return err
			}
			if from != nil && from.Hash == to.Hash {
				continue
			}
		}
		changes, err := object.DiffTree(from, to)
		if err != nil {
			return err
		}
		when := c.Author.When.UTC()
		for _, ch := range changes {
			name := ch.To.Name
			if _, ok := tracked[name]; !ok || name == "" {
				continue // deleted, or not in HEAD
			}
			if _, done := dates[name]; !done {
				dates[name] = when
				left--
			}
		}
	}
	return nil
}

// onDisk returns the modification time of each regular file under dir
// whose bytes are not tracked's (HEAD's) for its path.
func onDisk(dir string, tracked map[string]plumbing.Hash) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: the build reports it
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if h, ok := tracked[rel]; ok {
			data, err := os.ReadFile(p)
			if err != nil || plumbing.ComputeHash(plumbing.BlobObject, data) == h {
				return nil
			}
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		out[rel] = info.ModTime().UTC()
		return nil
	})
	return out, err
}
