package watch_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/watch"
)

// server is a watched site served as "playbook serve" serves it.
type server struct {
	t       *testing.T
	dir     string
	opt     generator.Options
	session *engine.Engine
	live    *preview.Publisher
	mu      sync.Mutex
	last    time.Time // when the last batch was applied
	batches int
	busy    bool // a batch is being applied
}

func startServer(t *testing.T) *server {
	dir, opt := exampleSite(t)
	s, res, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server{t: t, dir: dir, opt: opt, session: s, live: preview.NewPublisher(res.Snapshot, status(res, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := watch.Start(ctx, watch.Options{ContentDir: dir, SiteDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for b := range w.Batches() {
			srv.mu.Lock()
			srv.busy = true
			srv.mu.Unlock()
			res, err := s.Update(context.Background(), engine.Change{Content: b.Content})
			st := status(res, err)
			var served preview.Files = res.Snapshot
			if st.Failed {
				served = nil
			}
			srv.live.Publish(served, st, preview.Reload, nil)
			srv.mu.Lock()
			srv.last, srv.batches, srv.busy = time.Now(), srv.batches+1, false
			srv.mu.Unlock()
		}
	}()
	return srv
}

func status(res *engine.Result, err error) preview.Status {
	if err != nil {
		return preview.Status{Report: err.Error() + "\n", Failed: true}
	}
	return preview.Status{Report: findingsText(res.Snapshot.Findings), Failed: res.Snapshot.Errors() > 0}
}

// settle waits until at least one batch came and none has for a while.
func (s *server) settle(before int) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		s.mu.Lock()
		n, last, busy := s.batches, s.last, s.busy
		s.mu.Unlock()
		if n > before && !busy && time.Since(last) > 250*time.Millisecond {
			return
		}
	}
	s.t.Fatal("no rebuild after the change")
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.batches
}

func (s *server) get(path string) string {
	s.t.Helper()
	rec := httptest.NewRecorder()
	(&preview.Handler{Publisher: s.live}).ServeHTTP(rec, httptest.NewRequest("GET", "http://x"+path, nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func (s *server) path(p string) string { return filepath.Join(s.dir, filepath.FromSlash(p)) }

const checklist = "checklists/service-readiness.md"

func (s *server) edited(text string) []byte {
	data, err := os.ReadFile(s.path(checklist))
	if err != nil {
		s.t.Fatal(err)
	}
	return []byte(strings.TrimRight(string(data), "\n") + "\n\n" + text + "\n")
}

func TestSavingInPlaceShowsTheNewText(t *testing.T) {
	s := startServer(t)
	n := s.count()
	if err := os.WriteFile(s.path(checklist), s.edited("Saved in place."), 0o644); err != nil {
		t.Fatal(err)
	}
	s.settle(n)
	if !strings.Contains(s.get("/checklists/service-readiness/"), "Saved in place.") {
		t.Error("the page does not show the saved text")
	}
	sameAsBuild(t, s.session.Snapshot(), s.opt, "after saving in place")
}

func TestSavingThroughATemporaryFileAndRenameShowsTheNewText(t *testing.T) {
	s := startServer(t)
	n := s.count()
	// vim and JetBrains write a new file beside the page, then rename it
	// over the page.
	tmp := s.path("checklists/.service-readiness.md.tmp~")
	if err := os.WriteFile(tmp, s.edited("Saved by rename."), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, s.path(checklist)); err != nil {
		t.Fatal(err)
	}
	s.settle(n)
	if !strings.Contains(s.get("/checklists/service-readiness/"), "Saved by rename.") {
		t.Error("the page does not show the saved text")
	}
	sameAsBuild(t, s.session.Snapshot(), s.opt, "after saving by rename")
}

func TestDeletingAndCreatingAgainShowsTheNewText(t *testing.T) {
	s := startServer(t)
	n := s.count()
	data := s.edited("Created again.")
	if err := os.Remove(s.path(checklist)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // the editor's pause between the two
	if err := os.WriteFile(s.path(checklist), data, 0o644); err != nil {
		t.Fatal(err)
	}
	s.settle(n)
	if !strings.Contains(s.get("/checklists/service-readiness/"), "Created again.") {
		t.Error("the page does not show the saved text")
	}
	sameAsBuild(t, s.session.Snapshot(), s.opt, "after deleting and creating again")
}

func TestRenamingAFolderMovesItsPagesAndKeepsWatchingThem(t *testing.T) {
	s := startServer(t)
	// A folder created after the start is watched too.
	n := s.count()
	os.MkdirAll(s.path("guides/notes/deeper"), 0o755)
	time.Sleep(50 * time.Millisecond)
	os.WriteFile(s.path("guides/notes/deeper/page.md"), []byte("---\ntitle: Deep page\n---\n\nDeep text.\n"), 0o644)
	s.settle(n)
	if !strings.Contains(s.get("/guides/notes/deeper/page/"), "Deep text.") {
		_, inSession := s.session.Snapshot().File("guides/notes/deeper/page/index.html")
		t.Fatalf("a page in a new folder was not seen (in the session: %v; findings:\n%s)", inSession, findingsText(s.session.Snapshot().Findings))
	}
	n = s.count()
	if err := os.Rename(s.path("guides/notes"), s.path("guides/team-notes")); err != nil {
		t.Fatal(err)
	}
	s.settle(n)
	if !strings.Contains(s.get("/guides/team-notes/deeper/page/"), "Deep text.") {
		t.Error("the page is not at its new URL")
	}
	if strings.Contains(s.get("/guides/notes/deeper/page/"), "Deep text.") {
		t.Error("the page is still at its old URL")
	}
	// A page in the renamed folder is still watched, under its new name.
	n = s.count()
	os.WriteFile(s.path("guides/team-notes/deeper/page.md"), []byte("---\ntitle: Deep page\n---\n\nEdited after the move.\n"), 0o644)
	s.settle(n)
	if !strings.Contains(s.get("/guides/team-notes/deeper/page/"), "Edited after the move.") {
		t.Error("an edit in the renamed folder was not seen")
	}
	sameAsBuild(t, s.session.Snapshot(), s.opt, "after renaming a folder")
}

func TestABurstOfSavesEndsInOneConsistentSite(t *testing.T) {
	s := startServer(t)
	n := s.count()
	pages := pageFiles(t, s.dir)
	for i := range 100 {
		p := pages[i%len(pages)]
		data, _ := os.ReadFile(s.path(p))
		if i%3 == 0 {
			tmp := s.path(p) + ".tmp"
			os.WriteFile(tmp, append(data, fmt.Sprintf("\nBurst save %d.\n", i)...), 0o644)
			os.Rename(tmp, s.path(p))
		} else {
			os.WriteFile(s.path(p), append(data, fmt.Sprintf("\nBurst save %d.\n", i)...), 0o644)
		}
		time.Sleep(9 * time.Millisecond)
	}
	s.settle(n)
	sameAsBuild(t, s.session.Snapshot(), s.opt, "after 100 saves")
	if !strings.Contains(s.get("/"+strings.TrimSuffix(strings.TrimSuffix(pages[99%len(pages)], ".md"), "index")+"/"), "Burst save 99.") {
		t.Error("the last save is not shown")
	}
}

func TestDeletingALinkedPageShowsTheirBrokenLinksInTheOverlay(t *testing.T) {
	s := startServer(t)
	if strings.Contains(s.get("/"), `id="playbook-overlay"`) {
		t.Fatal("the example playbook shows an overlay before any change")
	}
	n := s.count()
	// Pages of the example link to the on-call checklist.
	if err := os.Remove(s.path("checklists/first-on-call-shift.md")); err != nil {
		t.Fatal(err)
	}
	s.settle(n)
	snap := s.session.Snapshot()
	var broken []string
	for _, f := range snap.Findings {
		if f.Check == "link/broken" {
			broken = append(broken, f.String())
		}
	}
	if len(broken) == 0 {
		t.Fatal("no link/broken finding after deleting a linked page")
	}
	page := s.get("/guides/")
	if !strings.Contains(page, `id="playbook-overlay"`) {
		t.Fatal("no overlay on a page after the error")
	}
	want := strings.ReplaceAll(findingsText(snap.Findings), `"`, "&#34;")
	if !strings.Contains(page, want) {
		t.Errorf("the overlay does not show what check prints:\n%s", want)
	}
	if !strings.Contains(page, "[link/broken]") {
		t.Error("the overlay does not name link/broken")
	}
	// The last good site stays up.
	if !strings.Contains(s.get("/checklists/first-on-call-shift/"), "<h1") {
		t.Error("the deleted page went, though the site has errors")
	}
}
