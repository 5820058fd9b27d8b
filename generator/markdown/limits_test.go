package markdown

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook"
)

// Inputs meant to cost: each is refused by CheckLimits, at the line where
// the limit is passed, before goldmark sees it.
func TestCheckLimitsRefusesCostlyBodies(t *testing.T) {
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "x\n" + strings.Repeat(close, n)
	}
	var footnotes strings.Builder
	for i := range MaxFootnotes + 1 {
		fmt.Fprintf(&footnotes, "[^%d]: note\n", i)
	}
	var indented strings.Builder
	for i := range 40 {
		indented.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	for _, tc := range []struct {
		name, body string
		check      string
		line       int
	}{
		{"Docusaurus callouts 4,000 deep", nest(":::note\n", ":::\n", 4000), "page/too-deep", 33},
		{"callouts with longer fences", nest("::::note\n", "::::\n", 100), "page/too-deep", 33},
		{"block quotes on one line", strings.Repeat("> ", 100) + "x\n", "page/too-deep", 1},
		{"list markers on one line", strings.Repeat("- ", 100) + "x\n", "page/too-deep", 1},
		{"ordered markers on one line", strings.Repeat("1. ", 100) + "x\n", "page/too-deep", 1},
		{"lists nested by indentation", indented.String(), "page/too-deep", 33},
		{"MkDocs admonitions nested by indentation", func() string {
			var b strings.Builder
			for i := range 40 {
				b.WriteString(strings.Repeat("    ", i) + "!!! note\n")
			}
			return b.String()
		}(), "page/too-deep", 17},
		{"GitHub alerts in quotes", strings.Repeat("> ", 40) + "[!NOTE]\n", "page/too-deep", 1},
		{"a fake fence in a quote does not hide what follows", "> ```\n" + strings.Repeat("- ", 100) + "x\n", "page/too-deep", 2},
		{"100,000 headings", "# Headings\n" + strings.Repeat("## h\n", 100_000), "page/too-many-headings", MaxHeadings + 1},
		{"50,000 footnotes", footnotes.String(), "page/too-many-footnotes", 0},
		{"a page over 1 MiB", strings.Repeat("word ", MaxPageBytes/5+1), "page/too-large", 0},
	} {
		err := CheckLimits([]byte(tc.body))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if err.Check != tc.check || err.Line != tc.line || err.Msg == "" {
			t.Errorf("%s: %s at line %d (%s), want %s at line %d", tc.name, err.Check, err.Line, err.Msg, tc.check, tc.line)
		}
	}
}

// Pages as people write them pass: the example playbook, deep but sane
// nesting, and code blocks whose lines look like deep lists.
func TestCheckLimitsAcceptsRealPages(t *testing.T) {
	n := 0
	fs.WalkDir(playbook.Content(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := fs.ReadFile(playbook.Content(), p)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if err := CheckLimits(data); err != nil {
			t.Errorf("%s: %s at line %d: %s", p, err.Check, err.Line, err.Msg)
		}
		return nil
	})
	if n == 0 {
		t.Fatal("no pages in the example playbook")
	}
	var deepYAML strings.Builder
	deepYAML.WriteString("```yaml\n")
	for i := range 60 {
		deepYAML.WriteString(strings.Repeat("  ", i) + "- name: x\n")
	}
	deepYAML.WriteString("```\n\n:::note\n> - 1. > text\n:::\n")
	for _, body := range []string{
		deepYAML.String(),
		nest8(),
		strings.Repeat("## h\n", MaxHeadings) + "```\n" + strings.Repeat("# comment\n", 100) + "```\n",
		strings.Repeat("[^a] ", 100) + "\n\n[^a]: one note\n",
		strings.Repeat("word ", MaxPageBytes/5-1),
	} {
		if err := CheckLimits([]byte(body)); err != nil {
			t.Errorf("%.40q...: %s at line %d: %s", body, err.Check, err.Line, err.Msg)
		}
	}
}

// nest8 is eight levels of each kind of container, inside one another.
func nest8() string {
	var b strings.Builder
	for i := range 8 {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	b.WriteString("\n:::note\n:::tip\n> > > quote\n:::\n:::\n")
	return b.String()
}
