// Package project finds a site on disk and reads, once, what every command
// needs of it: the site folder and its content folder, playbook.yaml, the
// theme (the site's layouts/ and assets/ over the embedded ones), the
// Prometheus rule files, another tool's navigation titles, and when each
// content file last changed (from git). Its input is
// the command line's site flags; its output is engine.Options and the
// folders they came from. `build`, `check`, `new`, `search` and `serve`
// all open their site here.
package project

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/gitinfo"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/rules"
)

// Flags are the site flags every command shares.
type Flags struct {
	// Source is the site folder (-s); SourceSet is true when it was
	// given on the command line.
	Source    string
	SourceSet bool
	// Content is the content folder (--content), "" for the default:
	// Source/content, or Source itself when it has no content/.
	Content string
	// Rules are rule file globs (--rules), besides playbook.yaml's.
	Rules  []string
	Drafts bool
	// Version is the playbook version, for the generator meta tag.
	Version string
	// BaseURL is --base-url: the URL to build the site for instead of
	// base_url, or "".
	BaseURL string
	// Getenv reads the environment (os.Getenv) for a Netlify build's
	// URLs (see DeployURLs); nil reads none.
	Getenv func(string) string
}

// Site is a site opened from the command line.
type Site struct {
	Options    engine.Options
	Dir        string // the site folder
	ContentDir string
	Config     *config.Config
	// StaticDirs are the static folders (engine.Options.Static), which
	// serve watches.
	StaticDirs []string
	// URLFrom names where Options.PreviewURL came from ("--base-url",
	// "DEPLOY_PRIME_URL"), or "" when the site is built for base_url.
	URLFrom string
}

// UsageError is an error in what the command line says (a rule glob that
// is not a pattern), as opposed to what is on disk.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Open finds the site the flags name and reads its options. Errors name
// the folder or file.
func Open(f Flags) (*Site, error) {
	dir := filepath.Clean(f.Source)
	if !f.SourceSet && f.Content != "" {
		// "--content site/content" alone: the site is the folder above
		// it when that has the configuration.
		parent := filepath.Dir(filepath.Clean(f.Content))
		if _, err := os.Stat(filepath.Join(parent, config.FileName)); err == nil {
			dir = parent
		}
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	content := f.Content
	if content == "" {
		content = filepath.Join(dir, "content")
		if st, err := os.Stat(content); err != nil || !st.IsDir() {
			content = dir
		} else if err := Inside(dir, content); err != nil {
			// The site's own content/ is a symbolic link out of it.
			return nil, fmt.Errorf("%s is a symbolic link out of the site folder: not read (give --content to read it)", DisplayPath(content))
		}
	}
	content = filepath.Clean(content)
	if st, err := os.Stat(content); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", content)
	}
	s := &Site{Dir: dir, ContentDir: content, Config: config.Default()}
	s.Options = engine.Options{
		Content:       load.Dir(content),
		ContentPrefix: DisplayPath(content) + "/",
		Layouts:       generator.Overlay(dirFS(filepath.Join(dir, "layouts")), playbook.Layouts()),
		Assets:        generator.Overlay(dirFS(filepath.Join(dir, "assets")), playbook.Assets()),
		Now:           time.Now(),
		Version:       f.Version,
		Drafts:        f.Drafts,
	}
	if s.Options.ContentPrefix == "./" {
		s.Options.ContentPrefix = ""
	}
	// When each page last changed, from the repository the content is
	// in: off outside one, and when it cannot be read (the build does
	// not depend on it).
	s.Options.LastUpdated, _ = gitinfo.LastUpdated(content)
	cfgPath := filepath.Join(dir, config.FileName)
	if data, err := os.ReadFile(cfgPath); err == nil {
		s.Options.Config, s.Options.ConfigFile = data, DisplayPath(cfgPath)
		s.Config, _ = config.Parse(s.Options.ConfigFile, data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := s.deployURLs(f); err != nil {
		return nil, err
	}
	patterns := append([]string(nil), f.Rules...)
	for _, g := range s.Config.Rules {
		if !filepath.IsAbs(g) {
			g = filepath.Join(dir, g)
		}
		patterns = append(patterns, g)
	}
	read := map[string]bool{}
	for i, pattern := range patterns {
		// where names the setting: the --rules flag, or the line of
		// rules: in playbook.yaml.
		where, shown := "--rules", pattern
		if i >= len(f.Rules) {
			where = fmt.Sprintf("%s:%d: rules", s.Options.ConfigFile, s.Config.RulesLine)
			shown = s.Config.Rules[i-len(f.Rules)]
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, UsageError{fmt.Errorf("%s %q: %v", where, shown, err)}
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s %q: no such files", where, shown)
		}
		for _, m := range matches {
			if abs, _ := filepath.Abs(m); read[abs] {
				continue
			} else {
				read[abs] = true
			}
			data, err := os.ReadFile(m)
			if err != nil {
				return nil, err
			}
			s.Options.Rules = append(s.Options.Rules, rules.File{Path: DisplayPath(m), Data: data})
		}
	}
	for _, p := range []string{filepath.Join(content, "..", "mkdocs.yml"), filepath.Join(content, "mkdocs.yml"), filepath.Join(dir, "mkdocs.yml")} {
		if data, err := os.ReadFile(p); err == nil {
			s.Options.NavTitles = load.MkDocsTitles(data)
			break
		}
	}
	s.Options.Detected = detect(dir, content)
	if s.Options.Detected.Source == "" && s.Options.Config == nil {
		// Documentation of no tool we can tell: Docusaurus' conventions
		// (number prefixes, id and slug, _category_ files) are the ones
		// that other tools' pages do not trip over.
		s.Options.Detected = config.Detected{Source: "docusaurus", ContentURL: "/", Categories: categories(os.DirFS(content))}
	}
	if err := s.openFolders(); err != nil {
		return nil, err
	}
	return s, nil
}

// openFolders finds the site's static folders (playbook.yaml's static:,
// else static/ when the site has one beside its content folder, as
// Docusaurus and Hugo have it) and, when the content folder is inside the
// site folder, gives the engine the site folder for the files that pages
// link to outside the content folder.
func (s *Site) openFolders() error {
	rel, err := filepath.Rel(s.Dir, s.ContentDir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || Inside(s.Dir, s.ContentDir) != nil {
		// The content folder is the site folder, or not in it: no
		// other folder of the site is read.
		return nil
	}
	s.Options.Detected.ContentDir = filepath.ToSlash(rel)
	s.Options.Site = engine.Folder{FS: os.DirFS(s.Dir), Prefix: folderPrefix(s.Dir)}
	folders, explicit := s.Config.Static, s.Config.Static != nil
	if !explicit {
		folders = []string{"static"}
	}
	for _, f := range folders {
		dir := filepath.Join(s.Dir, filepath.FromSlash(f))
		st, err := os.Stat(dir)
		switch {
		case err == nil && st.IsDir():
		case explicit:
			return fmt.Errorf("%s:%d: static %q: no such folder in %s", s.Options.ConfigFile, s.Config.StaticLine, f, DisplayPath(s.Dir))
		default:
			continue
		}
		if err := Inside(s.Dir, dir); err != nil {
			return fmt.Errorf("%s is a symbolic link out of the site folder: not read", DisplayPath(dir))
		}
		s.Options.Static = append(s.Options.Static, engine.Folder{FS: os.DirFS(dir), Prefix: folderPrefix(dir)})
		s.StaticDirs = append(s.StaticDirs, dir)
	}
	return nil
}

// folderPrefix is what goes before the paths of a folder in findings:
// its DisplayPath and a slash, or nothing for the working folder.
func folderPrefix(dir string) string {
	p := DisplayPath(dir)
	if p == "." {
		return ""
	}
	return p + "/"
}

// Example returns the options of the example playbook built into
// playbook, which `serve` shows where there is no site.
func Example(version string, drafts bool) engine.Options {
	opt := engine.Options{
		Content: playbook.Content(), ContentPrefix: "content/",
		Config: playbook.Config(), ConfigFile: config.FileName,
		Layouts: playbook.Layouts(), Assets: playbook.Assets(),
		Now: time.Now(), Version: version, Drafts: drafts,
	}
	for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
		opt.Rules = append(opt.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
	}
	return opt
}

// IsSite reports whether a folder holds a site: playbook.yaml or content/.
func IsSite(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
		return true
	}
	st, err := os.Stat(filepath.Join(dir, "content"))
	return err == nil && st.IsDir()
}

// dirFS returns the folder as an fs.FS, or nil when it does not exist.
func dirFS(dir string) fs.FS {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil
	}
	return os.DirFS(dir)
}

// DisplayPath makes a path relative to the working folder when it is below
// it, so findings can be clicked in a terminal and read by GitHub.
func DisplayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.ToSlash(p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// NoPages refuses a site with no page at all (sources is the number of
// markdown files read): the command was most likely run in the wrong
// folder, and a build of nothing would replace a site.
func (s *Site) NoPages(sources int) error {
	if sources > 0 {
		return nil
	}
	what := "no playbook.yaml and no markdown pages"
	if s.Config.Found {
		what = "no markdown pages"
	}
	return fmt.Errorf("%s has %s (.md, .markdown): run playbook in a site folder, or give -s DIR", DisplayPath(s.ContentDir), what)
}

// NoConfigNote says, when the site has no playbook.yaml and there were
// findings, that every finding is a warning for that reason, and where
// playbook.yaml was looked for; when a folder above has one (the command
// ran inside content/), it names it.
func (s *Site) NoConfigNote(w io.Writer, cmd string, findings int) {
	if s.Config.Found {
		return
	}
	above := FindConfigAbove(s.Dir)
	if findings == 0 && above == "" {
		return
	}
	where, err := filepath.Abs(s.Dir)
	if err != nil {
		where = s.Dir
	}
	fmt.Fprintf(w, "playbook %s: no %s in %s: read as another tool's documentation, so every finding is a warning\n", cmd, config.FileName, where)
	if above != "" {
		dir := filepath.Dir(above)
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, dir); err == nil {
				dir = rel
			}
		}
		fmt.Fprintf(w, "playbook %s: %s is in a folder above: run playbook there, or give -s %s\n", cmd, above, dir)
	}
}

// FindConfigAbove returns the nearest playbook.yaml in a folder above dir,
// or "".
func FindConfigAbove(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		p := filepath.Join(d, config.FileName)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// Inside refuses dir when, with the symbolic links of its existing
// part followed, it is not inside root (followed too).
func Inside(root, dir string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	if realRoot, err = filepath.Abs(realRoot); err != nil {
		return err
	}
	real, err := RealPath(dir)
	if err != nil {
		return err
	}
	if r, err := filepath.Rel(realRoot, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s leads out of %s through a symbolic link: not written", DisplayPath(dir), DisplayPath(root))
	}
	return nil
}

// RealPath is p made absolute, with the symbolic links of the part of it
// that exists followed: where a file written at p would land.
func RealPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	existing, rest := abs, ""
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return "", err
	}
	return filepath.Join(real, rest), nil
}

// Netlify's build environment (docs.netlify.com, "Environment variables"):
// CONTEXT is the kind of deploy; URL the site's main address;
// DEPLOY_PRIME_URL the address of a deploy preview or branch deploy.
const (
	netlifyContext  = "CONTEXT"
	netlifyURL      = "URL"
	netlifyPrimeURL = "DEPLOY_PRIME_URL"
)

// DeployURLs reads, from the environment of a Netlify build, the URL the
// site is built for and its canonical URL. In a deploy preview or a
// branch deploy (CONTEXT deploy-preview or branch-deploy), preview is
// DEPLOY_PRIME_URL; in any Netlify context, base is URL, which stands for
// base_url when playbook.yaml has none. Outside Netlify both are "".
// Errors name the variable whose value is not an absolute http(s) URL.
func DeployURLs(getenv func(string) string) (preview, base string, err error) {
	if getenv == nil {
		return "", "", nil
	}
	ctx := getenv(netlifyContext)
	switch ctx {
	case "production", "deploy-preview", "branch-deploy", "dev":
	default:
		return "", "", nil
	}
	read := func(name string) (string, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return "", nil
		}
		u, err := config.BaseURL(v)
		if err != nil {
			return "", fmt.Errorf("%s=%q (Netlify, CONTEXT=%s) %v", name, v, ctx, err)
		}
		return u, nil
	}
	if base, err = read(netlifyURL); err != nil {
		return "", "", err
	}
	if ctx == "deploy-preview" || ctx == "branch-deploy" {
		if preview, err = read(netlifyPrimeURL); err != nil {
			return "", "", err
		}
	}
	return preview, base, nil
}

// deployURLs sets the URL the site is built for, and its canonical URL
// when playbook.yaml names none: --base-url wins over a Netlify deploy
// preview's DEPLOY_PRIME_URL; a URL the same as base_url is no preview.
func (s *Site) deployURLs(f Flags) error {
	preview, base, err := DeployURLs(f.Getenv)
	if err != nil {
		return UsageError{err}
	}
	from := netlifyPrimeURL
	if f.BaseURL != "" {
		if preview, err = config.BaseURL(f.BaseURL); err != nil {
			return UsageError{fmt.Errorf("--base-url %q %v", f.BaseURL, err)}
		}
		from = "--base-url"
		if base == "" {
			// Without playbook.yaml's base_url or Netlify's URL, the
			// URL given is the only one the site has.
			base = preview
		}
	}
	if s.Config.BaseURL == "" {
		s.Options.BaseURL = base
		s.Config.BaseURL = base
	}
	if preview != "" && preview != s.Config.BaseURL {
		s.Options.PreviewURL, s.Config.PreviewURL, s.URLFrom = preview, preview, from
	}
	return nil
}
