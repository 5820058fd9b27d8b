package generator_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/output"
)

// The build benchmarks run the whole pipeline on the synthetic playbooks
// that ../shared/bench/gencorpus writes (see DESIGN.md, "Tests" and
// "Performance targets"):
//
//	go test -run '^$' -bench . ./generator/
//	go test -run '^$' -bench 'BenchmarkBuild$/pages=10000' -benchtime 1x -cpuprofile cpu.out ./generator/
//
// Each corpus is generated once per benchmark into a temporary folder and
// removed at its end; generating it is not timed. scripts/bench-hugo.sh
// compares the command line build with Hugo on the same pages.

// benchNow is the fixed date reviews are measured against, so that the
// findings, and the work, do not change with the day the benchmark runs.
var benchNow = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// benchTools returns the folder holding gencorpus, ../shared/bench from the
// repository root, or skips the benchmark when it is not checked out.
func benchTools(b *testing.B) string {
	b.Helper()
	wd, err := os.Getwd() // the package folder: <repo>/generator
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(wd, "..", "..", "shared", "bench")
	if st, err := os.Stat(filepath.Join(dir, "gencorpus")); err != nil || !st.IsDir() {
		b.Skipf("no corpus generator: %s not found (check out shared/ beside the repository to run the build benchmarks)", filepath.Join(dir, "gencorpus"))
	}
	return dir
}

// genCorpus writes a playbook of n pages into dir with gencorpus.
func genCorpus(b *testing.B, tools, dir string, n int) {
	b.Helper()
	cmd := exec.Command("go", "run", "./gencorpus", "-n", strconv.Itoa(n), "-o", dir)
	cmd.Dir = tools
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("generating %d pages: %v\n%s", n, err, out)
	}
}

// corpus is a generated playbook, generated on first use.
type corpus struct {
	tools string // the gencorpus folder
	root  string // where generated corpora go
	n     int
	dir   string
}

func (c *corpus) get(b *testing.B) string {
	b.Helper()
	if c.dir == "" {
		dir := filepath.Join(c.root, fmt.Sprintf("pages-%d", c.n))
		genCorpus(b, c.tools, dir, c.n)
		c.dir = dir
	}
	return c.dir
}

// options are the build options of a generated playbook, as the command
// line would set them, with a fixed date.
func options(b *testing.B, dir string) generator.Options {
	b.Helper()
	cfg, err := os.ReadFile(filepath.Join(dir, "playbook.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	return generator.Options{
		Content:       os.DirFS(filepath.Join(dir, "content")),
		ContentPrefix: "content/",
		Config:        cfg,
		ConfigFile:    "playbook.yaml",
		Layouts:       playbook.Layouts(),
		Assets:        playbook.Assets(),
		Now:           benchNow,
		Version:       "bench",
	}
}

// checkResult fails the benchmark when the build did not produce a site the
// command line would write.
func checkResult(b *testing.B, res *generator.Result) {
	b.Helper()
	if res == nil {
		b.Fatal("no build ran")
	}
	if e := res.Errors(); e > 0 {
		var first strings.Builder
		shown := 0
		for _, f := range res.Findings {
			if f.Severity == diag.Error && shown < 10 {
				fmt.Fprintf(&first, "\n\t%s", f)
				shown++
			}
		}
		b.Fatalf("the generated playbook has %d errors, so the command line would write nothing; the first ones:%s", e, first.String())
	}
}

func reportPages(b *testing.B, res *generator.Result) {
	b.ReportMetric(float64(res.Sources)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkBuild times a full build into memory: load, parse, resolve,
// validate and render, without the cost of the disk.
func BenchmarkBuild(b *testing.B) {
	tools := benchTools(b)
	root := b.TempDir()
	for _, n := range []int{1000, 10000} {
		c := &corpus{tools: tools, root: root, n: n}
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			opt := options(b, c.get(b))
			b.ReportAllocs()
			var res *generator.Result
			for b.Loop() {
				var err error
				res, err = generator.Build(opt, output.NewMemory())
				if err != nil {
					b.Fatal(err)
				}
			}
			checkResult(b, res)
			reportPages(b, res)
		})
	}
}

// BenchmarkBuildToDisk times a full build written into a folder and swapped
// in, as "playbook build" does. Each build goes into an empty destination
// with no previous build beside it, as in CI; removing them is not timed.
func BenchmarkBuildToDisk(b *testing.B) {
	tools := benchTools(b)
	root := b.TempDir()
	for _, n := range []int{10000} {
		c := &corpus{tools: tools, root: root, n: n}
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			opt := options(b, c.get(b))
			dest := filepath.Join(root, fmt.Sprintf("public-%d", n))
			b.ReportAllocs()
			var res *generator.Result
			for b.Loop() {
				w, err := output.NewDir(dest)
				if err != nil {
					b.Fatal(err)
				}
				res, err = generator.Build(opt, w)
				if err != nil {
					w.Abort()
					b.Fatal(err)
				}
				if err := w.Commit(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := os.RemoveAll(dest); err != nil {
					b.Fatal(err)
				}
				if err := os.RemoveAll(output.Previous(dest)); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			checkResult(b, res)
			reportPages(b, res)
		})
	}
}

// BenchmarkBuildWarmCache times a full build into memory with a build
// cache (package buildcache) that a build of the same pages filled: the
// code blocks and the search analyses come from the cache. Compare with
// BenchmarkBuild for what the cache saves.
func BenchmarkBuildWarmCache(b *testing.B) {
	tools := benchTools(b)
	root := b.TempDir()
	for _, n := range []int{1000, 10000} {
		c := &corpus{tools: tools, root: root, n: n}
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			opt := options(b, c.get(b))
			cache, err := buildcache.Open(filepath.Join(root, fmt.Sprintf("cache-%d", n)), buildcache.Options{Version: opt.Version})
			if err != nil {
				b.Fatal(err)
			}
			opt.Cache = cache
			if _, err := generator.Build(opt, output.NewMemory()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			var res *generator.Result
			for b.Loop() {
				res, err = generator.Build(opt, output.NewMemory())
				if err != nil {
					b.Fatal(err)
				}
			}
			checkResult(b, res)
			reportPages(b, res)
			if s := cache.Stats(); s.Hits == 0 || s.Bad != 0 {
				b.Fatalf("cache stats %+v: want hits and no damaged entries", s)
			}
		})
	}
}

// BenchmarkBuildAfterAnEdit times "playbook build" after a one-page edit:
// one runbook's body changes before each build, which goes into the
// previous destination with the build cache an earlier build filled, as
// on a contributor's machine (issue 11's edit scenario; compare
// scripts/bench-build.sh edit). The cache holds the highlighted code, the
// search analyses and the keys of the destination's files, so the build
// leaves the pages whose dependency key did not change as they are.
func BenchmarkBuildAfterAnEdit(b *testing.B) {
	tools := benchTools(b)
	root := b.TempDir()
	c := &corpus{tools: tools, root: root, n: 10000}
	dir := c.get(b)
	opt := options(b, dir)
	cache, err := buildcache.Open(filepath.Join(root, "cache-edit"), buildcache.Options{Version: opt.Version})
	if err != nil {
		b.Fatal(err)
	}
	opt.Cache = cache
	dest := filepath.Join(root, "public-edit")
	var page string
	filepath.WalkDir(filepath.Join(dir, "content", "runbooks"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && page == "" && !d.IsDir() && strings.HasSuffix(p, ".md") && d.Name() != "_index.md" {
			page = p
		}
		return err
	})
	if page == "" {
		b.Fatal("no runbook in the corpus")
	}
	build := func() *generator.Result {
		w, err := output.NewDir(dest)
		if err != nil {
			b.Fatal(err)
		}
		w.UseCache(cache)
		res, err := generator.Build(opt, w)
		if err != nil {
			w.Abort()
			b.Fatal(err)
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
		return res
	}
	build()
	build()
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	var res *generator.Result
	for b.Loop() {
		b.StopTimer()
		n++
		f, err := os.OpenFile(page, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "\nEdited for build %d.\n", n)
		f.Close()
		b.StartTimer()
		res = build()
	}
	checkResult(b, res)
}
