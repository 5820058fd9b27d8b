package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/project"
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
	// baseURL is --base-url (build and serve); netlify reads a Netlify
	// build's URLs from the environment (build and check).
	baseURL string
	netlify bool
	// cache is the build cache that openSite puts in the options (build
	// and serve), or nil.
	cache *buildcache.Cache
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

// checkDirs refuses, as a usage error, a site or content folder given on
// the command line that does not exist or is not a folder, naming the
// flag as it was typed.
func (f *siteFlags) checkDirs() error {
	check := func(names []string, dir string) error {
		name := ""
		f.fl.Visit(func(fl *flag.Flag) {
			for _, n := range names {
				if fl.Name == n {
					name = dashes(n)
				}
			}
		})
		if name == "" {
			return nil
		}
		st, err := os.Stat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return usageError{fmt.Errorf("%s %s: no such folder", name, dir)}
		case err != nil:
			return usageError{fmt.Errorf("%s %s: %v", name, dir, err)}
		case !st.IsDir():
			return usageError{fmt.Errorf("%s %s: not a folder", name, dir)}
		}
		return nil
	}
	if err := check([]string{"s", "source"}, f.source); err != nil {
		return err
	}
	return check([]string{"content"}, f.content)
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
		return flagError(fl, err, help, stderr), true
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "playbook %s: unexpected argument %q\n\n%s", fl.Name(), fl.Arg(0), help)
		return exitUsage, true
	}
	return 0, false
}

// siteSetup is a site opened from the command line (see package
// project, which finds it and reads its options).
type siteSetup struct {
	*project.Site
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
	if err := f.checkDirs(); err != nil {
		return nil, err
	}
	ps, err := project.Open(project.Flags{
		Source: f.source, SourceSet: f.sourceSet(), Content: f.content,
		Rules: f.rules, Drafts: f.drafts, Version: version(), BaseURL: f.baseURL,
		Getenv: getenv(f.netlify),
	})
	var ue project.UsageError
	if errors.As(err, &ue) {
		return nil, usageError{ue.Err}
	}
	if err != nil {
		return nil, err
	}
	if f.cache != nil {
		ps.Options.Cache = f.cache
	}
	return &siteSetup{Site: ps, opts: ps.Options, dir: ps.Dir, contentDir: ps.ContentDir, config: ps.Config, format: format}, nil
}

// getenv is os.Getenv when a command reads the environment, else nil.
func getenv(read bool) func(string) string {
	if read {
		return os.Getenv
	}
	return nil
}

// baseURLFlag registers --base-url, whose help is baseURLHelp.
func (f *siteFlags) baseURLFlag(fl *flag.FlagSet) { fl.StringVar(&f.baseURL, "base-url", "", "") }

const baseURLHelp = `      --base-url URL   build the site for this URL instead of base_url,
                       such as a deploy preview's; runbook_url and links
                       are still checked against base_url
`

// previewNote says, when the site is built for a URL that is not its
// base_url, which and why.
func (s *siteSetup) previewNote(w io.Writer) {
	if s.URLFrom == "" {
		return
	}
	canonical := "base_url " + s.config.BaseURL
	if s.config.BaseURL == "" {
		canonical = "no base_url (set it in playbook.yaml)"
	}
	fmt.Fprintf(w, "building for %s (%s); rules and links are checked against %s\n", s.opts.PreviewURL, s.URLFrom, canonical)
}

// displayPath makes a path relative to the working folder when it is below
// it (project.DisplayPath).
func displayPath(p string) string { return project.DisplayPath(p) }

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

// noPages refuses a site with no page at all.
func (s *siteSetup) noPages(res *generator.Result) error { return s.Site.NoPages(res.Sources) }

// noConfigNote says why every finding is a warning when there is no
// playbook.yaml (project.Site.NoConfigNote).
func (s *siteSetup) noConfigNote(stderr io.Writer, cmd string, res *generator.Result) {
	s.Site.NoConfigNote(stderr, cmd, len(res.Findings))
}
