package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/diag"
)

const checkHelp = `Usage: playbook check [flags]

Checks the site without writing it: owners, tickets, alerts and their
runbooks, links and anchors, roles, persona paths, reviews, front matter.
Prints each finding as "path:line: severity: message [check-id]" and nothing
when there is none.

Flags:
` + siteFlagsHelp + `
Exit status: 0 clean, 1 errors (or any finding with --strict), 2 usage or
I/O errors.
`

func check(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	fl := newFlagSet("check", checkHelp, stdout, stderr)
	f.register(fl)
	f.netlify = true
	if code, stop := parseFlags(fl, args, checkHelp, stdout, stderr); stop {
		return code
	}
	s, err := openSite(&f)
	if err != nil {
		return fail(stderr, "check", err, checkHelp)
	}
	start := time.Now()
	res, err := generator.Check(s.opts)
	if err != nil {
		return fail(stderr, "check", err, checkHelp)
	}
	if err := s.noPages(res); err != nil {
		return fail(stderr, "check", err, checkHelp)
	}
	s.noConfigNote(stderr, "check", res)
	if err := diag.Write(stdout, s.format, res.Findings); err != nil {
		return fail(stderr, "check", err, checkHelp)
	}
	code := exitFor(res.Findings, f.strict)
	if len(res.Findings) > 0 && s.format != diag.JSON {
		fmt.Fprintln(stderr, summary("checked", res.Pages, res.Findings, time.Since(start)))
	}
	return code
}

// fail prints an error and returns its exit code: 2 for usage and I/O.
func fail(stderr io.Writer, cmd string, err error, help string) int {
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "playbook %s: %v\n\n%s", cmd, err, help)
		return exitUsage
	}
	fmt.Fprintf(stderr, "playbook %s: %v\n", cmd, err)
	return exitUsage
}
