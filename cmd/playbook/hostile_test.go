package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/output"
	"github.com/rogpeppe/go-internal/txtar"
)

// Budgets of one command on one hostile input: CPU time (user and system,
// of the playbook process, so that a busy machine does not count against
// it) and peak resident memory.
const (
	hostileCPU    = 2 * time.Second
	hostileMemory = 300 << 20
	// hostileHang stops a command that has not finished in this wall
	// time; only a hang gets near it.
	hostileHang = 2 * time.Minute
)

// TestHostileInputs runs the real playbook binary on each archive in
// testdata/hostile: sites meant to hurt. For every command the archive
// gives, it checks that the input is answered with a finding or a clear
// error (the archive's "want" lines appear in the output), that nothing
// panics, that nothing is written outside the destination (and the
// previous build the output keeps beside it), that no
// "absent" text reaches the output, and that each command stays within
// hostileCPU and hostileMemory.
//
// An archive's comment says what the input tries. Its files are:
//
//	-- playbook.yaml --, -- content/... --, -- rules/... --
//	        files of the site, written as they are
//	-- gen content/big.md --
//	        a file made from lines of `repeat N "text"` and `text "text"`
//	        (Go string syntax, so "\x00" and "\xff" can be written)
//	-- symlink content/link.md --
//	        a symbolic link to the text of the file's first line; $OUTSIDE
//	        is a folder next to the site, holding a file "secret" whose
//	        text must never be published
//	-- cmd --
//	        the commands, one a line, run in the site folder; $DEST is
//	        the destination folder (default: "check" and "build -d $DEST")
//	-- want --
//	        lines that must each appear in the output of the commands
//	-- absent --
//	        lines that must appear in no file written to the destination
//	-- absent _redirects --
//	        lines that must not appear in that file of the destination
//	-- writes --
//	        folders of the site, one a line, where commands may write
//	        too (content/alerts for "new alerts"); anywhere else outside
//	        the destination is a failure
//
// To add an input, add an archive; -run TestHostileInputs/NAME runs one.
func TestHostileInputs(t *testing.T) {
	archives, err := filepath.Glob("testdata/hostile/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, file := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			runHostile(t, ar)
		})
	}
}

const outsideSecret = "PLAYBOOK_HOSTILE_SECRET_6c1f"

func runHostile(t *testing.T, ar *txtar.Archive) {
	root := t.TempDir()
	site, dest, outside, home := filepath.Join(root, "site"), filepath.Join(root, "dest"), filepath.Join(root, "outside"), filepath.Join(root, "home")
	for _, d := range []string{site, outside, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte(outsideSecret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmds := []string{"check", "build -d $DEST"}
	var want, writes []string
	absent := map[string][]string{"": {outsideSecret}} // by file; "" for all
	for _, f := range ar.Files {
		verb, name, _ := strings.Cut(f.Name, " ")
		switch {
		case f.Name == "cmd":
			cmds = lines(f.Data)
		case f.Name == "want":
			want = lines(f.Data)
		case f.Name == "writes":
			for _, w := range lines(f.Data) {
				writes = append(writes, filepath.Join(site, filepath.FromSlash(w)))
			}
		case verb == "absent":
			absent[name] = append(absent[name], lines(f.Data)...)
		case verb == "gen":
			if err := generate(filepath.Join(site, filepath.FromSlash(name)), f.Data); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		case verb == "symlink":
			target := strings.ReplaceAll(strings.TrimSpace(string(f.Data)), "$OUTSIDE", outside)
			p := filepath.Join(site, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
		default:
			writeSiteFile(t, site, f.Name, f.Data)
		}
	}
	if len(want) == 0 {
		t.Fatal("the archive has no want section: say which finding or error answers the input")
	}
	// The build keeps the previous site beside the destination, to swap
	// the two in one step (output.Previous): that folder is the
	// destination's too. The user cache folder (XDG_CACHE_HOME) is where
	// build keeps its build cache.
	skip := append(writes, dest, output.Previous(dest), filepath.Join(home, ".cache"))
	before := snapshot(t, root, skip)
	var all strings.Builder
	for _, c := range cmds {
		args := strings.Fields(strings.ReplaceAll(c, "$DEST", dest))
		out, cpu, rss, code := runMeasured(t, site, home, args)
		all.WriteString(out)
		t.Logf("playbook %s: exit %d, %v CPU, %d MB peak\n%s", c, code, cpu.Round(time.Millisecond), rss>>20, clip(out, 2000))
		if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") && strings.Contains(out, "[running]") {
			t.Errorf("playbook %s panicked:\n%s", c, clip(out, 4000))
		}
		if code != 0 && code != 1 && code != 2 {
			t.Errorf("playbook %s exited with %d, want 0, 1 (findings) or 2 (error)", c, code)
		}
		if cpu > hostileCPU {
			t.Errorf("playbook %s used %v of CPU, more than %v", c, cpu.Round(time.Millisecond), hostileCPU)
		}
		if rss > hostileMemory {
			t.Errorf("playbook %s reached %d MB of memory, more than %d MB", c, rss>>20, hostileMemory>>20)
		}
	}
	for _, w := range want {
		if !strings.Contains(all.String(), w) {
			t.Errorf("the output does not say\n\t%s\n--- it is:\n%s", w, clip(all.String(), 4000))
		}
	}
	after := snapshot(t, root, skip)
	for p, s := range after {
		if before[p] != s {
			t.Errorf("written outside the destination: %s (%s, was %q)", p, s, before[p])
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("removed outside the destination: %s", p)
		}
	}
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(dest, p)
		for _, a := range append(absent[""], absent[filepath.ToSlash(rel)]...) {
			if bytes.Contains(data, []byte(a)) {
				t.Errorf("%s holds %q", p, a)
			}
		}
		return nil
	})
}

// runMeasured runs the playbook binary and returns its output (stdout
// then stderr), CPU time, peak resident memory in bytes and exit code.
func runMeasured(t *testing.T, dir, home string, args []string) (string, time.Duration, int64, int) {
	t.Helper()
	// Linux starts a child's peak at the test process's own peak (the
	// child shares its memory until exec): reset that peak (clear_refs 5)
	// and give back what the test holds, so that the figure is the
	// command's, or at most the test's few tens of megabytes.
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	ctx, cancel := context.WithTimeout(context.Background(), hostileHang)
	defer cancel()
	cmd := exec.CommandContext(ctx, "playbook", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, ".cache"), "NO_COLOR=1", "GOTRACEBACK=all")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("playbook %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("playbook %s did not finish in %v", strings.Join(args, " "), hostileHang)
	}
	var cpu time.Duration
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return stdout.String() + stderr.String(), cpu, rss, code
}

// generate writes the file at path from lines of `repeat N "text"` and
// `text "text"`, without holding it in memory.
func generate(path string, spec []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for _, l := range lines(spec) {
		verb, rest, _ := strings.Cut(l, " ")
		n := 1
		if verb == "repeat" {
			var count string
			count, rest, _ = strings.Cut(rest, " ")
			if n, err = strconv.Atoi(count); err != nil {
				return fmt.Errorf("%q: %v", l, err)
			}
		} else if verb != "text" {
			return fmt.Errorf("%q: want repeat N \"text\" or text \"text\"", l)
		}
		s, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil {
			return fmt.Errorf("%q: %v", l, err)
		}
		for range n {
			w.WriteString(s)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeSiteFile(t *testing.T, site, name string, data []byte) {
	t.Helper()
	p := filepath.Join(site, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every file, folder and link under root but outside the
// folders skip, with its size, mode and modification time.
func snapshot(t *testing.T, root string, skip []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if slices.Contains(skip, p) {
			return filepath.SkipDir
		}
		info, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		if info.IsDir() {
			out[p] = info.Mode().String()
			return nil
		}
		out[p] = fmt.Sprintf("%s %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return out
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
