package output

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as a build that another test kills:
// with OUTPUT_TEST_BUILD=N and OUTPUT_TEST_DEST set it writes site N.
func TestMain(m *testing.M) {
	if n := os.Getenv("OUTPUT_TEST_BUILD"); n != "" {
		k, err := strconv.Atoi(n)
		if err == nil {
			err = writeSiteTelling(os.Getenv("OUTPUT_TEST_DEST"), k, 300, os.Stdout)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// site returns build k of a site of about pages pages: which pages exist
// and what some of them say changes from build to build, and every file
// says which build it belongs to, so that a mix of builds shows.
func site(k, pages int) map[string]string {
	files := map[string]string{"index.html": fmt.Sprintf("build %d\n", k)}
	pad := strings.Repeat("lorem ipsum ", 150)
	for i := k % 5; i < pages-k%7; i++ {
		v := k / 3 // most pages change every third build only...
		if i%10 == 0 {
			v = k // ...some every build
		}
		name := fmt.Sprintf("p%03d/index.html", i)
		if i%17 == 0 && k%2 == 1 {
			name = fmt.Sprintf("p%03d.html", i) // a folder that becomes a file
		}
		files[name] = fmt.Sprintf("build %d page %d version %d %s", k, i, v, pad[:i%len(pad)])
	}
	return files
}

func writeSite(dest string, k, pages int) error {
	return writeSiteTelling(dest, k, pages, nil)
}

// writeSiteTelling is writeSite that writes a line to progress after each
// file and before Commit, so that a test can kill it at a chosen point.
func writeSiteTelling(dest string, k, pages int, progress io.Writer) error {
	d, err := NewDir(dest)
	if err != nil {
		return err
	}
	for name, data := range site(k, pages) {
		if err := d.WriteFile(name, []byte(data)); err != nil {
			d.Abort()
			return err
		}
		if progress != nil {
			fmt.Fprintln(progress, name)
		}
	}
	if progress != nil {
		fmt.Fprintln(progress, "commit")
	}
	return d.Commit()
}

// wholeSite checks that dir is exactly one build of site(_, pages) and
// returns its number.
func wholeSite(dir string, pages int) (int, error) {
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		return 0, err
	}
	var k int
	if _, err := fmt.Sscanf(string(index), "build %d\n", &k); err != nil {
		return 0, fmt.Errorf("index.html: %q", index)
	}
	want := site(k, pages)
	seen := 0
	err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == Marker {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, ok := want[rel]
		if !ok {
			return fmt.Errorf("%s does not belong to build %d", rel, k)
		}
		if string(data) != w {
			return fmt.Errorf("%s is not build %d's: %.40q", rel, k, data)
		}
		seen++
		return nil
	})
	if err == nil && seen != len(want) {
		err = fmt.Errorf("build %d has %d files, want %d", k, seen, len(want))
	}
	return k, err
}

// poll reads dest/index.html until stop is closed and counts the reads and
// the times it was missing or not a whole file.
type poller struct {
	reads, misses atomic.Int64
	stop          chan struct{}
	done          sync.WaitGroup
}

func startPoller(dest string) *poller {
	p := &poller{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			b, err := os.ReadFile(filepath.Join(dest, "index.html"))
			p.reads.Add(1)
			if err != nil || !strings.HasPrefix(string(b), "build ") || !strings.HasSuffix(string(b), "\n") {
				p.misses.Add(1)
			}
		}
	}()
	return p
}

func (p *poller) finish() (reads, misses int64) {
	close(p.stop)
	p.done.Wait()
	return p.reads.Load(), p.misses.Load()
}

func TestAReaderNeverFindsTheSiteMissing(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if err := writeSite(dest, 0, 20); err != nil {
		t.Fatal(err)
	}
	p := startPoller(dest)
	for k := 1; k <= 100; k++ {
		if err := writeSite(dest, k, 20); err != nil {
			p.finish()
			t.Fatal(err)
		}
	}
	reads, misses := p.finish()
	if misses > 0 {
		t.Errorf("through 100 builds, index.html was missing or partial %d times in %d reads", misses, reads)
	}
	if k, err := wholeSite(dest, 20); err != nil || k != 100 {
		t.Errorf("after 100 builds the destination is build %d: %v", k, err)
	}
}

func TestKilledBuildsLeaveAWholeSite(t *testing.T) {
	const pages = 300
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	// run starts build k in another process and returns it with the
	// lines it writes as it goes: one a file, then "commit".
	run := func(k int) (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "OUTPUT_TEST_BUILD="+strconv.Itoa(k), "OUTPUT_TEST_DEST="+dest)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, bufio.NewScanner(out)
	}
	finish := func(cmd *exec.Cmd, lines *bufio.Scanner) error {
		for lines.Scan() {
		}
		return cmd.Wait()
	}
	if err := finish(run(0)); err != nil {
		t.Fatal(err)
	}
	p := startPoller(dest)
	killed := 0
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	for k := 1; k <= 10; k++ {
		cmd, lines := run(k)
		// Kill it after a random number of files, at most all of them
		// and the start of Commit, and a random moment more.
		at := rng.IntN(pages + 2)
		for i := 0; i < at && lines.Scan(); i++ {
		}
		time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := finish(cmd, lines); err != nil {
			killed++
		}
		got, err := wholeSite(dest, pages)
		if err != nil {
			t.Fatalf("after build %d was killed: the destination is not a whole site: %v", k, err)
		}
		if got > k {
			t.Fatalf("after build %d the destination is build %d", k, got)
		}
	}
	if err := finish(run(11)); err != nil {
		t.Fatal(err)
	}
	reads, misses := p.finish()
	if misses > 0 {
		t.Errorf("index.html was missing or partial %d times in %d reads", misses, reads)
	}
	if k, err := wholeSite(dest, pages); err != nil || k != 11 {
		t.Errorf("the build after the killed ones gave build %d: %v", k, err)
	}
	assertOnlyDestAndPrevious(t, parent)
	if killed == 0 {
		t.Error("no build of 10 was killed before it finished: the test proved nothing")
	}
	t.Logf("%d of 10 builds killed before they finished; %d reads of index.html", killed, reads)
}
