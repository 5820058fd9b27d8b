package engine_test

import (
	"bufio"
	"context"
	"html"
	"io"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/watch"
	"github.com/opsplaybook/playbook/internal/testenv"
)

// copyCase copies a case folder (whose files may be read-only) into a new
// writable folder.
func copyCase(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join(testenv.Cases(t), filepath.FromSlash(name))
	if _, err := os.Stat(src); err != nil {
		t.Fatalf("no case at %s: %v", src, err)
	}
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		return writeFile(filepath.Join(dir, rel), data)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// serveLoop is a site served as `playbook serve` serves it: the engine,
// a watch.Watcher on the site folder and a preview.Rebuilder, whose
// one line per update is read from its log.
type serveLoop struct {
	t     *testing.T
	dir   string
	live  *preview.Publisher
	lines chan string
}

func startServeLoop(t *testing.T, dir string) *serveLoop {
	t.Helper()
	opt, err := siteOptions(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	opt.SearchAPI = true
	eng, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var ruleFiles []string
	for _, r := range opt.Rules {
		ruleFiles = append(ruleFiles, filepath.FromSlash(r.Path)) // as serve does
	}
	w, err := watch.Start(ctx, watch.Options{ContentDir: filepath.Join(dir, "content"), SiteDir: dir, Files: ruleFiles})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	s := &serveLoop{t: t, dir: dir, live: preview.NewPublisher(res.Snapshot, preview.StatusOf(res, nil)), lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	rb := &preview.Rebuilder{
		Engine: eng, Batches: w.Batches(), Publisher: s.live, Log: pw, Format: diag.Text,
		Reopen: func() (*engine.Options, error) {
			o, err := siteOptions(dir, false)
			o.SearchAPI = true
			return &o, err
		},
	}
	go rb.Run(ctx)
	return s
}

func (s *serveLoop) get(path string) string {
	rec := httptest.NewRecorder()
	(&preview.Handler{Publisher: s.live}).ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1"+path, nil))
	return rec.Body.String()
}

// waitFor waits, rebuild by rebuild, until page shows what ok looks for;
// it fails after 30 seconds without it, with the rebuilds it saw.
func (s *serveLoop) waitFor(what, page string, ok func(string) bool) string {
	s.t.Helper()
	var seen []string
	timeout := time.After(30 * time.Second)
	for {
		body := s.get(page)
		if ok(body) {
			return body
		}
		select {
		case l := <-s.lines:
			seen = append(seen, l)
		case <-timeout:
			s.t.Fatalf("%s: %s does not show it after these rebuilds:\n%s\npage:\n%s", what, page, strings.Join(seen, "\n"), body)
		}
	}
}

// expression returns the Expression section's text of an alert page, or
// "" when it has none.
func expression(page string) string {
	_, after, ok := strings.Cut(page, `<pre class="expr"><code>`)
	if !ok {
		return ""
	}
	expr, _, _ := strings.Cut(after, "</code>")
	return html.UnescapeString(expr)
}

// TestServeShowsTheRulesNewExpressionAfterEachStep is the case
// hardening/serve-alert-expr-stale: in the serve loop, an alert page with
// no expr of its own shows its rule's expression as a build does, after
// the rule file's expr changes (written in place) and after an edit to
// the page's text.
func TestServeShowsTheRulesNewExpressionAfterEachStep(t *testing.T) {
	dir := copyCase(t, "hardening/serve-alert-expr-stale")
	s := startServeLoop(t, dir)
	const page = "/alerts/nodediskfull/"

	if got := expression(s.get(page)); got != "node_filesystem_avail_bytes < 1" {
		t.Fatalf("1. after start, the expression is %q", got)
	}

	// 2. The rule's expr changes, written in place as sed > tmp; cat tmp > file does.
	rulesFile := filepath.Join(dir, "rules", "node.yaml")
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(rulesFile, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte(strings.Replace(string(data), "< 1\n", "< 42\n", 1)))
	f.Close()
	s.waitFor("2. after the rule's expr changed to < 42", page, func(p string) bool {
		return expression(p) == "node_filesystem_avail_bytes < 42"
	})

	// 3. The page's text is edited: the expression stays.
	alert := filepath.Join(dir, "content", "alerts", "NodeDiskFull.md")
	f, err = os.OpenFile(alert, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("Extra line.\n"))
	f.Close()
	body := s.waitFor("3. after the page's text was edited", page, func(p string) bool { return strings.Contains(p, "Extra line.") })
	if got := expression(body); got != "node_filesystem_avail_bytes < 42" {
		t.Errorf("3. after the page's text was edited, the expression is %q", got)
	}

	// 4. And back: a second expr change reaches the page too.
	data, _ = os.ReadFile(rulesFile)
	os.WriteFile(rulesFile, []byte(strings.Replace(string(data), "< 42\n", "< 7\n", 1)), 0o644)
	s.waitFor("4. after the rule's expr changed to < 7", page, func(p string) bool {
		return expression(p) == "node_filesystem_avail_bytes < 7"
	})
}
