// Package load is the first stage of the pipeline: it reads a content
// folder through an fs.FS and returns its markdown sources and the other
// files to copy, in a stable order. It touches nothing but the fs.FS it is
// given.
package load

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"
)

// Source is one markdown file.
type Source struct {
	Path string // content-relative, slash-separated
	Data []byte
}

// Content is what a content folder holds.
type Content struct {
	Sources []Source // sorted by Path
	Files   []string // other files to copy, sorted
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

// skipped reports whether a file or folder is left out: dot files, and
// files other tools keep beside their pages.
func skipped(name string, dir bool) bool {
	if strings.HasPrefix(name, ".") || name == "node_modules" {
		return true
	}
	if dir {
		return false
	}
	switch name {
	case "_category_.json", "_category_.yml", "_category_.yaml", "Thumbs.db":
		return true
	}
	return strings.HasSuffix(name, ".erb") && !IsMarkdown(name) && !strings.HasSuffix(strings.ToLower(name), ".html.erb")
}

// Load reads every page and file of a content folder.
func Load(fsys fs.FS) (*Content, error) { return Path(fsys, ".") }

// Path reads the pages and files at or under p, a slash-separated path in
// the content folder ("." for all of it), by the same rules as Load: a
// skipped file, or one in a skipped folder, is not read. Nothing there is
// not an error: it gives an empty Content.
func Path(fsys fs.FS, p string) (*Content, error) {
	c := &Content{}
	if p != "." {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if skipped(seg, i < len(segs)-1) {
				return c, nil
			}
		}
		if _, err := fs.Stat(fsys, p); errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
	}
	err := fs.WalkDir(fsys, p, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if skipped(d.Name(), d.IsDir()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		lower := strings.ToLower(d.Name())
		htmlFile := strings.HasSuffix(lower, ".html") || strings.HasSuffix(lower, ".html.erb")
		if !IsMarkdown(d.Name()) && !htmlFile {
			c.Files = append(c.Files, p)
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if htmlFile && !isHTMLPage(d.Name(), data) {
			if !strings.HasSuffix(lower, ".erb") {
				c.Files = append(c.Files, p)
			}
			return nil
		}
		c.Sources = append(c.Sources, Source{Path: p, Data: data})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(c.Sources, func(a, b Source) int { return strings.Compare(a.Path, b.Path) })
	slices.Sort(c.Files)
	return c, nil
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
