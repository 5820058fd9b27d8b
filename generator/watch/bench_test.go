package watch_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/watch"
)

// The live preview benchmarks run on the 10,000-page playbook that
// ../shared/bench/gencorpus writes (DESIGN.md, "Performance targets"):
//
//	go test -run '^$' -bench '^BenchmarkEdit$' -benchtime 20x ./generator/watch/
//	go test -run '^$' -bench '^BenchmarkEdit$/^(title|owner)$' -benchtime 20x ./generator/watch/
//	go test -run '^$' -bench Memory -benchtime 1x ./generator/watch/
//
// The pattern is anchored: "Edit" alone also matches
// BenchmarkMemoryAfterEdits, which has no sub-benchmarks to select and
// runs its 1,000 edits whole.
//	PLAYBOOK_BENCH_PAGES=1000 go test -run '^$' -bench . -benchtime 10x ./generator/watch/
//
// PLAYBOOK_BENCH_PROFILES=DIR writes a CPU profile of each kind of edit
// to DIR/edit-KIND.pprof.
//
// PLAYBOOK_BENCH_GAP=DURATION (e.g. 200ms) waits that long, untimed,
// before each edit, as a person's saves are spaced and as
// cmd/playbook's BenchmarkServeReload spaces its edits. Back to back,
// the edits find the engine's data in the CPU's caches and every core
// awake; spaced, a title edit takes about 5 ms more on a 2-core machine.
//
// BenchmarkEdit times, for a body, a title, an owner, a rule expression and a layout edit, the time from
// the file written to the pages being told to reload: the watcher's batch,
// the rebuild and the new snapshot. The engine runs as `playbook serve`
// runs it: with /api/search, the live preview and a build cache. The
// search API's index of an edit is made in the background, after the
// reload: each edit waits for the last one's, untimed. BenchmarkMemoryAfterEdits reports the
// live heap after the first build and after 1,000 edits.

// benchPages is the size of the benchmark playbook: 10,000 pages, or
// $PLAYBOOK_BENCH_PAGES.
func benchPages() int {
	if n, err := strconv.Atoi(os.Getenv("PLAYBOOK_BENCH_PAGES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

func benchCorpus(b *testing.B) string {
	b.Helper()
	n := strconv.Itoa(benchPages())
	wd, _ := os.Getwd() // <repo>/generator/watch
	tools := filepath.Join(wd, "..", "..", "..", "shared", "bench")
	if _, err := os.Stat(filepath.Join(tools, "gencorpus")); err != nil {
		b.Skipf("no corpus generator at %s", filepath.Join(tools, "gencorpus"))
	}
	dir := filepath.Join(b.TempDir(), "pages-"+n)
	cmd := exec.Command("go", "run", "./gencorpus", "-n", n, "-o", dir)
	cmd.Dir = tools
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("generating the corpus: %v\n%s", err, out)
	}
	return dir
}

func benchOptions(b *testing.B, dir string) generator.Options {
	cfg, err := os.ReadFile(filepath.Join(dir, "playbook.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	opt := generator.Options{
		Content: os.DirFS(filepath.Join(dir, "content")), ContentPrefix: "content/",
		Config: cfg, ConfigFile: "playbook.yaml",
		Layouts: generator.Overlay(os.DirFS(filepath.Join(dir, "layouts")), playbook.Layouts()),
		Assets:  playbook.Assets(),
		Now:     testNow, Version: "bench",
	}
	for _, f := range ruleFiles(dir) {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		opt.Rules = append(opt.Rules, rules.File{Path: filepath.ToSlash(f), Data: data})
	}
	return opt
}

// ruleFiles are the corpus's Prometheus rule files (rules/*.yaml).
func ruleFiles(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "rules", "*.yaml"))
	return files
}

// bodyLine returns a line of a page's body that is plain text, to edit.
func bodyLine(data string) string {
	_, body, _ := cutFrontMatter(data)
	for _, l := range strings.Split(body, "\n") {
		if len(l) > 20 && !strings.ContainsAny(l[:1], "#-*>|`![:0123456789 ") && !strings.Contains(l, "](") && !strings.Contains(l, "`") {
			return l
		}
	}
	return ""
}

func BenchmarkEdit(b *testing.B) {
	gap, err := time.ParseDuration(cmp.Or(os.Getenv("PLAYBOOK_BENCH_GAP"), "0s"))
	if err != nil {
		b.Fatalf("PLAYBOOK_BENCH_GAP: %v", err)
	}
	dir := benchCorpus(b)
	os.MkdirAll(filepath.Join(dir, "layouts"), 0o755)
	pageLayout, _ := fsRead(playbook.Layouts(), "page.html")
	// As `playbook serve` runs the engine: with /api/search, the live
	// preview's script and a build cache (cmd/playbook/serve.go).
	cache, err := buildcache.Open(filepath.Join(b.TempDir(), "cache"), buildcache.Options{Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	serveOptions := func() engine.Options {
		o := benchOptions(b, dir)
		o.SearchAPI, o.LivePreview, o.Cache = true, true, cache
		return o
	}
	opt := serveOptions()
	s, res, err := engine.New(context.Background(), opt)
	if err != nil {
		b.Fatal(err)
	}
	if res.Snapshot.Errors() > 0 {
		b.Fatalf("the corpus has errors:\n%s", findingsText(res.Snapshot.Findings))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := watch.Start(ctx, watch.Options{ContentDir: filepath.Join(dir, "content"), SiteDir: dir, Files: ruleFiles(dir)})
	if err != nil {
		b.Fatal(err)
	}
	var guides []string
	for _, p := range pageFiles(b, filepath.Join(dir, "content")) {
		if strings.HasPrefix(p, "guides/") {
			data, _ := os.ReadFile(filepath.Join(dir, "content", p))
			if bodyLine(string(data)) != "" {
				guides = append(guides, p)
			}
		}
	}
	var runbooks []string
	for _, p := range pageFiles(b, filepath.Join(dir, "content")) {
		if strings.HasPrefix(p, "runbooks/") {
			runbooks = append(runbooks, p)
		}
	}
	teams := pageFiles(b, filepath.Join(dir, "content", "teams"))
	rulesFiles := ruleFiles(dir)
	threshold := regexp.MustCompile(`(?m)> [0-9.]+$`) // a rule's threshold: "expr: rate(...[5m]) > 42"
	// apply waits for the batch of one write and rebuilds.
	apply := func(write func()) (time.Duration, *engine.Result) {
		time.Sleep(gap)
		start := time.Now()
		write()
		batch := <-w.Batches()
		var res *engine.Result
		var err error
		ch := engine.Change{Content: batch.Content}
		if batch.Site {
			// Read again as serve does: configuration, rules, theme.
			o := serveOptions()
			ch.Options = &o
		}
		res, err = s.Update(context.Background(), ch)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		// /api/search indexes the change in the background, after the
		// reload; saves a person makes are further apart than these
		// edits, so the next one waits for it, untimed.
		s.SearchAPI().Wait()
		return took, res
	}
	edits := []struct {
		name  string
		write func(i int)
	}{
		{"body", func(i int) {
			p := filepath.Join(dir, "content", guides[i%len(guides)])
			data, _ := os.ReadFile(p)
			line := bodyLine(string(data))
			os.WriteFile(p, []byte(strings.Replace(string(data), line, line+fmt.Sprintf(" edit%d", i), 1)), 0o644)
		}},
		{"title", func(i int) {
			p := filepath.Join(dir, "content", guides[i%len(guides)])
			data, _ := os.ReadFile(p)
			os.WriteFile(p, []byte("---\ntitle: Retitled "+fmt.Sprint(i)+"\n"+dropLine(string(data)[4:], "title:")), 0o644)
		}},
		{"owner", func(i int) {
			// A runbook's owner moves to another team.
			p := filepath.Join(dir, "content", runbooks[i%len(runbooks)])
			data, _ := os.ReadFile(p)
			team := strings.TrimSuffix(teams[i%len(teams)], ".md")
			os.WriteFile(p, []byte("---\nowner: "+team+"\n"+dropLine(string(data)[4:], "owner:")), 0o644)
		}},
		{"rule-expr", func(i int) {
			// A rule's threshold changes: its alert page shows the new
			// expression.
			p := rulesFiles[i%len(rulesFiles)]
			data, _ := os.ReadFile(p)
			os.WriteFile(p, threshold.ReplaceAll(data, []byte(fmt.Sprintf("> %d", 100+i))), 0o644)
		}},
		{"layout", func(i int) {
			os.WriteFile(filepath.Join(dir, "layouts", "page.html"), append(pageLayout, fmt.Sprintf("{{/* edit %d */}}\n", i)...), 0o644)
		}},
	}
	for _, e := range edits {
		b.Run(e.name, func(b *testing.B) {
			if dir := os.Getenv("PLAYBOOK_BENCH_PROFILES"); dir != "" {
				// A CPU profile of this kind of edit alone.
				f, err := os.Create(filepath.Join(dir, "edit-"+e.name+".pprof"))
				if err != nil {
					b.Fatal(err)
				}
				defer f.Close()
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
			var times []time.Duration
			full, rendered := 0, 0
			i := 0
			for b.Loop() {
				d, res := apply(func() { e.write(i) })
				times = append(times, d)
				if res.Rendered >= len(res.Snapshot.Site.Pages) {
					full++
				}
				rendered += res.Rendered
				i++
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "ms-p95")
			b.ReportMetric(float64(full)/float64(len(times)), "full-rebuilds/op")
			b.ReportMetric(float64(rendered)/float64(len(times)), "pages-rendered/op")
		})
	}
}

func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

func BenchmarkMemoryAfterEdits(b *testing.B) {
	dir := benchCorpus(b)
	opt := benchOptions(b, dir)
	var guides []string
	for _, p := range pageFiles(b, filepath.Join(dir, "content")) {
		if strings.HasPrefix(p, "guides/") {
			guides = append(guides, p)
		}
	}
	for b.Loop() {
		s, _, err := engine.New(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
		first := heapMB()
		for i := range 1000 {
			p := guides[i%len(guides)]
			full := filepath.Join(dir, "content", p)
			data, _ := os.ReadFile(full)
			if i%100 == 99 { // a title edit now and then: a full rebuild
				data = []byte("---\ntitle: Retitled " + fmt.Sprint(i) + "\n" + dropLine(string(data)[4:], "title:"))
			} else if line := bodyLine(string(data)); line != "" {
				data = []byte(strings.Replace(string(data), line, line+" x", 1))
			}
			os.WriteFile(full, data, 0o644)
			_, err := s.Update(context.Background(), engine.Change{Content: []string{p}})
			if err != nil {
				b.Fatal(err)
			}
		}
		after := heapMB()
		runtime.KeepAlive(s)
		b.ReportMetric(first, "MB-heap-first-build")
		b.ReportMetric(after, "MB-heap-after-1000-edits")
		b.ReportMetric(100*(after-first)/first, "%-growth")
	}
}
