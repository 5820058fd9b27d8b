package engine_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/project"
	"github.com/opsplaybook/playbook/generator/watch"
)

// TestServePublishesTheStaticFolderAndItsChanges is the case
// fidelity/assets-outside-content in the serve loop, opened as `playbook
// serve --content docs` opens it: static/img/logo.png is at /img/logo.png,
// the image beside docs/ is at /_files/assets/diagrams/flow.png, and a
// file saved into static/ (a new one, and a changed one) is served after
// the rebuild it causes, as a build would have it.
func TestServePublishesTheStaticFolderAndItsChanges(t *testing.T) {
	dir := copyCase(t, "fidelity/assets-outside-content")
	open := func() (engine.Options, *project.Site, error) {
		s, err := project.Open(project.Flags{Source: dir, SourceSet: true, Content: filepath.Join(dir, "docs"), Version: "test"})
		if err != nil {
			return engine.Options{}, nil, err
		}
		s.Options.Now, s.Options.SearchAPI = testNow, true
		return s.Options, s, nil
	}
	opt, ps, err := open()
	if err != nil {
		t.Fatal(err)
	}
	eng, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Snapshot.Findings); n != 0 {
		t.Fatalf("findings at start: %s", findingsText(res.Snapshot.Findings))
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := watch.Start(ctx, watch.Options{ContentDir: ps.ContentDir, SiteDir: ps.Dir, Folders: ps.StaticDirs})
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
			o, _, err := open()
			return &o, err
		},
	}
	stopped := make(chan struct{})
	go func() { rb.Run(ctx); close(stopped) }()

	if got := s.get("/img/logo.png"); !strings.Contains(got, "PNG") {
		t.Fatalf("1. /img/logo.png at start is %q, not static/img/logo.png", got)
	}
	flow, _ := os.ReadFile(filepath.Join(dir, "assets", "diagrams", "flow.png"))
	if got := s.get("/_files/assets/diagrams/flow.png"); got != string(flow) {
		t.Fatalf("1. /_files/assets/diagrams/flow.png at start is %q, not assets/diagrams/flow.png", got)
	}

	// 2. A new file in static/.
	if err := writeFile(filepath.Join(dir, "static", "img", "new.svg"), []byte("<svg>new</svg>")); err != nil {
		t.Fatal(err)
	}
	s.waitFor("2. after static/img/new.svg was added", "/img/new.svg", func(p string) bool { return p == "<svg>new</svg>" })

	// 3. A changed file in static/.
	if err := os.WriteFile(filepath.Join(dir, "static", "img", "logo.png"), []byte("the new logo"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.waitFor("3. after static/img/logo.png changed", "/img/logo.png", func(p string) bool { return p == "the new logo" })

	// 4. A page that links to the new file has no finding; the site is
	// the one a build makes.
	if err := writeFile(filepath.Join(dir, "docs", "more.md"), []byte("# More\n\n![new](/img/new.svg)\n")); err != nil {
		t.Fatal(err)
	}
	s.waitFor("4. after docs/more.md was added", "/more/", func(p string) bool { return strings.Contains(p, `src="/img/new.svg"`) })
	cancel()
	<-stopped // the engine is read only when no update runs
	snap := eng.Snapshot()
	if len(snap.Findings) != 0 {
		t.Errorf("4. findings: %s", findingsText(snap.Findings))
	}
	opt, _, err = open()
	if err != nil {
		t.Fatal(err)
	}
	sameAsBuild(t, snap, opt, "4. after the edits")
}
