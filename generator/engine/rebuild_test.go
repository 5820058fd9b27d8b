package engine_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator/engine"
)

// TestRebuild runs the rebuild tests in testdata/rebuild, Hugo's rebuild
// integration tests (hugolib/rebuild_test.go) as data. An archive holds a
// site folder's files (playbook.yaml, content/, layouts/, assets/,
// rules/) and, in its file "edits", steps: an edit, then what the update
// must have done. Files under "edits/" are texts for the edits, not site
// files.
//
// Edits (paths relative to the site folder; a change outside content/
// reaches the engine as new options, as `playbook serve` passes it):
//
//	write FILE EDITFILE      FILE gets the text of archive file EDITFILE
//	replace FILE OLD NEW     the first OLD in FILE becomes NEW
//	append FILE TEXT         TEXT is added at the end of FILE
//	override FILE OLD NEW    the site gets its own copy of the embedded
//	                         layouts/ or assets/ FILE, with OLD made NEW
//	remove FILE              FILE (or folder) is deleted
//	rename OLD NEW           a file or folder is moved
//
// Assertions on the update that follows the edits before them:
//
//	rendered N               N pages were rendered
//	spliced N                of them, N had their sidebar alone rendered
//	pages OUT...             the output pages (.html) whose bytes changed
//	                         or that are new are exactly these ("-" none)
//	removed OUT...           the files removed are exactly these, besides
//	                         the search export's (named by content hash)
//	sources PATH...          the content paths of the site the update
//	                         names (Result.Sources) are exactly these
//	contains OUT TEXT        output file OUT contains TEXT
//	lacks OUT TEXT           output file OUT does not contain TEXT
//	absent OUT               the site has no file OUT
//	fails TEXT               the update failed with an error containing
//	                         TEXT (the last site stays: contains and lacks
//	                         look at it)
//	finding TEXT             a finding contains TEXT
//	nofinding TEXT           no finding contains TEXT
//
// TEXT, OLD and NEW are words or Go double-quoted strings. Blank lines
// and lines starting with # are skipped. After every step the site is
// also compared with a fresh full build, byte for byte.
func TestRebuild(t *testing.T) {
	files, err := filepath.Glob("testdata/rebuild/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no rebuild tests in testdata/rebuild")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runRebuild(t, file)
		})
	}
}

func runRebuild(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	texts := map[string]string{}
	var script string
	for _, f := range ar.Files {
		switch {
		case f.Name == "edits":
			script = string(f.Data)
		case strings.HasPrefix(f.Name, "edits/"):
			texts[f.Name] = string(f.Data)
		default:
			if err := writeFile(filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data); err != nil {
				t.Fatal(err)
			}
		}
	}
	drafts := false
	opt, err := siteOptions(dir, drafts)
	if err != nil {
		t.Fatal(err)
	}
	eng, _, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	sameAsBuild(t, eng.Snapshot(), opt, "first build")

	var (
		pending []string // content paths changed by the edits not yet applied
		site    bool     // the edits not yet applied changed the options
		edited  bool
		res     *engine.Result
		failed  error // the error that stopped the last update
		step    string
	)
	// update applies the edits so far, once, before the first assertion
	// that follows them.
	update := func() {
		if !edited {
			return
		}
		edited = false
		ch := engine.Change{Content: pending}
		if site {
			o, err := siteOptions(dir, drafts)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			opt = o
			ch.Options = &o
		}
		prev := eng.Snapshot()
		res, failed = eng.Update(context.Background(), ch)
		sameAsBuild(t, res.Snapshot, opt, step)
		sameChanges(t, prev, res, step)
		pending, site = nil, false
	}
	touch := func(p string) {
		if rel, ok := strings.CutPrefix(p, "content/"); ok {
			pending = append(pending, rel)
		} else {
			site = true
		}
		edited = true
	}
	abs := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }

	for n, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		where := fmt.Sprintf("%s:edits:%d", filepath.Base(file), n+1)
		args, err := splitArgs(line)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		need := func(k int) {
			if len(args)-1 < k {
				t.Fatalf("%s: %s needs %d arguments", where, args[0], k)
			}
		}
		switch args[0] {
		case "write", "replace", "append", "override", "remove", "rename":
			if res != nil || !edited {
				step = where + " " + line
			} else {
				step += "; " + line
			}
			res = nil
		}
		switch args[0] {
		case "write":
			need(2)
			text, ok := texts[args[2]]
			if !ok {
				t.Fatalf("%s: no archive file %s", where, args[2])
			}
			if err := writeFile(abs(args[1]), []byte(text)); err != nil {
				t.Fatal(err)
			}
			touch(args[1])
		case "replace":
			need(3)
			data, err := os.ReadFile(abs(args[1]))
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if !strings.Contains(string(data), args[2]) {
				t.Fatalf("%s: %s has no %q", where, args[1], args[2])
			}
			if err := os.WriteFile(abs(args[1]), []byte(strings.Replace(string(data), args[2], args[3], 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			touch(args[1])
		case "append":
			need(2)
			data, err := os.ReadFile(abs(args[1]))
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if err := os.WriteFile(abs(args[1]), append(data, args[2]...), 0o644); err != nil {
				t.Fatal(err)
			}
			touch(args[1])
		case "override":
			need(3)
			var theme fs.FS
			name, ok := strings.CutPrefix(args[1], "layouts/")
			if ok {
				theme = playbook.Layouts()
			} else if name, ok = strings.CutPrefix(args[1], "assets/"); ok {
				theme = playbook.Assets()
			} else {
				t.Fatalf("%s: %s is not under layouts/ or assets/", where, args[1])
			}
			data, err := fs.ReadFile(theme, name)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if !strings.Contains(string(data), args[2]) {
				t.Fatalf("%s: the embedded %s has no %q", where, args[1], args[2])
			}
			if err := writeFile(abs(args[1]), []byte(strings.Replace(string(data), args[2], args[3], 1))); err != nil {
				t.Fatal(err)
			}
			touch(args[1])
		case "remove":
			need(1)
			if err := os.RemoveAll(abs(args[1])); err != nil {
				t.Fatal(err)
			}
			touch(args[1])
		case "rename":
			need(2)
			os.MkdirAll(filepath.Dir(abs(args[2])), 0o755)
			if err := os.Rename(abs(args[1]), abs(args[2])); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			touch(args[1])
			touch(args[2])
		case "fails":
			need(1)
			update()
			if failed == nil || !strings.Contains(failed.Error(), args[1]) {
				t.Errorf("%s: the update did not fail with %q (error: %v)", step, args[1], failed)
			}
			continue
		}
		switch args[0] {
		case "write", "replace", "append", "override", "remove", "rename", "contains", "lacks":
		default:
			update()
			if failed != nil {
				t.Fatalf("%s: the update failed: %v", step, failed)
			}
		}
		switch args[0] {
		case "write", "replace", "append", "override", "remove", "rename", "fails":
		case "sources":
			need(1)
			update()
			if res == nil {
				t.Fatalf("%s: sources before any edit", where)
			}
			if !slices.Equal(res.Sources, args[1:]) {
				t.Errorf("%s: sources %v, want %v", step, res.Sources, args[1:])
			}
		case "rendered":
			need(1)
			update()
			if res == nil {
				t.Fatalf("%s: rendered before any edit", where)
			}
			if want, _ := strconv.Atoi(args[1]); res.Rendered != want {
				t.Errorf("%s: %d pages rendered, want %d (pages changed: %v)", step, res.Rendered, want, changedPages(res))
			}
		case "spliced":
			need(1)
			update()
			if res == nil {
				t.Fatalf("%s: spliced before any edit", where)
			}
			if want, _ := strconv.Atoi(args[1]); res.Spliced != want {
				t.Errorf("%s: %d pages had their sidebar alone rendered, want %d", step, res.Spliced, want)
			}
		case "pages", "removed":
			need(1)
			update()
			if res == nil {
				t.Fatalf("%s: %s before any edit", where, args[0])
			}
			want := args[1:]
			if len(want) == 1 && want[0] == "-" {
				want = nil
			}
			slices.Sort(want)
			got := changedPages(res)
			if args[0] == "removed" {
				got = nil
				for _, n := range res.Removed {
					if !strings.HasPrefix(n, "search/") {
						got = append(got, n)
					}
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s\n got %v\nwant %v", step, args[0], got, want)
			}
		case "contains", "lacks":
			need(2)
			update()
			data, ok := eng.Snapshot().File(args[1])
			if !ok {
				t.Errorf("%s: no file %s", step, args[1])
				continue
			}
			if strings.Contains(string(data), args[2]) != (args[0] == "contains") {
				t.Errorf("%s: %s %s %q:\n%s", step, args[1], map[bool]string{true: "lacks", false: "contains"}[args[0] == "contains"], args[2], data)
			}
		case "absent":
			need(1)
			update()
			if _, ok := eng.Snapshot().File(args[1]); ok {
				t.Errorf("%s: the site has %s", step, args[1])
			}
		case "finding", "nofinding":
			need(1)
			update()
			text := findingsText(eng.Snapshot().Findings)
			if strings.Contains(text, args[1]) != (args[0] == "finding") {
				t.Errorf("%s: %s %q in the findings:\n%s", step, args[0], args[1], text)
			}
		default:
			t.Fatalf("%s: unknown command %q", where, args[0])
		}
	}
	if edited {
		t.Fatalf("%s: edits at the end with nothing asserted after them", file)
	}
}

// changedPages returns the .html files among res.Changed.
func changedPages(res *engine.Result) []string {
	var out []string
	for _, n := range res.Changed {
		if path.Ext(n) == ".html" {
			out = append(out, n)
		}
	}
	return out
}

// splitArgs splits a line into words and Go double-quoted strings.
func splitArgs(line string) ([]string, error) {
	var out []string
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimSpace(line) {
		if line[0] == '"' {
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, fmt.Errorf("bad quoted string in %q", line)
			}
			s, _ := strconv.Unquote(q)
			out = append(out, s)
			line = line[len(q):]
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i < 0 {
			i = len(line)
		}
		out = append(out, line[:i])
		line = line[i:]
	}
	return out, nil
}
