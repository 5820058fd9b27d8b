package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/watch"
)

// buildWatch is "build --watch": it builds the site with the engine that
// "serve" uses, writes it to dest, then watches the same files as serve
// and, on every save, updates the engine (only what changed is parsed and
// rendered again) and writes the site to dest again through output.Dir,
// which rewrites only the files whose bytes changed and swaps the folder
// in one step. A build with errors (or warnings, with --strict) is not
// written: dest keeps the last good site. Each rebuild prints one line,
// and the findings when they changed. It runs until Ctrl-C.
func buildWatch(f *siteFlags, s *siteSetup, dest string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := s.opts
	opts.Now = time.Now()
	out := stderr
	if s.format == diag.JSON {
		out = stdout
	}
	eng, res, err := engine.New(ctx, opts)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "stopped")
		return exitOK
	}
	if err == nil {
		if err := s.Site.NoPages(res.Snapshot.Sources); err != nil {
			return fail(stderr, "build", err, buildHelp)
		}
	}
	reported := report(res, err, s.format)
	io.WriteString(out, reported)
	fmt.Fprintln(stderr, summary("built", res.Snapshot.Pages, res.Snapshot.Findings, res.Took)+written(dest, res, err, f.strict))
	var ruleFiles []string
	for _, r := range opts.Rules {
		ruleFiles = append(ruleFiles, filepath.FromSlash(r.Path))
	}
	w, err := watch.Start(ctx, watch.Options{ContentDir: s.contentDir, SiteDir: s.dir, Files: ruleFiles, Folders: s.StaticDirs})
	if err != nil {
		return fail(stderr, "build", fmt.Errorf("watching for changes: %w", err), buildHelp)
	}
	fmt.Fprintf(stderr, "watching %s for changes (Ctrl-C to stop)\n", displayPath(s.dir))
	ignored := outputPaths(s.contentDir, dest)
	for {
		var bt watch.Batch
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, "stopped")
			return exitOK
		case b, ok := <-w.Batches():
			if !ok {
				fmt.Fprintln(stderr, "stopped")
				return exitOK
			}
			bt = b
		}
		// Take every batch that is waiting: one update covers them.
	more:
		for {
			select {
			case b, ok := <-w.Batches():
				if !ok {
					break more
				}
				bt.Content = append(bt.Content, b.Content...)
				bt.Site = bt.Site || b.Site
			default:
				break more
			}
		}
		bt.Content = dropOutput(bt.Content, ignored)
		if len(bt.Content) == 0 && !bt.Site {
			continue // only the build's own writes
		}
		ch := engine.Change{Content: bt.Content}
		if bt.Site {
			ns, err := openSite(f)
			if err != nil {
				fmt.Fprintf(stderr, "playbook build: %v\n", err)
				continue
			}
			ns.opts.Now = opts.Now
			ch.Options = &ns.opts
		}
		res, err := eng.Update(ctx, ch)
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "stopped")
			return exitOK
		}
		if r := report(res, err, s.format); r != reported {
			io.WriteString(out, r)
			reported = r
		}
		fmt.Fprintln(stderr, preview.Line(bt, res, err)+written(dest, res, err, f.strict))
	}
}

// report is the findings of an update as "playbook check" prints them, or
// the error that stopped it.
func report(res *engine.Result, err error, format diag.Format) string {
	var b bytes.Buffer
	if err != nil {
		fmt.Fprintf(&b, "playbook build: %v\n", err)
	} else {
		diag.Write(&b, format, res.Snapshot.Findings)
	}
	return b.String()
}

// written writes an update's site to dest unless it failed, and returns
// what to add to its line: where it went, or why it did not.
func written(dest string, res *engine.Result, err error, strict bool) string {
	if err != nil {
		return "; nothing written, " + displayPath(dest) + " keeps the last good site"
	}
	if exitFor(res.Snapshot.Findings, strict) != exitOK {
		return "; nothing written, " + displayPath(dest) + " keeps the last good site"
	}
	w, err := output.NewDir(dest)
	if err != nil {
		return "; not written: " + hideTemp(err, dest).Error()
	}
	for _, name := range res.Snapshot.Names() {
		data, _ := res.Snapshot.File(name)
		if err := w.WriteFile(name, data); err != nil {
			w.Abort()
			return "; not written: " + hideTemp(err, dest).Error()
		}
	}
	if err := w.Commit(); err != nil {
		return "; not written: " + hideTemp(err, dest).Error()
	}
	st := w.Stats()
	return fmt.Sprintf(" into %s (%d files written, %d unchanged, %d removed)", displayPath(dest), st.Written, st.Unchanged, st.Removed)
}

// outputPaths returns the folders a build writes, relative to the content
// folder and slash-separated, when they are inside it (a site whose pages
// sit at its root, built into its public/): the destination, and the
// previous build and the swap folder beside it.
func outputPaths(contentDir, dest string) []string {
	c, err1 := filepath.Abs(contentDir)
	d, err2 := filepath.Abs(dest)
	if err1 != nil || err2 != nil {
		return nil
	}
	var rels []string
	for _, p := range []string{d, output.Previous(d), filepath.Join(filepath.Dir(d), "."+filepath.Base(d)+".swap")} {
		if rel, err := filepath.Rel(c, p); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			rels = append(rels, filepath.ToSlash(rel))
		}
	}
	return rels
}

// dropOutput removes from paths those under the folders of outputPaths.
func dropOutput(paths, ignored []string) []string {
	var keep []string
	for _, p := range paths {
		skip := false
		for _, ig := range ignored {
			if p == ig || strings.HasPrefix(p, ig+"/") {
				skip = true
			}
		}
		if !skip {
			keep = append(keep, p)
		}
	}
	return keep
}
