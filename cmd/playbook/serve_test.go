package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/search"
)

// serveSite is a small site for "playbook serve".
var serveSite = map[string]string{
	"playbook.yaml":           "title: Serve\n",
	"content/teams/ops.md":    "---\ntitle: Ops\n---\nWe run the brokers.\n",
	"content/guides/kafka.md": "---\ntitle: Kafka brokers\nowner: ops\n---\nHow partitions move between brokers.\n",
	"content/runbooks/restart.md": "---\ntitle: Restart a broker\nowner: ops\nticket: OPS-1\n---\n" +
		"See [the guide](../guides/kafka.md).\n",
}

// startServe runs "playbook serve" on a free port of 127.0.0.1 and returns
// its URL; it is stopped with Ctrl-C (SIGINT) at the end of the test,
// which must end it cleanly.
func startServe(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("playbook", append([]string{"serve", "-s", dir, "--port", "0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	var log strings.Builder
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		exited := make(chan error, 1)
		go func() { <-done; exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("serve after Ctrl-C: %v\n%s", err, log.String())
			}
			if !strings.Contains(log.String(), "stopped") {
				t.Errorf("serve did not say it stopped:\n%s", log.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("serve still running 10 s after Ctrl-C")
		}
	})
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l := <-lines:
			if _, url, ok := strings.Cut(l, "serving on "); ok {
				url, _, _ = strings.Cut(url, " ")
				if !strings.HasPrefix(url, "http://127.0.0.1:") {
					t.Fatalf("serve listens on %s, not loopback", url)
				}
				return strings.TrimSuffix(url, "/")
			}
		case <-timeout:
			t.Fatalf("serve did not start:\n%s", log.String())
		}
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func searchURLs(t *testing.T, base, q string) []string {
	t.Helper()
	code, body := get(t, base+"/api/search?q="+q)
	if code != http.StatusOK {
		t.Fatalf("/api/search?q=%s: %d %s", q, code, body)
	}
	var hits []search.Hit
	if err := json.Unmarshal([]byte(body), &hits); err != nil {
		t.Fatalf("/api/search?q=%s: %v\n%s", q, err, body)
	}
	var urls []string
	for _, h := range hits {
		urls = append(urls, h.URL)
	}
	return urls
}

// eventually polls until ok or 20 seconds have passed.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal(what)
}

func writeServeSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range serveSite {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestServeOpensTheBrowser checks that --open opens the preview's URL
// with $BROWSER.
func TestServeOpensTheBrowser(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in browser is a shell script")
	}
	dir := writeServeSite(t)
	opened := filepath.Join(t.TempDir(), "opened")
	browser := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(browser, []byte("#!/bin/sh\necho \"$1\" > "+opened+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, dir, []string{"BROWSER=" + browser}, "--open")
	eventually(t, "the browser was not opened", func() bool {
		got, _ := os.ReadFile(opened)
		return strings.TrimSpace(string(got)) == base+"/"
	})
}

// TestServeFollowsEdits runs the command as a user does: pages and
// /api/search follow an edit, the page is told to reload, an error shows
// the overlay, nothing outside the built site is served, and Ctrl-C
// stops it.
func TestServeFollowsEdits(t *testing.T) {
	dir := writeServeSite(t)
	base := startServe(t, dir, nil)

	code, page := get(t, base+"/guides/kafka/")
	if code != http.StatusOK || !strings.Contains(page, "How partitions move") || !strings.Contains(page, "/_playbook/live.js") {
		t.Fatalf("/guides/kafka/: %d, without its text or the reload script:\n%s", code, page)
	}
	if got := searchURLs(t, base, "partitions"); len(got) != 1 || got[0] != "/guides/kafka/" {
		t.Errorf("/api/search?q=partitions: %v", got)
	}
	for _, p := range []string{"/playbook.yaml", "/content/guides/kafka.md", "/../playbook.yaml", "/%2e%2e/playbook.yaml", "/guides/kafka.md"} {
		if code, body := get(t, base+p); code != http.StatusNotFound || strings.Contains(body, "title: Serve") {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}

	// Listen for changes, as a page does.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/_playbook/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	events := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
	}()
	if ev := <-events; ev != "hello" {
		t.Fatalf("first event %q", ev)
	}

	guide := filepath.Join(dir, "content", "guides", "kafka.md")
	os.WriteFile(guide, []byte(strings.Replace(serveSite["content/guides/kafka.md"], "partitions move", "replicas follow", 1)), 0o644)
	select {
	case ev := <-events:
		if ev != "reload" {
			t.Errorf("after an edit, event %q", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no reload event after an edit")
	}
	if _, page := get(t, base+"/guides/kafka/"); !strings.Contains(page, "How replicas follow") {
		t.Errorf("the page does not show the edit:\n%s", page)
	}
	eventually(t, "/api/search does not find the edited word", func() bool {
		got := searchURLs(t, base, "replicas")
		return len(got) == 1 && got[0] == "/guides/kafka/"
	})
	if got := searchURLs(t, base, "partitions"); len(got) != 0 {
		t.Errorf("/api/search still finds the word the edit removed: %v", got)
	}

	// An unknown owner is an error: the overlay says where and which check.
	os.WriteFile(guide, []byte(strings.Replace(serveSite["content/guides/kafka.md"], "owner: ops", "owner: nobody", 1)), 0o644)
	eventually(t, "no overlay after an error", func() bool {
		_, page := get(t, base+"/guides/kafka/")
		return strings.Contains(page, `id="playbook-overlay"`) && strings.Contains(page, "content/guides/kafka.md:3:") && strings.Contains(page, "[owner/")
	})
	os.WriteFile(guide, []byte(serveSite["content/guides/kafka.md"]), 0o644)
	eventually(t, "the overlay stays after the fix", func() bool {
		_, page := get(t, base+"/guides/kafka/")
		return !strings.Contains(page, `id="playbook-overlay"`) && strings.Contains(page, "How partitions move")
	})
}

// TestServeRefusesOtherHosts checks the guard against DNS rebinding and
// the search API's bounds on the running server: a Host name that is not
// loopback gets 403, the page and the search answer at 127.0.0.1 and
// localhost, and n past its bound is a 400, not an out-of-memory crash.
func TestServeRefusesOtherHosts(t *testing.T) {
	base := startServe(t, writeServeSite(t), nil)
	port := strings.TrimPrefix(base, "http://127.0.0.1:")
	for _, tc := range []struct {
		host, path string
		code       int
	}{
		{"rebound.attacker.example:" + port, "/", http.StatusForbidden},
		{"rebound.attacker.example:" + port, "/api/search?q=broker", http.StatusForbidden},
		{"rebound.attacker.example:" + port, "/_playbook/events", http.StatusForbidden},
		{"localhost:" + port, "/", http.StatusOK},
		{"127.0.0.1:" + port, "/api/search?q=broker", http.StatusOK},
		{"localhost:" + port, "/api/search?q=pa&n=1000000000000", http.StatusBadRequest},
	} {
		req, err := http.NewRequest("GET", base+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("Host %s %s: %v", tc.host, tc.path, err)
		}
		res.Body.Close()
		if res.StatusCode != tc.code {
			t.Errorf("Host %s, GET %s: %d, want %d", tc.host, tc.path, res.StatusCode, tc.code)
		}
	}
}

// serve keeps no build cache in a folder it reads: one in the content
// folder would be watched, read as content and served.
func TestServeKeepsNoCacheInTheContentFolder(t *testing.T) {
	dir := writeServeSite(t)
	startServe(t, dir, nil, "--cache-dir", filepath.Join(dir, "content"))
	if _, err := os.Stat(filepath.Join(dir, "content", "build")); !os.IsNotExist(err) {
		t.Errorf("serve made its build cache in the content folder: %v", err)
	}
}
