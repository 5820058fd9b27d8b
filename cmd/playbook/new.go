package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	pathpkg "path"
	"path/filepath"
	"strings"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/project"
	"github.com/opsplaybook/playbook/generator/scaffold"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/generator/validate"
)

const newHelp = `Usage:
  playbook new KIND PATH
  playbook new alerts --from-rules [flags]

The first form writes a new page of a kind (runbook, alert, checklist,
guide, team, persona) at PATH, with the front matter that kind needs. The
second writes an alert page for every alerting rule of the rule files that
has none: owner from the rule's team label, runbook from its runbook_url
when that leads to a runbook; the ticket is left for you. Neither ever
overwrites a file.

Flags of the second form:
` + siteFlagsHelp

func newCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "alerts" {
		return newAlerts(args[1:], stdout, stderr)
	}
	fl := newFlagSet("new", newHelp, stdout, stderr)
	err := fl.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, newHelp)
		return exitOK
	}
	if err != nil {
		return flagError(fl, err, newHelp, stderr)
	}
	if fl.NArg() != 2 {
		err = errors.New("want a kind and a path")
		fmt.Fprintf(stderr, "playbook new: %v\n\n%s", err, newHelp)
		return exitUsage
	}
	kind, arg := site.Kind(strings.ToLower(fl.Arg(0))), fl.Arg(1)
	if !load.IsMarkdown(arg) {
		arg += ".md"
	}
	content, rel, err := newPagePath(arg)
	if err != nil {
		return fail(stderr, "new", err, newHelp)
	}
	path, err := names.Under(content, rel)
	if err != nil {
		return fail(stderr, "new", fmt.Errorf("%s: a page must be inside the content folder %s, and this path %v", arg, displayPath(content), err), newHelp)
	}
	ref := load.Ref(rel)
	id := pathpkg.Base(ref)
	page, err := scaffold.Page(kind, parse.Readable(ref, ""), id)
	if err != nil {
		fmt.Fprintf(stderr, "playbook new: %v\n\n%s", err, newHelp)
		return exitUsage
	}
	if err := writeNew(content, path, page); err != nil {
		return fail(stderr, "new", err, newHelp)
	}
	fmt.Fprintf(stdout, "wrote %s\n", displayPath(path))
	return exitOK
}

// newPagePath finds the content folder a new page belongs in and the
// page's path inside it, from the path given to "playbook new": a path
// inside the content folder stays as it is; at the site folder, a path
// that is not under content/ is taken as content-relative
// ("runbooks/x.md" is content/runbooks/x.md). A path outside the content
// folder is refused: the page would be silently left out of the site.
func newPagePath(arg string) (content, rel string, err error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	site := wd
	if !project.IsSite(wd) {
		if above := project.FindConfigAbove(wd); above != "" {
			site = filepath.Dir(above)
		}
	}
	content = filepath.Join(site, "content")
	if st, err := os.Stat(content); err != nil || !st.IsDir() {
		content = site
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return "", "", err
	}
	if r, err := filepath.Rel(content, abs); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return content, filepath.ToSlash(r), nil
	}
	if !filepath.IsAbs(arg) && site == wd {
		return content, filepath.ToSlash(arg), nil
	}
	return "", "", fmt.Errorf("%s: a page must be inside the content folder %s, and this path is outside it: the page would not be part of the site", arg, displayPath(content))
}

// writeNew writes a file that must not exist yet, at path inside the
// folder root; it refuses a path whose folders lead out of root through a
// symbolic link.
func writeNew(root, path string, data []byte) error {
	if err := project.Inside(root, filepath.Dir(path)); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: not overwritten", path)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

func newAlerts(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var fromRules bool
	fl := newFlagSet("new alerts", newHelp, stdout, stderr)
	f.register(fl)
	fl.BoolVar(&fromRules, "from-rules", false, "")
	if code, stop := parseFlags(fl, args, newHelp, stdout, stderr); stop {
		return code
	}
	if !fromRules {
		fmt.Fprintf(stderr, "playbook new alerts: only --from-rules is known\n\n%s", newHelp)
		return exitUsage
	}
	s, err := openSite(&f)
	if err != nil {
		return fail(stderr, "new", err, newHelp)
	}
	if len(s.opts.Rules) == 0 {
		return fail(stderr, "new", usageError{errors.New("no rule files: set rules: in playbook.yaml or give --rules")}, newHelp)
	}
	res, err := generator.Check(s.opts)
	if err != nil {
		return fail(stderr, "new", err, newHelp)
	}
	written, kept := 0, 0
	done := map[string]bool{}
	for _, r := range res.Rules {
		if r.Alert == "" || done[r.Alert] || res.Site.Alerts[r.Alert] != nil {
			continue
		}
		done[r.Alert] = true
		owner := r.Labels[s.config.TeamLabel]
		runbook := ""
		target, _ := validate.RunbookURL(res.Site, r.RunbookURL())
		if target == nil || target.Kind != site.Runbook {
			// No runbook_url to a runbook: a runbook that lists the
			// alert or is named after it.
			target = scaffold.RunbookFor(res.Site, r.Alert)
		}
		if target != nil && target.Kind == site.Runbook {
			runbook = target.Ref
			if owner == "" {
				owner = target.Meta.Owner
			}
		}
		path, err := names.Under(s.contentDir, "alerts/"+names.FileName(r.Alert)+".md")
		if err != nil {
			fmt.Fprintf(stderr, "playbook new: alert %q: %v\n", r.Alert, err)
			kept++
			continue
		}
		var roles []string
		if res.Site.Personas["on-call"] != nil {
			roles = []string{"on-call"}
		}
		if err := writeNew(s.contentDir, path, scaffold.Alert(r, owner, runbook, roles)); err != nil {
			fmt.Fprintf(stderr, "playbook new: %v\n", err)
			kept++
			continue
		}
		fmt.Fprintf(stdout, "wrote %s\n", displayPath(path))
		written++
	}
	fmt.Fprintf(stderr, "%s written, %d kept as they were; each needs a ticket, and a runbook where none was found\n", plural(written, "alert page"), kept)
	return exitOK
}
