package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// events are what `go test -json` wrote for a package with a passing, a
// skipped and (when failing) a failed test.
func events(failing bool) string {
	s := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"output","Package":"p","Test":"TestA","Output":"--- PASS: TestA (0.00s)\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"run","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:12: no Chromium found: browser tests skipped\n"}
{"Action":"output","Package":"p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
`
	if failing {
		s += `{"Action":"run","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:3: got 1, want 2\n"}
{"Action":"fail","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p"}
`
	} else {
		s += `{"Action":"output","Package":"p","Output":"PASS\n"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}
`
	}
	return s
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name      string
		failing   bool
		failSkips string
		status    int
		want      []string
		not       []string
	}{
		{name: "skips listed", status: 0,
			want: []string{"ok  \tp\t0.1s", "2 tests: 1 passed, 0 failed, 1 skipped", "- TestB (p): no Chromium found: browser tests skipped"},
			not:  []string{"PASS\n", "=== RUN", "b_test.go"}},
		{name: "a skip of what the caller installed fails", failSkips: "Chromium|axe-core", status: 1,
			want: []string{"! (a skip that fails the run) TestB (p): no Chromium found"}},
		{name: "other skips pass", failSkips: "PLAYBOOK_CORPORA", status: 0},
		{name: "a failure shows its output", failing: true, status: 1,
			want: []string{"c_test.go:3: got 1, want 2", "FAIL\tp", "3 tests: 1 passed, 1 failed, 1 skipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *regexp.Regexp
			if tt.failSkips != "" {
				re = regexp.MustCompile(tt.failSkips)
			}
			var out bytes.Buffer
			if got := run(strings.NewReader(events(tt.failing)), &out, re); got != tt.status {
				t.Errorf("exit %d, want %d\n%s", got, tt.status, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the report lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out.String(), n) {
					t.Errorf("the report has %q:\n%s", n, out.String())
				}
			}
		})
	}
}

// TestPanicShowsItsOutput: a test binary that panics ends the test
// without a result for it; its output is printed all the same.
func TestPanicShowsItsOutput(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestD"}
{"Action":"output","Package":"p","Test":"TestD","Output":"panic: runtime error: index out of range\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p"}
`
	var out bytes.Buffer
	if got := run(strings.NewReader(in), &out, nil); got != 1 {
		t.Errorf("exit %d, want 1", got)
	}
	if !strings.Contains(out.String(), "panic: runtime error") {
		t.Errorf("the panic is not printed:\n%s", out.String())
	}
}

// TestNoTestsFails: an empty run (a wrong package pattern, go test that
// printed only an error) is not a success.
func TestNoTestsFails(t *testing.T) {
	var out bytes.Buffer
	if got := run(strings.NewReader("no Go files in /x\n"), &out, nil); got != 1 {
		t.Errorf("exit %d, want 1\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), "no Go files in /x") {
		t.Errorf("a line that is not an event is not printed:\n%s", out.String())
	}
}
