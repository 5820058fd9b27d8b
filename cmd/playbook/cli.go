package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/internal/suggest"
)

// The command line's help, did-you-mean and completion all read the
// commands and their flags from the help texts (usage's "Commands:" list
// and each command's --help), so a command or flag documented there is
// known to all three without a table to keep beside it.

// commandLine matches a command in usage's "Commands:" list.
var commandLine = regexp.MustCompile(`(?m)^  ([a-z]+)  +(.*)$`)

// command is a command of usage, with its one-line summary.
type command struct{ name, summary string }

// commands returns the commands listed in usage, in its order.
func commands() []command {
	_, list, _ := strings.Cut(usage, "Commands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	var cs []command
	for _, m := range commandLine.FindAllStringSubmatch(list, -1) {
		cs = append(cs, command{m[1], m[2]})
	}
	return cs
}

func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help"
}

// helpCmd is "playbook help [COMMAND]": the general help, or a command's,
// which is what "playbook COMMAND --help" prints.
func helpCmd(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0 || isHelp(args[0]):
		fmt.Fprint(stdout, usage)
		return exitOK
	case len(args) > 1:
		fmt.Fprintf(stderr, "playbook help: want one command, not %q\n", strings.Join(args, " "))
		return exitUsage
	case args[0] == "help":
		fmt.Fprint(stdout, helpHelp)
		return exitOK
	case !slices.Contains(commandNames(), args[0]):
		return unknownCommand(args[0], stderr)
	}
	return run([]string{args[0], "--help"}, stdout, stderr)
}

const helpHelp = `Usage: playbook help [COMMAND]

Prints the help of a command (as "playbook COMMAND --help" does), or,
without one, the list of commands.
`

const versionHelp = `Usage: playbook version

Prints the version of playbook: the module version of a release, or
"devel" and the commit of a build from a checkout.
`

// unknownCommand says that name is no command, with the command meant
// when it is a slip of the keyboard, and returns the exit code.
func unknownCommand(name string, stderr io.Writer) int {
	if s := suggest.Closest(name, commandNames()); s != "" {
		fmt.Fprintf(stderr, "playbook: unknown command '%s'; did you mean '%s'?\nRun 'playbook help' for the commands.\n", name, s)
		return exitUsage
	}
	fmt.Fprintf(stderr, "playbook: unknown command '%s'\n\n%s", name, usage)
	return exitUsage
}

// undefinedFlag matches the flag package's error for a flag it does not
// know.
var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)

// flagError prints a parse error of fl's flags: an unknown flag with the
// flag meant, when it is a slip of the keyboard, and the command's help
// otherwise. It returns the exit code.
func flagError(fl *flag.FlagSet, err error, help string, stderr io.Writer) int {
	m := undefinedFlag.FindStringSubmatch(err.Error())
	if m == nil {
		fmt.Fprintf(stderr, "playbook %s: %v\n\n%s", fl.Name(), err, help)
		return exitUsage
	}
	var names []string
	fl.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if s := suggest.Closest(m[1], names); s != "" {
		fmt.Fprintf(stderr, "playbook %s: unknown flag %s; did you mean %s?\nRun 'playbook help %s' for its flags.\n", fl.Name(), dashes(m[1]), dashes(s), fl.Name())
		return exitUsage
	}
	fmt.Fprintf(stderr, "playbook %s: unknown flag %s\n\n%s", fl.Name(), dashes(m[1]), help)
	return exitUsage
}

// dashes writes a flag as the help does: -s, --source.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagDoc is a flag as a command's help documents it.
type flagDoc struct {
	short, long string // without dashes; short may be ""
	value       string // the value's name (DIR, N), "" for a switch
	summary     string
}

// flagLine matches a flag in a command's help: "  -s, --source DIR  the
// site folder" or "      --strict  fail on warnings too"; the lines
// below it that are indented further continue its summary.
var flagLine = regexp.MustCompile(`^  (?:-([a-zA-Z]), |    )--([a-z][a-z0-9-]*)(?: ([A-Z][A-Z0-9_]*))?  +(.*)$`)

// continued matches a line that continues a flag's summary.
var continued = regexp.MustCompile(`^ {12,}(\S.*)$`)

// commandFlags returns the flags a command's --help documents.
func commandFlags(name string) []flagDoc {
	var out bytes.Buffer
	run([]string{name, "--help"}, &out, io.Discard)
	var fs []flagDoc
	last := -1
	for _, line := range strings.Split(out.String(), "\n") {
		if m := flagLine.FindStringSubmatch(line); m != nil {
			last = slices.IndexFunc(fs, func(f flagDoc) bool { return f.long == m[2] })
			if last < 0 {
				fs = append(fs, flagDoc{short: m[1], long: m[2], value: m[3], summary: strings.TrimSpace(m[4])})
				last = len(fs) - 1
			} else {
				last = -1 // documented twice: the first one counts
			}
			continue
		}
		if m := continued.FindStringSubmatch(line); m != nil && last >= 0 {
			fs[last].summary += " " + strings.TrimSpace(m[1])
			continue
		}
		last = -1
	}
	return fs
}

var errNoShell = errors.New("want a shell: bash, zsh or fish")
