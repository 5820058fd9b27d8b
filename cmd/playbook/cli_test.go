package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeMovesToTheNextFreePort occupies a port, starts "playbook
// serve" on it, and checks that serve says so on the line that names its
// address, and serves the site on a later port.
func TestServeMovesToTheNextFreePort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	dir := writeServeSite(t)
	cmd := exec.Command("playbook", "serve", "-s", dir, "--port", strconv.Itoa(port))
	lines := startCommand(t, cmd)
	line := waitLine(t, lines, "serving on ")
	m := regexp.MustCompile(`^port (\d+) is taken: serving on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("serve on a taken port says %q; want \"port %d is taken: serving on http://127.0.0.1:N/ ...\"", line, port)
	}
	if m[1] != strconv.Itoa(port) {
		t.Errorf("serve says port %s is taken; %d was", m[1], port)
	}
	got, _ := strconv.Atoi(m[2])
	if got <= port || got > port+portsTried {
		t.Errorf("serve moved from %d to %d, not to one of the next %d", port, got, portsTried)
	}
	code, body := get(t, "http://127.0.0.1:"+m[2]+"/runbooks/restart/")
	if code != http.StatusOK || !strings.Contains(body, "Restart a broker") {
		t.Errorf("the runbook on the new port: %d\n%s", code, body)
	}
}

// TestBuildWatchRebuildsOnSave runs "playbook build --watch", saves a
// page and checks that the page in the destination changes; then saves
// a page with an error and checks that the destination keeps the last
// good site and the error is printed.
func TestBuildWatchRebuildsOnSave(t *testing.T) {
	dir := writeServeSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	cmd := exec.Command("playbook", "build", "--watch", "-s", dir, "-d", dest)
	lines := startCommand(t, cmd)
	waitLine(t, lines, "watching ")
	page := filepath.Join(dest, "guides", "kafka", "index.html")
	if b, err := os.ReadFile(page); err != nil || !strings.Contains(string(b), "How partitions move") {
		t.Fatalf("the first build did not write the page: %v\n%s", err, b)
	}
	src := filepath.Join(dir, "content", "guides", "kafka.md")
	if err := os.WriteFile(src, []byte("---\ntitle: Kafka brokers\nowner: ops\n---\nHow leaders are elected.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l := waitLine(t, lines, "rebuilt after "); !strings.Contains(l, "guides/kafka.md") || !strings.Contains(l, "into ") {
		t.Errorf("the rebuild says %q", l)
	}
	eventually(t, "the page in the destination did not change after the save", func() bool {
		b, _ := os.ReadFile(page)
		return strings.Contains(string(b), "How leaders are elected") && !strings.Contains(string(b), "How partitions move")
	})
	// A save with an error: reported, and the destination stays as it was.
	if err := os.WriteFile(src, []byte("---\ntitle: Kafka brokers\nowner: nobody\n---\nBroken.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitLine(t, lines, "[owner/unknown]")
	if l := waitLine(t, lines, "rebuilt after "); !strings.Contains(l, "nothing written") {
		t.Errorf("a rebuild with an error says %q", l)
	}
	if b, _ := os.ReadFile(page); !strings.Contains(string(b), "How leaders are elected") {
		t.Errorf("after a save with an error, the destination's page is not the last good one:\n%s", b)
	}
	// The error fixed and playbook.yaml changed: the site is opened again
	// and every page shows the new title.
	if err := os.WriteFile(src, []byte("---\ntitle: Kafka brokers\nowner: ops\n---\nHow leaders are elected.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "playbook.yaml"), []byte("title: Renamed playbook\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "after playbook.yaml changed, the destination's page does not show the new title", func() bool {
		b, _ := os.ReadFile(page)
		return strings.Contains(string(b), "Renamed playbook") && strings.Contains(string(b), "How leaders are elected")
	})
}

// TestBashCompletionCompletes loads "playbook completion bash" into bash
// and completes a few words as a person would press Tab.
func TestBashCompletionCompletes(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash: " + err.Error())
	}
	script := filepath.Join(t.TempDir(), "playbook.bash")
	if err := os.WriteFile(script, []byte(bashCompletion()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ line, want string }{
		{"playbook bu", "build"},
		{"playbook se", "serve search"},
		{"playbook build --wa", "--watch"},
		{"playbook build --de", "--destination"},
		{"playbook serve --p", "--port"},
		{"playbook search --j", "--json"},
		{"playbook help che", "check"},
		{"playbook completion f", "fish"},
		{"playbook new chec", "checklist"},
		{"playbook check --wa", ""},
	}
	for _, tt := range tests {
		words := strings.Fields(tt.line)
		sh := "source " + script + "\nCOMP_WORDS=(" + strings.Join(words, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) + "\n_playbook\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command(bash, "--norc", "-c", sh).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tt.line, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tt.want {
			t.Errorf("%q<Tab> completes to %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestZshAndFishCompletionParse checks that the zsh and fish scripts are
// valid in their shells, where those are installed.
func TestZshAndFishCompletionParse(t *testing.T) {
	for _, sh := range []struct {
		name, script string
		args         []string
	}{
		{"zsh", zshCompletion(), []string{"-n"}},
		{"fish", fishCompletion(), []string{"--no-execute"}},
	} {
		t.Run(sh.name, func(t *testing.T) {
			exe, err := exec.LookPath(sh.name)
			if err != nil {
				t.Skipf("%s is not installed (apt-get install %s): its script is not parsed", sh.name, sh.name)
			}
			file := filepath.Join(t.TempDir(), "playbook."+sh.name)
			if err := os.WriteFile(file, []byte(sh.script), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(exe, append(sh.args, file)...).CombinedOutput(); err != nil {
				t.Errorf("%s does not parse the script: %v\n%s", sh.name, err, out)
			}
		})
	}
}

// startCommand starts cmd (a long-running playbook command) and returns
// the lines of its standard error; at the end of the test it is stopped
// with Ctrl-C (SIGINT) and must say "stopped" and exit 0.
func startCommand(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
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
				t.Errorf("%s after Ctrl-C: %v\n%s", cmd.Args[1], err, log.String())
			}
			if !strings.Contains(log.String(), "stopped") {
				t.Errorf("%s did not say it stopped:\n%s", cmd.Args[1], log.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%s still running 10 s after Ctrl-C", cmd.Args[1])
		}
	})
	return lines
}

// waitLine returns the next line that contains s, waiting up to 60 s.
func waitLine(t *testing.T, lines <-chan string, s string) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case l := <-lines:
			if strings.Contains(l, s) {
				return l
			}
		case <-timeout:
			t.Fatalf("no line with %q in 60 s", s)
		}
	}
}
