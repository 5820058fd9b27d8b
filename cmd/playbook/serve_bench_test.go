package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeReload times, against the real "playbook serve", the time
// from a file written to the reload event on the preview's event stream
// (server-sent events at /_playbook/events), for a body, a title, an owner,
// a rule expression and a layout edit, on the playbook that
// ../shared/bench/gencorpus writes (10,000 pages, or
// $PLAYBOOK_BENCH_PAGES), with its rule files:
//
//	go test -run '^$' -bench ServeReload -benchtime 20x ./cmd/playbook/
//
// The serve it runs is this package's code: "playbook" on the test's PATH
// is the test binary itself (TestMain, testscript). PLAYBOOK_BIN=FILE
// runs that executable instead, to compare two builds of playbook.
func BenchmarkServeReload(b *testing.B) {
	n := "10000"
	if v, err := strconv.Atoi(os.Getenv("PLAYBOOK_BENCH_PAGES")); err == nil && v > 0 {
		n = strconv.Itoa(v)
	}
	wd, _ := os.Getwd()
	tools := filepath.Join(wd, "..", "..", "..", "shared", "bench")
	if _, err := os.Stat(filepath.Join(tools, "gencorpus")); err != nil {
		b.Skipf("no corpus generator at %s", filepath.Join(tools, "gencorpus"))
	}
	dir := filepath.Join(b.TempDir(), "pages-"+n)
	gen := exec.Command("go", "run", "./gencorpus", "-n", n, "-o", dir)
	gen.Dir, gen.Env = tools, append(os.Environ(), "GOWORK=off")
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("generating the corpus: %v\n%s", err, out)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "playbook.yaml"))
	os.WriteFile(filepath.Join(dir, "playbook.yaml"), append(cfg, "rules: [rules/*.yaml]\n"...), 0o644)
	os.MkdirAll(filepath.Join(dir, "layouts"), 0o755)

	// The serve command, on a free port.
	bin := "playbook"
	if p := os.Getenv("PLAYBOOK_BIN"); p != "" {
		bin = p
	}
	cmd := exec.Command(bin, "serve", "-s", dir, "--port", "0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	url := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if _, u, ok := strings.Cut(sc.Text(), "serving on "); ok {
			url, _, _ = strings.Cut(u, " ")
			break
		}
	}
	if url == "" {
		b.Fatal("serve did not start")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	resp, err := http.Get(url + "_playbook/events")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	// The search index is built in the background once the site is; a
	// query waits for it, so that the edits below are timed without it.
	if q, err := http.Get(url + "api/search?q=restart"); err != nil {
		b.Fatal(err)
	} else {
		io.Copy(io.Discard, q.Body)
		q.Body.Close()
	}
	events := make(chan time.Time, 16)
	go func() {
		r := bufio.NewScanner(resp.Body)
		for r.Scan() {
			if l := r.Text(); l == "event: reload" || l == "event: styles" {
				events <- time.Now()
			}
		}
	}()

	files := func(sub, prefix string) []string {
		var out []string
		filepath.WalkDir(filepath.Join(dir, sub), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, prefix) {
				out = append(out, p)
			}
			return nil
		})
		slices.Sort(out)
		return out
	}
	guides, runbooks, teams, ruleFiles := files("content/guides", ".md"), files("content/runbooks", ".md"), files("content/teams", ".md"), files("rules", ".yaml")
	threshold := regexp.MustCompile(`(?m)> [0-9.]+$`) // a rule's threshold: "expr: rate(...[5m]) > 42"
	replaceLine := func(data []byte, prefix, line string) []byte {
		s := string(data)
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, prefix) {
				lines[i] = line
				return []byte(strings.Join(lines, "\n"))
			}
		}
		return []byte(strings.Replace(s, "---\n", "---\n"+line+"\n", 1))
	}
	layout, _ := os.ReadFile(filepath.Join(wd, "..", "..", "layouts", "page.html"))
	edits := []struct {
		name  string
		write func(i int)
	}{
		{"body", func(i int) {
			p := guides[i%len(guides)]
			data, _ := os.ReadFile(p)
			os.WriteFile(p, append(data, fmt.Sprintf("\nAn added sentence %d.\n", i)...), 0o644)
		}},
		{"title", func(i int) {
			p := guides[i%len(guides)]
			data, _ := os.ReadFile(p)
			os.WriteFile(p, replaceLine(data, "title:", fmt.Sprintf("title: Retitled %d", i)), 0o644)
		}},
		{"owner", func(i int) {
			p := runbooks[i%len(runbooks)]
			data, _ := os.ReadFile(p)
			// Another team than the runbook's own: an edit that changes
			// nothing reloads nothing.
			team := ""
			for j := i; team == "" || strings.Contains(string(data), "\nowner: "+team+"\n"); j++ {
				team = strings.TrimSuffix(filepath.Base(teams[j%len(teams)]), ".md")
			}
			os.WriteFile(p, replaceLine(data, "owner:", "owner: "+team), 0o644)
		}},
		{"rule-expr", func(i int) {
			p := ruleFiles[i%len(ruleFiles)]
			data, _ := os.ReadFile(p)
			os.WriteFile(p, threshold.ReplaceAll(data, []byte(fmt.Sprintf("> %d", 100+i))), 0o644)
		}},
		{"layout", func(i int) {
			// A change the pages show: a comment would render nothing,
			// and an unchanged page reloads nothing.
			os.WriteFile(filepath.Join(dir, "layouts", "page.html"),
				[]byte(strings.Replace(string(layout), `<article class="prose">`, fmt.Sprintf(`<article class="prose" data-edit="%d">`, i), 1)), 0o644)
		}},
	}
	for _, e := range edits {
		b.Run(e.name, func(b *testing.B) {
			var times []time.Duration
			i := 0
			for b.Loop() {
				// Let the last edit's events pass.
				time.Sleep(200 * time.Millisecond)
				for len(events) > 0 {
					<-events
				}
				start := time.Now()
				e.write(i)
				select {
				case at := <-events:
					times = append(times, at.Sub(start))
				case <-time.After(60 * time.Second):
					b.Fatalf("%s edit %d: no reload event in 60 s", e.name, i)
				}
				i++
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "ms-p95")
		})
	}
}
