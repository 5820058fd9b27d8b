// Package load is the first stage of the pipeline: it reads a content
// folder through an fs.FS and returns its markdown sources and the other
// files to copy, in a stable order. It touches nothing but the fs.FS it is
// given.
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/opsplaybook/playbook/generator/diag"
)

// Source is one markdown file.
type Source struct {
	Path string // content-relative, slash-separated
	Data []byte
	// State is the file's state when it was read (see State); the zero
	// State where Load reads none.
	State State
	// Known is true when Options.Known knew the file in its State: it
	// was not read, and Data is nil.
	Known bool
}

// Options are what PathWith reads by.
type Options struct {
	// Known, when set, is asked, with its State, about each markdown
	// file of a folder whose states Load reads (Dir, on Linux) before
	// the file is read: true leaves the file unread, as a Source with
	// Known set. The build's content index answers it (see package
	// engine).
	Known func(path string, st State) bool
}

// Content is what a content folder holds.
type Content struct {
	Sources []Source // sorted by Path
	Files   []string // other files to copy, sorted
	// Skipped are the symbolic links that were not followed, sorted by
	// Path: those that lead out of the content folder, loop, or lead to
	// nothing. Nothing is read through them.
	Skipped []Skipped
}

// Skipped is a symbolic link that Load did not follow, and why.
type Skipped struct {
	Path   string // content-relative, slash-separated
	Reason string
}

// Findings reports each skipped symbolic link as a warning
// (symlink/outside, symlink/loop, symlink/broken); prefix is put before
// content paths ("content/").
func (c *Content) Findings(prefix string) []diag.Finding {
	var out diag.List
	for _, sk := range c.Skipped {
		check := "symlink/outside"
		switch {
		case strings.Contains(sk.Reason, "loop"):
			check = "symlink/loop"
		case strings.Contains(sk.Reason, "nothing"):
			check = "symlink/broken"
		}
		out.Warnf(check, prefix+sk.Path, 0, "symbolic link not followed: %s", sk.Reason)
	}
	return out
}

// IsMarkdown reports whether a file name is a page: .md, .markdown, .mdx
// (Docusaurus), and .md.erb (Middleman templates, read as markdown and
// never evaluated).
func IsMarkdown(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".md") || strings.HasSuffix(n, ".markdown") || strings.HasSuffix(n, ".mdx") || strings.HasSuffix(n, ".md.erb")
}

// isHTMLPage reports whether a file is an HTML page with front matter
// (Middleman's and Jekyll's .html pages): a page, not a file to copy.
func isHTMLPage(name string, data []byte) bool {
	n := strings.ToLower(name)
	if !strings.HasSuffix(n, ".html") && !strings.HasSuffix(n, ".html.erb") {
		return false
	}
	return bytes.HasPrefix(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("---\n")) ||
		bytes.HasPrefix(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("---\r\n"))
}

// skipped reports whether a file or folder is left out: dot files (an
// editor's swap and lock files among them), the backup and autosave
// files editors leave beside a page ("a.md~" of vim and Emacs, "#a.md#"
// of Emacs, the names HashiCorp's config loaders skip too), and files
// other tools keep beside their pages.
func skipped(name string, dir bool) bool {
	if strings.HasPrefix(name, ".") || name == "node_modules" {
		return true
	}
	if dir {
		return false
	}
	if strings.HasSuffix(name, "~") || len(name) > 1 && name[0] == '#' && name[len(name)-1] == '#' {
		return true
	}
	switch name {
	case "_category_.json", "_category_.yml", "_category_.yaml", "Thumbs.db":
		return true
	}
	return strings.HasSuffix(name, ".erb") && !IsMarkdown(name) && !strings.HasSuffix(strings.ToLower(name), ".html.erb")
}

// maxLinks is how many symbolic links one path may pass through before
// Load takes it for a loop, as Linux does (MAXSYMLINKS).
const maxLinks = 40

// Load reads every page and file of a content folder. A symbolic link is
// followed only when it stays inside the folder (fsys must implement
// fs.ReadLinkFS for links to be followed at all, as os.DirFS does): a link
// out of it (to /etc/passwd, /proc/self/environ, a page elsewhere), a
// loop, or a link to nothing is left out and listed in Skipped. Folder
// links inside the folder are walked under the link's path.
func Load(fsys fs.FS) (*Content, error) { return Path(fsys, ".") }

// Path reads the pages and files at or under p, a slash-separated path in
// the content folder ("." for all of it), by the same rules as Load: a
// skipped file, or one in a skipped folder, is not read, and neither is
// anything through a symbolic link that leaves the folder. Nothing there
// is not an error: it gives an empty Content.
func Path(fsys fs.FS, p string) (*Content, error) { return PathWith(fsys, p, Options{}) }

// PathWith is Path, with a file that opt.Known knows left unread.
func PathWith(fsys fs.FS, p string, opt Options) (*Content, error) {
	c := &Content{}
	real := []string{"."}
	if p != "." {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if skipped(seg, i < len(segs)-1) {
				return c, nil
			}
		}
		if _, err := fs.Lstat(fsys, p); errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		rp, err := RealPath(fsys, p)
		if err != nil {
			c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: err.Error()})
			return c, nil
		}
		for i := range strings.Split(rp, "/") {
			real = append(real, strings.Join(strings.Split(rp, "/")[:i+1], "/"))
		}
		st, err := fs.Stat(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: "it leads to nothing"})
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if st.Mode().IsRegular() {
				if err := add(fsys, c, p, path.Base(p)); err != nil {
					return nil, err
				}
			}
			return c, nil
		}
	}
	w := &walker{fsys: fsys, c: c, known: opt.Known}
	if err := w.walk(p, real); err != nil {
		return nil, err
	}
	if err := w.read(); err != nil {
		return nil, err
	}
	slices.SortFunc(c.Sources, func(a, b Source) int { return strings.Compare(a.Path, b.Path) })
	slices.Sort(c.Files)
	slices.SortFunc(c.Skipped, func(a, b Skipped) int { return strings.Compare(a.Path, b.Path) })
	return c, nil
}

// maxFolderLinks is how many folder links Load follows in one content
// folder: links to links can make a walk that grows exponentially without
// a loop.
const maxFolderLinks = 1000

type walker struct {
	fsys  fs.FS
	c     *Content
	known func(string, State) bool // Options.Known
	links int                      // folder links followed so far
	// toRead are the files the walk found that may be pages, in the
	// order found: read (and sorted into pages and files) by read.
	toRead []pending
}

// pending is a file to read: its content path and name.
type pending struct{ path, name string }

// read reads the files the walk found that may be pages, several at a
// time (reading is most of a walk's time: 10,000 pages are 10,000 opens
// and reads), and adds them to the content as add does. When reads fail,
// the error is that of the first such file in the walk's order.
func (w *walker) read() error {
	type result struct {
		data  []byte
		state State
		known bool
		err   error
	}
	sfs, _ := w.fsys.(stateFS)
	out := make([]result, len(w.toRead))
	workers := min(runtime.GOMAXPROCS(0), len(w.toRead))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(out) {
					return
				}
				f, r := w.toRead[i], &out[i]
				if sfs == nil {
					r.data, r.err = fs.ReadFile(w.fsys, f.path)
					continue
				}
				if w.known != nil && IsMarkdown(f.name) {
					if st, ok := sfs.stateOf(f.path); ok && w.known(f.path, st) {
						r.state, r.known = st, true
						continue
					}
				}
				r.data, r.state, r.err = sfs.readState(f.path)
			}
		})
	}
	wg.Wait()
	for i, f := range w.toRead {
		if out[i].err != nil {
			return out[i].err
		}
		if out[i].known {
			w.c.Sources = append(w.c.Sources, Source{Path: f.path, State: out[i].state, Known: true})
			continue
		}
		classify(w.c, f.path, f.name, out[i].data, out[i].state)
	}
	w.toRead = nil
	return nil
}

// walk reads the folder dir; real lists the link-free paths of the folders
// being walked, from the root down, to find folder links that loop.
func (w *walker) walk(dir string, real []string) error {
	fsys, c := w.fsys, w.c
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	for _, d := range entries {
		p := d.Name()
		if dir != "." {
			p = dir + "/" + p
		}
		isDir := d.IsDir()
		if skipped(d.Name(), isDir) {
			continue
		}
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := RealPath(fsys, p)
			if err != nil {
				c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: err.Error()})
				continue
			}
			st, err := fs.Stat(fsys, target)
			if err != nil {
				c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: "it leads to nothing"})
				continue
			}
			if st.IsDir() {
				w.links++
				if w.links > maxFolderLinks {
					c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: fmt.Sprintf("the content folder has more than %d folder links: a loop", maxFolderLinks)})
					continue
				}
				for _, r := range real {
					if target == "." || target == r || strings.HasPrefix(r, target+"/") {
						c.Skipped = append(c.Skipped, Skipped{Path: p, Reason: "it leads to " + shown(target) + ", a folder that holds it: a loop"})
						target = ""
						break
					}
				}
				if target == "" {
					continue
				}
				if err := w.walk(p, append(real, target)); err != nil {
					return err
				}
				continue
			}
			if !st.Mode().IsRegular() {
				continue
			}
		} else if isDir {
			if err := w.walk(p, append(real, realJoin(real, d.Name()))); err != nil {
				return err
			}
			continue
		} else if !d.Type().IsRegular() {
			continue
		}
		if mayBePage(d.Name()) {
			w.toRead = append(w.toRead, pending{p, d.Name()})
		} else {
			c.Files = append(c.Files, p)
		}
	}
	return nil
}

// mayBePage reports whether a file named name is read to tell whether
// it is a page: markdown, and HTML that may have front matter.
func mayBePage(name string) bool {
	lower := strings.ToLower(name)
	return IsMarkdown(name) || strings.HasSuffix(lower, ".html") || strings.HasSuffix(lower, ".html.erb")
}

// add reads the regular file p, named name, as a page or a file to copy.
func add(fsys fs.FS, c *Content, p, name string) error {
	if !mayBePage(name) {
		c.Files = append(c.Files, p)
		return nil
	}
	var data []byte
	var st State
	var err error
	if sfs, ok := fsys.(stateFS); ok {
		data, st, err = sfs.readState(p)
	} else {
		data, err = fs.ReadFile(fsys, p)
	}
	if err != nil {
		return err
	}
	classify(c, p, name, data, st)
	return nil
}

// classify adds the file p, named name, that mayBePage, with its bytes:
// as a page, or as a file to copy (HTML without front matter), or not at
// all (a Middleman .html.erb template without front matter). st is its
// State when it was read.
func classify(c *Content, p, name string, data []byte, st State) {
	lower := strings.ToLower(name)
	if !IsMarkdown(name) && !isHTMLPage(name, data) {
		if !strings.HasSuffix(lower, ".erb") {
			c.Files = append(c.Files, p)
		}
		return
	}
	c.Sources = append(c.Sources, Source{Path: p, Data: data, State: st})
}

// realJoin is the link-free path of a plain folder name inside the last
// folder of real.
func realJoin(real []string, name string) string {
	last := real[len(real)-1]
	if last == "." {
		return name
	}
	return last + "/" + name
}

func shown(p string) string {
	if p == "." {
		return "the content folder"
	}
	return p
}

// RealPath follows every symbolic link on the content path p and returns
// the link-free content path it names. It fails, saying why, when a link
// leads out of the content folder (an absolute target, or one that climbs
// above it with ".."), when links loop (more than 40 on the way), or when
// fsys cannot read links.
func RealPath(fsys fs.FS, p string) (string, error) {
	rest := strings.Split(p, "/")
	cur := "."
	hops := 0
	for len(rest) > 0 {
		name := rest[0]
		rest = rest[1:]
		next := name
		if cur != "." {
			next = cur + "/" + name
		}
		st, err := fs.Lstat(fsys, next)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		hops++
		if hops > maxLinks {
			return "", fmt.Errorf("it passes through more than %d symbolic links: a loop", maxLinks)
		}
		target, err := fs.ReadLink(fsys, next)
		if err != nil {
			return "", fmt.Errorf("it cannot be read: %v", err)
		}
		slash := strings.ReplaceAll(target, `\`, "/")
		if strings.HasPrefix(slash, "/") || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			return "", fmt.Errorf("it leads to %s, outside the content folder", target)
		}
		joined := path.Join(cur, slash)
		if joined == ".." || strings.HasPrefix(joined, "../") {
			return "", fmt.Errorf("it leads to %s, outside the content folder", target)
		}
		// Start again from the root with the target in place of the
		// link, so that links in the target are followed too.
		parts := []string{}
		if joined != "." {
			parts = strings.Split(joined, "/")
		}
		rest = append(parts, rest...)
		cur = "."
	}
	return cur, nil
}

// Ref returns a content path without its markdown extensions, and without a
// ".html" before them (Middleman's "page.html.md"): "alerts/Foo.html.md" is
// "alerts/Foo".
func Ref(p string) string {
	lower := strings.ToLower(p)
	for _, ext := range []string{".md.erb", ".html.erb", ".markdown", ".mdx", ".md", ".html"} {
		if strings.HasSuffix(lower, ext) {
			p = p[:len(p)-len(ext)]
			lower = lower[:len(lower)-len(ext)]
			break
		}
	}
	if strings.HasSuffix(lower, ".html") {
		p = p[:len(p)-len(".html")]
	}
	return p
}

// IsIndex reports whether a page ref names its folder's page: index,
// _index (Hugo) or README (GitHub), in any case.
func IsIndex(ref string) bool {
	switch strings.ToLower(path.Base(ref)) {
	case "index", "_index", "readme":
		return true
	}
	return false
}

// URL returns the pretty URL of a page ref: lowercase, spaces and other
// separators as hyphens, a trailing slash; index pages stand for their
// folder.
func URL(ref string) string {
	if IsIndex(ref) {
		ref = path.Dir(ref)
	}
	if ref == "." || ref == "" {
		return "/"
	}
	segs := strings.Split(ref, "/")
	for i, s := range segs {
		segs[i] = Slug(s)
	}
	return "/" + strings.Join(segs, "/") + "/"
}

// Slug makes one URL segment: letters and digits lowercased, runs of
// anything else one hyphen, "." and "_" kept; a name of nothing but dots
// is "-".
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '.', r > 127 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			hyphen = false
		default:
			if !hyphen && b.Len() > 0 {
				b.WriteByte('-')
				hyphen = true
			}
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if strings.Trim(out, ".") == "" {
		return "-" // never "", "." or "..", which are no segment
	}
	return out
}

// AliasURL turns a page alias ("/old/path/", "old/path.html") into the URL
// it redirects.
func AliasURL(a string) string {
	a = strings.TrimSpace(a)
	a = strings.TrimSuffix(a, "index.html")
	a = strings.TrimSuffix(a, ".html")
	if strings.Trim(a, "/") == "" {
		return "/"
	}
	return URL(strings.Trim(a, "/") + "/index")
}
