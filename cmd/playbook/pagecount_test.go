package main

import (
	"bufio"
	"bytes"
	"github.com/opsplaybook/playbook/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// countLine finds the page count in "built 65 pages in 1.2s: ...".
var countLine = regexp.MustCompile(`^(?:built|checked) (\d+) pages? in `)

// buildCount runs "playbook build" with args and returns the page count
// it prints.
func buildCount(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	dest := filepath.Join(t.TempDir(), "public")
	if code := run(append([]string{"build", "-d", dest}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("build %v: exit %d\n%s", args, code, stderr.String())
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if m := countLine.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	t.Fatalf("build %v printed no page count:\n%s", args, stderr.String())
	return ""
}

// serveCount runs "playbook serve" in folder wd with args, returns the
// page count its first line prints, and stops it.
func serveCount(t *testing.T, wd string, args ...string) string {
	t.Helper()
	cmd := exec.Command("playbook", append([]string{"serve", "--port", "0"}, args...)...)
	cmd.Dir = wd
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	found := make(chan string, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := countLine.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		close(found)
	}()
	select {
	case n, ok := <-found:
		if !ok {
			t.Fatalf("serve %v ended without a page count", args)
		}
		return n
	case <-time.After(120 * time.Second):
		t.Fatalf("serve %v printed no page count in 120 s", args)
	}
	return ""
}

// TestBuildAndServeCountTheSamePages runs "playbook build" and "playbook
// serve" on the same site and compares the page counts they print: the
// example playbook (as a site folder, and built into serve when the
// working folder has no site) and every playbook under ../shared/corpora.
func TestBuildAndServeCountTheSamePages(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("example", func(t *testing.T) {
		b := buildCount(t, "-s", repo)
		t.Logf("build: %s pages", b)
		if s := serveCount(t, repo, "-s", repo); s != b {
			t.Errorf("build says %s pages, serve -s says %s", b, s)
		}
		if s := serveCount(t, t.TempDir()); s != b {
			t.Errorf("build says %s pages, serve of the built-in example says %s", b, s)
		}
	})
	corpora := []struct{ name, content string }{
		{"govuk-manual", "govuk-manual/source/manual"},
		{"hackney-devsys", "hackney-devsys/docs"},
		{"pagerduty-ir", "pagerduty-ir/docs"},
	}
	corporaDir, ok := testenv.Lookup(t, testenv.CorporaVar)
	if !ok {
		for _, c := range corpora {
			t.Run(c.name, func(t *testing.T) { t.Skip(testenv.SkipMessage(testenv.CorporaVar)) })
		}
		return
	}
	entries, err := os.ReadDir(corporaDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !slices.ContainsFunc(corpora, func(c struct{ name, content string }) bool { return c.name == e.Name() }) {
			t.Errorf("corpus %s is not compared: add it with its content folder", e.Name())
		}
	}
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			content, err := filepath.Abs(filepath.Join(corporaDir, c.content))
			if err != nil {
				t.Fatal(err)
			}
			site := t.TempDir()
			b := buildCount(t, "-s", site, "--content", content)
			t.Logf("build: %s pages", b)
			if s := serveCount(t, site, "-s", site, "--content", content); s != b {
				t.Errorf("build says %s pages, serve says %s", b, s)
			}
		})
	}
}
