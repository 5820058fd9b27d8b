package gitinfo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitAt writes files into the worktree of repo and commits them with
// the given author date.
func commitAt(t *testing.T, repo *git.Repository, dir string, when time.Time, files map[string]string) {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(name); err != nil {
			t.Fatal(err)
		}
	}
	sig := &object.Signature{Name: "A", Email: "a@example.org", When: when}
	if _, err := wt.Commit("change", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		t.Fatal(err)
	}
}

func day(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.FixedZone("CET", 3600)) }

// TestLastUpdatedIsTheLastCommitThatChangedEachFile builds a repository
// with a history and checks each content file's date: the author date of
// its last commit, in UTC; the modification time of a file changed since
// or never committed; nothing for files outside the content folder.
func TestLastUpdatedIsTheLastCommitThatChangedEachFile(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	commitAt(t, repo, dir, day(1), map[string]string{
		"content/index.md":         "# Home\n",
		"content/runbooks/db.md":   "# DB\n",
		"content/guides/deploy.md": "# Deploy\n",
		"README.md":                "readme\n",
	})
	commitAt(t, repo, dir, day(5), map[string]string{"content/runbooks/db.md": "# DB\n\nSteps.\n", "README.md": "readme 2\n"})
	commitAt(t, repo, dir, day(9), map[string]string{"content/guides/deploy.md": "# Deploy\n\nRoll back.\n"})
	commitAt(t, repo, dir, day(12), map[string]string{"README.md": "readme 3\n"})
	// Edited since the last commit, and never committed.
	edited := time.Date(2026, 4, 1, 8, 30, 0, 0, time.UTC)
	if err := os.WriteFile(filepath.Join(dir, "content/index.md"), []byte("# Home, edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "content/new.md"), []byte("# New\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"content/index.md", "content/new.md"} {
		if err := os.Chtimes(filepath.Join(dir, f), edited, edited); err != nil {
			t.Fatal(err)
		}
	}
	// Touched but not changed: the commit's date stands.
	if err := os.Chtimes(filepath.Join(dir, "content/runbooks/db.md"), edited, edited); err != nil {
		t.Fatal(err)
	}

	got, err := LastUpdated(filepath.Join(dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		"index.md":         edited,
		"new.md":           edited,
		"runbooks/db.md":   day(5).UTC(),
		"guides/deploy.md": day(9).UTC(),
	}
	if len(got) != len(want) {
		t.Errorf("got %d files, want %d: %v", len(got), len(want), got)
	}
	for f, w := range want {
		if !got[f].Equal(w) || got[f].Location() != time.UTC {
			t.Errorf("%s: %v, want %v", f, got[f], w)
		}
	}

	// The same dates as git itself gives, where the binary is.
	if _, err := exec.LookPath("git"); err == nil {
		for _, f := range []string{"runbooks/db.md", "guides/deploy.md"} {
			out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%aI", "--", "content/"+f).Output()
			if err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse(time.RFC3339, strings.TrimSpace(string(out)))
			if err != nil || !at.Equal(got[f]) {
				t.Errorf("%s: git log says %s, LastUpdated %v", f, out, got[f])
			}
		}
		// A shallow clone (CI's usual checkout) knows only its last
		// commit: every file has its date, and nothing fails.
		shallow := filepath.Join(t.TempDir(), "clone")
		if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+dir, shallow).CombinedOutput(); err != nil {
			t.Fatalf("git clone: %v\n%s", err, out)
		}
		got, err := LastUpdated(filepath.Join(shallow, "content"))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Errorf("shallow clone: %d files, want 3: %v", len(got), got)
		}
		for f, at := range got {
			if !at.Equal(day(12)) {
				t.Errorf("shallow clone: %s: %v, want the date of the one commit, %v", f, at, day(12))
			}
		}
	}
}

func TestLastUpdatedIsOffOutsideARepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.md"), []byte("# Home\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := LastUpdated(dir)
	if err != nil || got != nil {
		t.Errorf("got %v, %v; want no dates", got, err)
	}
}
