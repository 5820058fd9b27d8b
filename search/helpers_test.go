package search_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/internal/testenv"
	"github.com/opsplaybook/playbook/search"
)

// corpus is a real playbook and its content folder.
type corpus struct{ name, content string }

func corpora() []corpus {
	return []corpus{
		{"pagerduty-ir", "pagerduty-ir/docs"},
		{"govuk-manual", "govuk-manual/source/manual"},
		{"hackney-devsys", "hackney-devsys/docs"},
	}
}

// needNode returns the path of node, or skips (fails under CI).
func needNode(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node is missing under CI: %v", err)
		}
		t.Skipf("node is not installed, so the browser's analysis cannot be run: %v", err)
	}
	return p
}

var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// exampleOptions are the options of the example playbook.
func exampleOptions() generator.Options {
	return generator.Options{
		Content: playbook.Content(), ContentPrefix: "content/",
		Config: playbook.Config(), ConfigFile: "playbook.yaml",
		Layouts: playbook.Layouts(), Assets: playbook.Assets(),
		Now: now, Version: "test",
	}
}

// addCorpora adds the documents of the corpora cs to sites, by name, when
// $PLAYBOOK_CORPORA is set; otherwise each gets a skipped subtest that
// names the variable, so that the run says what it left out.
func addCorpora(t *testing.T, sites map[string][]search.Doc, cs ...corpus) {
	t.Helper()
	dir, ok := testenv.Lookup(t, testenv.CorporaVar)
	for _, c := range cs {
		if !ok {
			t.Run(c.name, func(t *testing.T) { t.Skip(testenv.SkipMessage(testenv.CorporaVar)) })
			continue
		}
		sites[c.name] = docsOf(t, corpusOptions(dir, c))
	}
}

// corpusOptions are the options of a real playbook, under the folder of
// the corpora.
func corpusOptions(corporaDir string, c corpus) generator.Options {
	dir := filepath.Join(corporaDir, c.content)
	o := generator.Options{
		Content: os.DirFS(dir),
		Layouts: playbook.Layouts(), Assets: playbook.Assets(),
		Now: now, Version: "test",
	}
	for _, p := range []string{filepath.Join(dir, "..", "mkdocs.yml"), filepath.Join(dir, "mkdocs.yml")} {
		if data, err := os.ReadFile(p); err == nil {
			o.NavTitles = load.MkDocsTitles(data)
			break
		}
	}
	return o
}

// docsOf checks a site and returns its pages as the index sees them.
func docsOf(t testing.TB, o generator.Options) []search.Doc {
	t.Helper()
	res, err := generator.Check(o)
	if err != nil {
		t.Fatal(err)
	}
	return search.Docs(res.Site)
}
