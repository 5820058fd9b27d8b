package search_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/search"
)

// benchSite writes a playbook of n pages with ../shared/bench/gencorpus,
// once per folder.
func benchSite(b *testing.B, n string) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "playbook-bench-"+n)
	if _, err := os.Stat(filepath.Join(dir, "playbook.yaml")); err == nil {
		return dir
	}
	gen := "../../shared/bench"
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("no generator at %s: %v", gen, err)
	}
	cmd := exec.Command("go", "run", "./gencorpus", "-n", n, "-o", dir)
	cmd.Dir = gen
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("gencorpus: %v\n%s", err, out)
	}
	return dir
}

// BenchmarkSearch10000 is "playbook search" on 10,000 pages with the index
// already built: check the sources are unchanged while the cached index
// is opened and searched, and read the results. Besides the mean (ns/op) it reports the
// median of the iterations (median-ms), the figure DESIGN.md's target is
// about.
func BenchmarkSearch10000(b *testing.B) {
	site := benchSite(b, "10000")
	cfg, _ := os.ReadFile(filepath.Join(site, "playbook.yaml"))
	content := os.DirFS(filepath.Join(site, "content"))
	opts := generator.Options{Content: content, Config: cfg, ConfigFile: "playbook.yaml", Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now}
	cache := b.TempDir()
	build := func() ([]search.Doc, error) {
		res, err := generator.Check(opts)
		if err != nil {
			return nil, err
		}
		return search.Docs(res.Site), nil
	}
	dir := filepath.Join(site, "content")
	fp, err := search.FingerprintDir(dir, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ix, err := search.OpenCached(cache, fp, build)
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	queries := []string{"rollback", "escal", "incident commander", "database replication lag", "kafka"}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		fingerprint := func() (string, error) { return search.FingerprintDir(dir, cfg) }
		if _, err := search.SearchCached(cache, fingerprint, build, search.Query{Text: queries[i%len(queries)]}); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/float64(time.Millisecond), "median-ms")
}

// BenchmarkExport10000 is the search part of "playbook build" on 10,000
// pages: the static export written to a folder, from the pages as the
// build has them (parsing and checking are not counted).
func BenchmarkExport10000(b *testing.B) {
	site := benchSite(b, "10000")
	cfg, _ := os.ReadFile(filepath.Join(site, "playbook.yaml"))
	opts := generator.Options{Content: os.DirFS(filepath.Join(site, "content")), Config: cfg, ConfigFile: "playbook.yaml", Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now}
	res, err := generator.Check(opts)
	if err != nil {
		b.Fatal(err)
	}
	docs := search.Docs(res.Site)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w, err := output.NewDir(filepath.Join(b.TempDir(), fmt.Sprint(i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := search.Export(docs, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExporterEdit10000 is the search export's share of an edit in
// the live preview on 10,000 pages: one page's text changed at its start
// (so that its excerpt changes too), then its export updated.
func BenchmarkExporterEdit10000(b *testing.B) {
	site := benchSite(b, "10000")
	cfg, _ := os.ReadFile(filepath.Join(site, "playbook.yaml"))
	opts := generator.Options{Content: os.DirFS(filepath.Join(site, "content")), Config: cfg, ConfigFile: "playbook.yaml", Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now}
	res, err := generator.Check(opts)
	if err != nil {
		b.Fatal(err)
	}
	docs := search.Docs(res.Site)
	var e search.Exporter
	if _, _, err := e.Update(docs); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		next := slices.Clone(docs)
		d := &next[(i*7919)%len(next)]
		d.Body = fmt.Sprintf("Edit %d. ", i) + d.Body
		d.Excerpt = fmt.Sprintf("Edit %d. ", i) + d.Excerpt
		if _, _, err := e.Update(next); err != nil {
			b.Fatal(err)
		}
		docs = next
		i++
	}
}
