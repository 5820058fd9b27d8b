package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/rules"
)

// siteFlags are the flags every command that reads a site shares.
type siteFlags struct {
	source  string
	content string
	format  string
	strict  bool
	drafts  bool
	rules   globs
	fl      *flag.FlagSet
}

// globs is a flag that may be given more than once.
type globs []string

func (g *globs) String() string     { return strings.Join(*g, ",") }
func (g *globs) Set(s string) error { *g = append(*g, s); return nil }

// sourceSet reports whether -s or --source was given.
func (f *siteFlags) sourceSet() bool {
	set := false
	f.fl.Visit(func(fl *flag.Flag) {
		if fl.Name == "s" || fl.Name == "source" {
			set = true
		}
	})
	return set
}

func (f *siteFlags) register(fl *flag.FlagSet) {
	f.fl = fl
	fl.StringVar(&f.source, "s", ".", "")
	fl.StringVar(&f.source, "source", ".", "")
	fl.StringVar(&f.content, "content", "", "")
	fl.StringVar(&f.format, "format", "text", "")
	fl.BoolVar(&f.strict, "strict", false, "")
	fl.BoolVar(&f.drafts, "drafts", false, "")
	fl.Var(&f.rules, "rules", "")
}

const siteFlagsHelp = `  -s, --source DIR     the site folder, with playbook.yaml (default ".")
      --content DIR    the markdown folder (default: DIR/content, or the site
                       folder itself when it has no content/ folder)
      --format FORMAT  findings as text (default), github (workflow
                       annotations) or json
      --strict         fail on warnings too
      --drafts         include pages with draft: true
      --rules GLOB     Prometheus rule files to check the alerts against,
                       besides those under rules: in playbook.yaml; may be
                       given more than once
`

// newFlagSet makes a flag set that prints help to stdout and usage errors
// to stderr.
func newFlagSet(name, help string, stdout, stderr io.Writer) *flag.FlagSet {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	_ = help
	return fl
}

// parseFlags parses args; it returns an exit code when the command should
// stop (help asked for, or a usage error).
func parseFlags(fl *flag.FlagSet, args []string, help string, stdout, stderr io.Writer) (int, bool) {
	err := fl.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK, true
	}
	if err != nil {
		fmt.Fprintf(stderr, "playbook %s: %v\n\n%s", fl.Name(), err, help)
		return exitUsage, true
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "playbook %s: unexpected argument %q\n\n%s", fl.Name(), fl.Arg(0), help)
		return exitUsage, true
	}
	return 0, false
}

// siteSetup is a site opened from the command line.
type siteSetup struct {
	opts       generator.Options
	dir        string // the site folder
	contentDir string
	config     *config.Config
	format     diag.Format
}

func openSite(f *siteFlags) (*siteSetup, error) {
	format, err := diag.ParseFormat(f.format)
	if err != nil {
		return nil, usageError{err}
	}
	dir := filepath.Clean(f.source)
	if !f.sourceSet() && f.content != "" {
		// "--content site/content" alone: the site is the folder above
		// it when that has the configuration.
		parent := filepath.Dir(filepath.Clean(f.content))
		if _, err := os.Stat(filepath.Join(parent, config.FileName)); err == nil {
			dir = parent
		}
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	content := f.content
	if content == "" {
		content = filepath.Join(dir, "content")
		if st, err := os.Stat(content); err != nil || !st.IsDir() {
			content = dir
		}
	}
	content = filepath.Clean(content)
	if st, err := os.Stat(content); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", content)
	}
	s := &siteSetup{dir: dir, contentDir: content, format: format, config: config.Default()}
	s.opts = generator.Options{
		Content:       os.DirFS(content),
		ContentPrefix: displayPath(content) + "/",
		Layouts:       generator.Overlay(dirFS(filepath.Join(dir, "layouts")), playbook.Layouts()),
		Assets:        generator.Overlay(dirFS(filepath.Join(dir, "assets")), playbook.Assets()),
		Now:           time.Now(),
		Version:       version(),
		Drafts:        f.drafts,
	}
	if s.opts.ContentPrefix == "./" {
		s.opts.ContentPrefix = ""
	}
	cfgPath := filepath.Join(dir, config.FileName)
	if data, err := os.ReadFile(cfgPath); err == nil {
		s.opts.Config, s.opts.ConfigFile = data, displayPath(cfgPath)
		s.config, _ = config.Parse(s.opts.ConfigFile, data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	patterns := append([]string(nil), f.rules...)
	for _, g := range s.config.Rules {
		if !filepath.IsAbs(g) {
			g = filepath.Join(dir, g)
		}
		patterns = append(patterns, g)
	}
	read := map[string]bool{}
	for _, pattern := range patterns {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, usageError{fmt.Errorf("rules %q: %v", pattern, err)}
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("rules %q: no such files", pattern)
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
			s.opts.Rules = append(s.opts.Rules, rules.File{Path: displayPath(m), Data: data})
		}
	}
	for _, p := range []string{filepath.Join(content, "..", "mkdocs.yml"), filepath.Join(content, "mkdocs.yml"), filepath.Join(dir, "mkdocs.yml")} {
		if data, err := os.ReadFile(p); err == nil {
			s.opts.NavTitles = load.MkDocsTitles(data)
			break
		}
	}
	return s, nil
}

// dirFS returns the folder as an fs.FS, or nil when it does not exist.
func dirFS(dir string) fs.FS {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil
	}
	return os.DirFS(dir)
}

// displayPath makes a path relative to the working folder when it is below
// it, so findings can be clicked in a terminal and read by GitHub.
func displayPath(p string) string {
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

type usageError struct{ error }

// exitFor returns the exit code of a check: 1 when there are errors, or any
// finding with --strict.
func exitFor(finds []diag.Finding, strict bool) int {
	errs, warns := diag.Count(finds)
	if errs > 0 || (strict && warns > 0) {
		return exitFindings
	}
	return exitOK
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// summary is the one line printed at the end.
func summary(verb string, pages int, finds []diag.Finding, d time.Duration) string {
	errs, warns := diag.Count(finds)
	return fmt.Sprintf("%s %s in %s: %s, %s", verb, plural(pages, "page"), d.Round(time.Millisecond), plural(errs, "error"), plural(warns, "warning"))
}

// noPages refuses a site with no page at all: the command was most likely
// run in the wrong folder, and a build of nothing would replace a site.
func (s *siteSetup) noPages(res *generator.Result) error {
	if res.Sources > 0 {
		return nil
	}
	what := "no playbook.yaml and no markdown pages"
	if s.config.Found {
		what = "no markdown pages"
	}
	return fmt.Errorf("%s has %s (.md, .markdown): run playbook in a site folder, or give -s DIR", displayPath(s.contentDir), what)
}

// noConfigNote says, when the site has no playbook.yaml and something was
// found, that every finding is a warning for that reason, and where
// playbook.yaml was looked for; when a folder above has one (the command
// ran inside content/), it names it.
func (s *siteSetup) noConfigNote(stderr io.Writer, cmd string, res *generator.Result) {
	if s.config.Found {
		return
	}
	above := findConfigAbove(s.dir)
	if len(res.Findings) == 0 && above == "" {
		return
	}
	where, err := filepath.Abs(s.dir)
	if err != nil {
		where = s.dir
	}
	fmt.Fprintf(stderr, "playbook %s: no %s in %s: read as another tool's documentation, so every finding is a warning\n", cmd, config.FileName, where)
	if above != "" {
		dir := filepath.Dir(above)
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, dir); err == nil {
				dir = rel
			}
		}
		fmt.Fprintf(stderr, "playbook %s: %s is in a folder above: run playbook there, or give -s %s\n", cmd, above, dir)
	}
}

// findConfigAbove returns the nearest playbook.yaml in a folder above dir,
// or "".
func findConfigAbove(dir string) string {
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
