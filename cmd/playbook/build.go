package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/project"
)

const buildHelp = `Usage: playbook build [flags]

Checks the site and writes it, complete, to the destination folder. The
previous build is kept in a hidden folder beside the destination
(".public.previous" for "public"); the build writes there only the files
whose bytes changed and swaps the two folders at the end, so readers see
the old site or the new one, and a build that fails or is killed leaves
the previous site as it was. Findings are printed as by
"playbook check"; a build with errors (or, with --strict, any finding)
writes nothing.

Flags:
` + siteFlagsHelp + cacheFlagsHelp + `  -d, --destination DIR  the output folder (default: SITE/public, or
                       destination: in playbook.yaml, which must be inside
                       the site folder)
      --force          replace the destination even when it is a folder
                       of other files, not a site playbook built
  -w, --watch          after the build, rebuild into the destination on
                       every save, as serve does, until Ctrl-C
` + baseURLHelp + `
In a Netlify deploy preview or branch deploy (CONTEXT=deploy-preview or
branch-deploy), the site is built for DEPLOY_PRIME_URL, as with
--base-url; Netlify's URL stands for base_url when playbook.yaml has none.

Exit status: 0 built, 1 errors (or any finding with --strict), 2 usage or
I/O errors.
`

func build(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var dest string
	fl := newFlagSet("build", buildHelp, stdout, stderr)
	f.register(fl)
	f.baseURLFlag(fl)
	f.netlify = true
	fl.StringVar(&dest, "d", "", "")
	fl.StringVar(&dest, "destination", "", "")
	var force bool
	fl.BoolVar(&force, "force", false, "")
	var watching bool
	fl.BoolVar(&watching, "w", false, "")
	fl.BoolVar(&watching, "watch", false, "")
	var cf cacheFlags
	cf.register(fl)
	if code, stop := parseFlags(fl, args, buildHelp, stdout, stderr); stop {
		return code
	}
	if err := cf.check(); err != nil {
		return fail(stderr, "build", err, buildHelp)
	}
	s, err := openSite(&f)
	if err != nil {
		return fail(stderr, "build", err, buildHelp)
	}
	s.previewNote(stderr)
	fromConfig := dest == ""
	if fromConfig {
		dest = filepath.Join(s.dir, s.config.Destination)
	}
	if err := checkDestination(dest, fromConfig, force, s); err != nil {
		return fail(stderr, "build", err, buildHelp)
	}
	cache := cf.open("build", stderr, s.cacheKeepOut(dest))
	if cache != nil {
		f.cache, s.opts.Cache = cache, cache
		defer closeCache(cache, "build", stderr)
	}
	if watching {
		return buildWatch(&f, s, dest, stdout, stderr)
	}
	limitMemory()
	start := time.Now()
	stop := progress(stderr, start)
	var w *output.Dir
	if cache != nil {
		// The pages whose dependency key is that of a file the
		// destination's folder already has are not made again.
		w, err = output.NewDirCache(dest, cache)
	} else {
		w, err = output.NewDir(dest)
	}
	if err != nil {
		stop()
		return fail(stderr, "build", err, buildHelp)
	}
	res, err := generator.Build(s.opts, w)
	stop()
	if err != nil {
		w.Abort()
		return fail(stderr, "build", hideTemp(err, dest), buildHelp)
	}
	if err := s.noPages(res); err != nil {
		w.Abort()
		return fail(stderr, "build", err, buildHelp)
	}
	s.noConfigNote(stderr, "build", res)
	out := stderr
	if s.format == diag.JSON {
		out = stdout
	}
	if err := diag.Write(out, s.format, res.Findings); err != nil {
		w.Abort()
		return fail(stderr, "build", err, buildHelp)
	}
	code := exitFor(res.Findings, f.strict)
	if code != exitOK {
		w.Abort()
		fmt.Fprintln(stderr, summary("checked", res.Pages, res.Findings, time.Since(start))+"; nothing written")
		return code
	}
	if err := w.Commit(); err != nil {
		return fail(stderr, "build", hideTemp(err, dest), buildHelp)
	}
	st := w.Stats()
	fmt.Fprintf(stderr, "%s into %s (%d files written, %d unchanged, %d removed)\n",
		summary("built", res.Pages, res.Findings, time.Since(start)), displayPath(dest), st.Written, st.Unchanged, st.Removed)
	return exitOK
}

// checkDestination refuses an output folder the build must not replace:
// one that holds the sources (safeDestination); one set in playbook.yaml
// that is, with symbolic links followed, outside the site folder (the
// file comes with the site, from a pull request); and, unless force, a
// folder with files in it that is not a site playbook built.
func checkDestination(dest string, fromConfig, force bool, s *siteSetup) error {
	if err := safeDestination(dest, s.dir, s.contentDir); err != nil {
		return err
	}
	if fromConfig {
		if err := project.Inside(s.dir, dest); err != nil {
			return fmt.Errorf("destination %s (playbook.yaml) leads out of the site folder: give -d to write elsewhere", displayPath(dest))
		}
	}
	if force {
		return nil
	}
	st, err := os.Lstat(dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return usageError{fmt.Errorf("destination %s is not a folder: choose another, or remove it", displayPath(dest))}
	}
	entries, err := os.ReadDir(dest)
	if err != nil {
		return err
	}
	if len(entries) == 0 || isBuild(dest) {
		return nil
	}
	return usageError{fmt.Errorf("destination %s holds files and is not a site playbook built: a build would replace it; choose another folder, or give --force", displayPath(dest))}
}

// isBuild reports whether a folder is a site that playbook built: it has
// the output.Marker file, or, from before there was one, a 404.html that
// names playbook as its generator.
func isBuild(dir string) bool {
	if output.IsBuild(dir) {
		return true
	}
	f, err := os.Open(filepath.Join(dir, "404.html"))
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte(`<meta name="generator" content="playbook `))
}

// hideTemp names the destination in an error where it names a folder
// that output.Dir writes the site into beside it before the swap
// (".public.previous/x", ".public.swap"), which the person reading it
// never sees.
func hideTemp(err error, dest string) error {
	re := regexp.MustCompile(`(?:[^\s"']*[/\\])?\.` + regexp.QuoteMeta(filepath.Base(dest)) + `\.(?:new-[0-9]+(?:\.old)?|previous|swap)`)
	msg := err.Error()
	if !re.MatchString(msg) {
		return err
	}
	return errors.New(re.ReplaceAllLiteralString(msg, displayPath(dest)))
}

// safeDestination refuses an output folder that the swap would destroy the
// sources with: the site folder, the content folder, or a folder above them.
func safeDestination(dest, site, content string) error {
	d, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	for _, p := range []string{site, content} {
		a, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		if a == d || strings.HasPrefix(a+string(filepath.Separator), d+string(filepath.Separator)) {
			return usageError{fmt.Errorf("destination %s would replace %s: choose another folder", dest, p)}
		}
	}
	return nil
}

// progress prints a line on a terminal while a build runs longer than a
// second; the returned func clears it.
func progress(w io.Writer, start time.Time) func() {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case now := <-t.C:
				fmt.Fprintf(f, "\r\033[Kbuilding… %s", now.Sub(start).Round(time.Second))
				shown = true
			}
		}
	}()
	return func() { close(done); <-finished }
}
