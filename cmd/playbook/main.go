// Command playbook builds, checks and previews operations playbooks.
//
//	playbook build   [-s DIR] [--content DIR] [-d DIR] [--format F] [--strict]
//	playbook check   [-s DIR] [--content DIR] [--format F] [--strict]
//	playbook serve   [-s DIR] [--content DIR] [--port N] [--bind ADDR]
//	playbook version
//	playbook help [COMMAND]
//	playbook completion bash|zsh|fish
//
// Exit status: 0 clean, 1 findings of error severity (or any finding with
// --strict), 2 usage or I/O errors.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `playbook turns a folder of markdown runbooks, alerts, checklists and guides
into a persona-navigated static site, and checks that every alert and runbook
leads to an owning team and a ticket.

Usage:
  playbook <command> [flags]

Commands:
  build       check the site and write it to the destination folder
  check       check the site and print its findings
  init        write a new playbook to start from
  new         write a new page, or alert pages for the rules that have none
  serve       build the site into memory and serve it on 127.0.0.1:1313
  search      search the site's pages as its search box does
  version     print the version
  help        print the help of a command
  completion  print a shell completion script (bash, zsh, fish)

Run "playbook help <command>" for a command's flags.
`

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "build":
		return build(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "init":
		return initCmd(args[1:], stdout, stderr)
	case "new":
		return newCmd(args[1:], stdout, stderr)
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "search":
		return searchCmd(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		if len(args) > 1 && isHelp(args[1]) {
			fmt.Fprint(stdout, versionHelp)
			return exitOK
		}
		fmt.Fprintln(stdout, "playbook", version())
		return exitOK
	case "help", "-h", "--help", "-help":
		return helpCmd(args[1:], stdout, stderr)
	case "completion":
		return completion(args[1:], stdout, stderr)
	}
	return unknownCommand(args[0], stderr)
}
