package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestServeUnderLoad is a load test of "playbook serve", run only when
// PLAYBOOK_SERVE_LOAD=1 (scripts/serve-load.sh sets it): 200 clients send
// 20,000 requests over loopback (pages, assets, a missing page, searches)
// while a page is saved 50 times, valid and broken in turn. It reports the
// errors, the median and maximum latency, and the open file descriptors
// and goroutines of the process before and after, and fails on any error
// or on descriptors or goroutines left behind. serve runs in the test's
// own process, so that its goroutines can be counted.
func TestServeUnderLoad(t *testing.T) {
	if os.Getenv("PLAYBOOK_SERVE_LOAD") != "1" {
		t.Skip("skipped: set PLAYBOOK_SERVE_LOAD=1 to run the load test (or run scripts/serve-load.sh)")
	}
	const clients, requests, saves = 200, 20_000, 50
	dir := writeServeSite(t)
	guide := filepath.Join(dir, "content", "guides", "kafka.md")
	valid := serveSite["content/guides/kafka.md"]
	broken := "---\ntitle: [unclosed\n---\nBroken.\n"

	fdsBefore, goBefore := openFDs(t), runtime.NumGoroutine()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve", "-s", dir, "--port", "0"}, io.Discard, pw); pw.Close() }()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "serving on "); ok {
				u, _, _ = strings.Cut(u, " ")
				urls <- strings.TrimSuffix(u, "/")
			}
		}
	}()
	var base string
	select {
	case base = <-urls:
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("serve listens on %s, not loopback", base)
	}
	paths := []string{"/", "/guides/kafka/", "/runbooks/restart/", "/teams/ops/", "/missing/", "/api/search?q=broker", "/api/search?q=pa&n=5", "/sitemap.xml"}
	// One request to each path first: the search index and bleve's
	// analysis workers are made on the first search and stay.
	for _, p := range paths {
		get(t, base+p)
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	time.Sleep(300 * time.Millisecond)
	fdsServing, goServing := openFDs(t), runtime.NumGoroutine()

	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next, errs atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= requests {
					return
				}
				p := paths[int(i)%len(paths)]
				t0 := time.Now()
				res, err := client.Get(base + p)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK && !(p == "/missing/" && res.StatusCode == http.StatusNotFound) {
						err = fmt.Errorf("GET %s: %s", p, res.Status)
					}
				}
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		})
	}
	// Saves spread over the run: broken and valid in turn, valid last.
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		for i := range saves {
			text := broken
			if i%2 == 1 {
				text = strings.Replace(valid, "partitions move", fmt.Sprintf("partitions move (save %d)", i), 1)
			}
			if err := os.WriteFile(guide, []byte(text), 0o644); err != nil {
				t.Error(err)
			}
			time.Sleep(40 * time.Millisecond)
		}
	}()
	wg.Wait()
	elapsed := time.Since(start)
	<-saved
	tr.CloseIdleConnections()

	// The last save is valid: the page shows it once the rebuild is done.
	eventually(t, "the page does not show the last save", func() bool {
		_, page := get(t, base+"/guides/kafka/")
		return strings.Contains(page, fmt.Sprintf("(save %d)", saves-1))
	})
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	var fdsAfter, goAfter int
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		fdsAfter, goAfter = openFDs(t), runtime.NumGoroutine()
		if fdsAfter <= fdsServing+2 && goAfter <= goServing+2 || time.Now().After(deadline) {
			break
		}
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	t.Logf("%d requests from %d clients in %v (%.0f/s) while saving a page %d times: %d errors; latency median %v, max %v",
		len(all), clients, elapsed.Round(time.Millisecond), float64(len(all))/elapsed.Seconds(), saves, errs.Load(),
		all[len(all)/2].Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond))
	t.Logf("file descriptors: %d before serve, %d serving (after one request to each path), %d after the load; goroutines: %d, %d, %d",
		fdsBefore, fdsServing, fdsAfter, goBefore, goServing, goAfter)
	if n := errs.Load(); n > 0 {
		t.Errorf("%d requests failed; the first: %v", n, firstErr.Load())
	}
	if fdsAfter > fdsServing+2 {
		t.Errorf("%d file descriptors open after the load, %d before it", fdsAfter, fdsServing)
	}
	if goAfter > goServing+2 {
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Errorf("%d goroutines after the load, %d before it:\n%s", goAfter, goServing, b.String())
	}

	// Stop serve as Ctrl-C does.
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited with %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Error("serve still running 20 s after Ctrl-C")
	}
}

// openFDs counts the file descriptors the process has open.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(ents)
}
