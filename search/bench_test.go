package search_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
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
// already built: open the cached index, run a query, read the results.
func BenchmarkSearch10000(b *testing.B) {
	site := benchSite(b, "10000")
	cfg, _ := os.ReadFile(filepath.Join(site, "playbook.yaml"))
	content := os.DirFS(filepath.Join(site, "content"))
	opts := generator.Options{Content: content, Config: cfg, ConfigFile: "playbook.yaml", Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now}
	cache := b.TempDir()
	build := func() ([]search.Doc, error) {
		res, _, err := generator.Check(opts)
		if err != nil {
			return nil, err
		}
		return search.Docs(res.Site), nil
	}
	fp, err := search.Fingerprint(content, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ix, err := search.OpenCached(cache, fp, build)
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	queries := []string{"rollback", "escal", "incident commander", "database replication lag", "kafka"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fp, err := search.Fingerprint(content, cfg)
		if err != nil {
			b.Fatal(err)
		}
		ix, err := search.OpenCached(cache, fp, build)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.Search(search.Query{Text: queries[i%len(queries)]}); err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}
