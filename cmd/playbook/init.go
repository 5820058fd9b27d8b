package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/scaffold"
)

const initHelp = `Usage: playbook init [flags] [DIR]

Writes a new playbook into DIR (default: the working folder), ready to
preview with "playbook serve" and to pass "playbook check --strict":
playbook.yaml, a team, an on-call persona with its onboarding path, a
guide, a runbook, an alert with the Prometheus rule file that defines it,
a service readiness checklist, a GitHub Actions workflow that checks pull
requests (.github/workflows/playbook.yml), netlify.toml and .gitignore.
It never overwrites a file: when any of them exists, it writes nothing.

Flags:
      --title TITLE    the playbook's title (default "Operations Playbook")
      --base-url URL   where the site will be published (default
                       https://playbook.example.org/); the rule file's
                       runbook_url points there

Exit status: 0 written, 2 usage or I/O errors, or a file exists.
`

func initCmd(args []string, stdout, stderr io.Writer) int {
	var title, baseURL string
	fl := newFlagSet("init", initHelp, stdout, stderr)
	fl.StringVar(&title, "title", "", "")
	fl.StringVar(&baseURL, "base-url", "", "")
	// Flags may come before or after DIR.
	var dirs []string
	for {
		err := fl.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, initHelp)
			return exitOK
		}
		if err != nil {
			return flagError(fl, err, initHelp, stderr)
		}
		if fl.NArg() == 0 {
			break
		}
		dirs, args = append(dirs, fl.Arg(0)), fl.Args()[1:]
	}
	if len(dirs) > 1 {
		fmt.Fprintf(stderr, "playbook init: want one folder, got %d: %s\n\n%s", len(dirs), strings.Join(dirs, " "), initHelp)
		return exitUsage
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	if baseURL != "" {
		var err error
		if baseURL, err = config.BaseURL(baseURL); err != nil {
			return fail(stderr, "init", usageError{fmt.Errorf("--base-url %q: %v", baseURL, err)}, initHelp)
		}
	}
	files, err := scaffold.Playbook(scaffold.Starter{
		Title: title, BaseURL: baseURL, Today: time.Now().Format(time.DateOnly),
		Ref: releaseRef(version()), GoVersion: goRelease(runtime.Version()),
	})
	if err != nil {
		return fail(stderr, "init", err, initHelp)
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fail(stderr, "init", usageError{fmt.Errorf("%s is not a folder", dir)}, initHelp)
	}
	// Refuse before writing anything, so that a second init, or an init
	// over a playbook, leaves every file as it was.
	var exist []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, displayPath(p))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fail(stderr, "init", err, initHelp)
		}
	}
	if len(exist) > 0 {
		return fail(stderr, "init", fmt.Errorf("%s: already there; nothing written (init never overwrites a file: choose an empty folder)", strings.Join(exist, ", ")), initHelp)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(stderr, "init", err, initHelp)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := writeNew(dir, p, f.Data); err != nil {
			return fail(stderr, "init", err, initHelp)
		}
		fmt.Fprintf(stdout, "wrote %s\n", displayPath(p))
	}
	cd := ""
	if filepath.Clean(dir) != "." {
		cd = "  cd " + displayPath(dir) + "\n"
	}
	fmt.Fprintf(stdout, "\nNext:\n%s  playbook serve   # preview it on http://127.0.0.1:1313/\n  playbook check   # what CI checks on every pull request\n", cd)
	return exitOK
}

// releaseRef is the version of playbook a new playbook's CI and Netlify
// build run: this one when it is a release (v1.2.0), else the main branch.
func releaseRef(v string) string {
	if regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+$`).MatchString(v) {
		return v
	}
	return "main"
}

// goRelease turns runtime.Version ("go1.26.8") into Netlify's GO_VERSION
// ("1.26.8"), or "" for a development build of Go.
func goRelease(v string) string {
	v = strings.TrimPrefix(v, "go")
	if regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`).MatchString(v) {
		return v
	}
	return ""
}
