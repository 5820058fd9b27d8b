// Command testsummary reads the events of `go test -json` on standard
// input and prints what `go test` prints without -v (each package's
// result, the output of failed tests and of builds that failed), then how
// many tests were skipped and why, one line a test. .ci/run pipes the
// tests through it:
//
//	go test -json ./... | go run ./internal/testsummary -fail-skips 'Chromium|axe-core'
//
// Input: test2json events (cmd/test2json), one JSON object a line; a line
// that is not one is printed as it is. Output: the report on standard
// output. Exit status: 1 when a test or a package failed, when the input
// held no test at all, or when a skip's reason matches -fail-skips (the
// things the caller installed or provided, so that they cannot be left out
// silently); 2 for a usage error; 0 otherwise.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// event is one test2json event.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// skip is a skipped test and the reason it printed.
type skip struct{ pkg, test, reason string }

// report is what the events said so far.
type report struct {
	out      io.Writer
	buffered map[string][]string // output of running tests, by package and test
	skips    []skip
	failed   bool
	tests    map[string]int // results by action: pass, fail, skip
}

func main() {
	failSkips := flag.String("fail-skips", "", "a regular expression: a skip whose reason matches it fails the run")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go test -json ./... | testsummary [-fail-skips REGEXP]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	var re *regexp.Regexp
	if *failSkips != "" {
		var err error
		if re, err = regexp.Compile(*failSkips); err != nil {
			fmt.Fprintf(os.Stderr, "testsummary: -fail-skips: %v\n", err)
			os.Exit(2)
		}
	}
	os.Exit(run(os.Stdin, os.Stdout, re))
}

// run reads the events from in, writes the report to out and returns the
// exit status.
func run(in io.Reader, out io.Writer, failSkips *regexp.Regexp) int {
	r := &report{out: out, buffered: map[string][]string{}, tests: map[string]int{}}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(out, "%s\n", line)
			continue
		}
		r.add(e)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "testsummary: reading the events: %v\n", err)
		return 1
	}
	return r.finish(failSkips)
}

// add takes one event.
func (r *report) add(e event) {
	key := e.Package + "\x00" + e.Test
	switch {
	case e.Action == "build-output":
		fmt.Fprint(r.out, e.Output)
	case e.Test == "" && e.Action == "output":
		// The package's own lines: "ok", "FAIL", a panic outside a
		// test; not the "PASS" that only -v prints.
		if e.Output != "PASS\n" {
			fmt.Fprint(r.out, e.Output)
		}
	case e.Test == "" && e.Action == "fail":
		// A test binary that panicked or timed out leaves tests that
		// never ended: their output says why.
		r.failed = true
		r.flush(e.Package + "\x00")
	case e.Test == "":
	case e.Action == "output":
		r.buffered[key] = append(r.buffered[key], e.Output)
	case e.Action == "pass" || e.Action == "fail" || e.Action == "skip":
		r.tests[e.Action]++
		lines := r.buffered[key]
		delete(r.buffered, key)
		switch e.Action {
		case "fail":
			r.failed = true
			fmt.Fprint(r.out, strings.Join(lines, ""))
		case "skip":
			r.skips = append(r.skips, skip{e.Package, e.Test, reason(lines)})
		}
	}
}

// flush prints and forgets the output of the tests whose key begins
// with prefix and that have not ended, in the order of their names.
func (r *report) flush(prefix string) {
	var keys []string
	for k := range r.buffered {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprint(r.out, strings.Join(r.buffered[k], ""))
		delete(r.buffered, k)
	}
}

// location is the "file_test.go:12: " that testing puts before a message.
var location = regexp.MustCompile(`^\s*[\w.-]+\.go:\d+: `)

// reason is the message a skipped test printed, without its location
// and the lines testing adds (=== RUN, --- SKIP).
func reason(lines []string) string {
	var msg []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		msg = append(msg, location.ReplaceAllString(strings.TrimRight(l, "\n"), ""))
	}
	if len(msg) == 0 {
		return "(no reason given)"
	}
	// The skip's own message is the last thing a test prints.
	return strings.TrimSpace(msg[len(msg)-1])
}

// finish prints the summary of skips and returns the exit status.
func (r *report) finish(failSkips *regexp.Regexp) int {
	if len(r.buffered) > 0 {
		// The input ended while tests ran (go test was killed).
		r.failed = true
		r.flush("")
	}
	total := r.tests["pass"] + r.tests["fail"] + r.tests["skip"]
	fmt.Fprintf(r.out, "\n%d tests: %d passed, %d failed, %d skipped\n", total, r.tests["pass"], r.tests["fail"], r.tests["skip"])
	sort.Slice(r.skips, func(i, j int) bool {
		if r.skips[i].pkg != r.skips[j].pkg {
			return r.skips[i].pkg < r.skips[j].pkg
		}
		return r.skips[i].test < r.skips[j].test
	})
	status := 0
	for _, s := range r.skips {
		mark := "-"
		if failSkips != nil && failSkips.MatchString(s.reason) {
			mark = "! (a skip that fails the run)"
			status = 1
		}
		fmt.Fprintf(r.out, "  %s %s (%s): %s\n", mark, s.test, s.pkg, s.reason)
	}
	if r.failed {
		return 1
	}
	if total == 0 {
		fmt.Fprintln(r.out, "no test ran")
		return 1
	}
	return status
}
