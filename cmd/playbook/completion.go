package main

import (
	"fmt"
	"io"
	"strings"
)

const completionHelp = `Usage: playbook completion bash|zsh|fish

Prints a script that completes playbook's commands and their flags in the
shell named. To load it:

  bash: source <(playbook completion bash)        (in ~/.bashrc)
  zsh:  source <(playbook completion zsh)         (in ~/.zshrc, after compinit)
  fish: playbook completion fish | source         (in ~/.config/fish/config.fish)
`

func completion(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && isHelp(args[0]) {
		fmt.Fprint(stdout, completionHelp)
		return exitOK
	}
	if len(args) != 1 {
		fmt.Fprintf(stderr, "playbook completion: %v\n\n%s", errNoShell, completionHelp)
		return exitUsage
	}
	switch args[0] {
	case "bash":
		fmt.Fprint(stdout, bashCompletion())
	case "zsh":
		fmt.Fprint(stdout, zshCompletion())
	case "fish":
		fmt.Fprint(stdout, fishCompletion())
	default:
		fmt.Fprintf(stderr, "playbook completion: unknown shell '%s' (want bash, zsh or fish)\n", args[0])
		return exitUsage
	}
	return exitOK
}

// argsOf returns the words a command's arguments complete to, beyond
// files: commands for help, shells for completion, kinds for new.
func argsOf(name string) []string {
	switch name {
	case "help":
		return commandNames()
	case "completion":
		return []string{"bash", "zsh", "fish"}
	case "new":
		return []string{"alerts", "runbook", "alert", "checklist", "guide", "team", "persona"}
	}
	return nil
}

func flagWords(name string) []string {
	var words []string
	for _, f := range commandFlags(name) {
		if f.short != "" {
			words = append(words, "-"+f.short)
		}
		words = append(words, "--"+f.long)
	}
	return words
}

// bashCompletion is the script for bash: commands in the first place,
// then the command's flags for a word that starts with "-", its words
// (argsOf) otherwise, and files (complete -o default) when none fit.
func bashCompletion() string {
	var b strings.Builder
	b.WriteString(`# bash completion for playbook: source <(playbook completion bash)
_playbook() {
	local cur=${COMP_WORDS[COMP_CWORD]} words=""
	if [[ $COMP_CWORD -eq 1 ]]; then
		words="` + strings.Join(commandNames(), " ") + `"
	else
		case ${COMP_WORDS[1]} in
`)
	for _, c := range commandNames() {
		fmt.Fprintf(&b, "\t\t%s)\n\t\t\tif [[ $cur == -* ]]; then words=%q; else words=%q; fi ;;\n",
			c, strings.Join(flagWords(c), " "), strings.Join(argsOf(c), " "))
	}
	b.WriteString(`		esac
	fi
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _playbook playbook
`)
	return b.String()
}

// zshQuote quotes s for a zsh single-quoted word, with ':' escaped for
// _describe.
func zshQuote(s string) string {
	s = strings.ReplaceAll(s, `'`, `'\''`)
	return "'" + s + "'"
}

// zshCompletion is the script for zsh, written for compsys: loaded from
// fpath as _playbook, or sourced (it then calls compdef itself).
func zshCompletion() string {
	var b strings.Builder
	b.WriteString("#compdef playbook\n# zsh completion for playbook: source <(playbook completion zsh)\n_playbook() {\n\tlocal -a commands\n\tcommands=(\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "\t\t%s\n", zshQuote(c.name+":"+strings.ReplaceAll(c.summary, ":", `\:`)))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe 'command' commands\n\t\treturn\n\tfi\n\tcase $words[2] in\n")
	for _, c := range commandNames() {
		fmt.Fprintf(&b, "\t%s)\n\t\t_arguments -s", c)
		for _, f := range commandFlags(c) {
			desc := strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(f.summary)
			action := ""
			switch f.value {
			case "":
			case "FORMAT":
				action = ":format:(text github json)"
			default:
				action = ":" + strings.ToLower(f.value) + ":_files"
			}
			if f.short != "" {
				// '(-s --source)'{-s,--source}'[...]': the braces
				// outside the quotes, for zsh to expand.
				fmt.Fprintf(&b, " \\\n\t\t\t%s{-%s,--%s}%s", zshQuote("(-"+f.short+" --"+f.long+")"), f.short, f.long, zshQuote("["+desc+"]"+action))
			} else {
				fmt.Fprintf(&b, " \\\n\t\t\t%s", zshQuote("--"+f.long+"["+desc+"]"+action))
			}
		}
		if words := argsOf(c); len(words) > 0 {
			fmt.Fprintf(&b, " \\\n\t\t\t%s", zshQuote("*:argument:("+strings.Join(words, " ")+")"))
		} else {
			fmt.Fprintf(&b, " \\\n\t\t\t%s", zshQuote("*:file:_files"))
		}
		b.WriteString(" ;;\n")
	}
	b.WriteString("\tesac\n}\nif [[ $funcstack[1] == _playbook ]]; then\n\t_playbook \"$@\"\nelse\n\tcompdef _playbook playbook\nfi\n")
	return b.String()
}

// fishQuote quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// fishCompletion is the script for fish.
func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for playbook: playbook completion fish | source\ncomplete -c playbook -e\n")
	fmt.Fprintf(&b, "complete -c playbook -n __fish_use_subcommand -f\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "complete -c playbook -n __fish_use_subcommand -f -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range commandNames() {
		cond := fishQuote("__fish_seen_subcommand_from " + c)
		for _, f := range commandFlags(c) {
			fmt.Fprintf(&b, "complete -c playbook -n %s -l %s", cond, f.long)
			if f.short != "" {
				fmt.Fprintf(&b, " -s %s", f.short)
			}
			switch f.value {
			case "":
			case "FORMAT":
				b.WriteString(" -r -f -a 'text github json'")
			default:
				b.WriteString(" -r -F")
			}
			fmt.Fprintf(&b, " -d %s\n", fishQuote(f.summary))
		}
		if words := argsOf(c); len(words) > 0 {
			fmt.Fprintf(&b, "complete -c playbook -n %s -f -a %s\n", cond, fishQuote(strings.Join(words, " ")))
		}
	}
	return b.String()
}
