package search_test

import (
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/search"
)

// TestExporterAfterEditsIsExport edits the pages of the example playbook
// at random under one Exporter: after each edit its files are byte for
// byte those Export writes for the same pages, and the names it reports
// changed and removed turn the previous files into the new ones.
func TestExporterAfterEditsIsExport(t *testing.T) {
	// The example's pages ten times over: the document store then has
	// several chunks, and adding or removing a page moves their bounds.
	var docs []search.Doc
	for i := range 10 {
		for _, d := range docsOf(t, exampleOptions()) {
			d.URL = fmt.Sprintf("/%d%s", i, d.URL)
			docs = append(docs, d)
		}
	}
	var e search.Exporter
	if _, _, err := e.Update(docs); err != nil {
		t.Fatal(err)
	}
	have := maps.Clone(e.Files())
	r := rand.New(rand.NewSource(1))
	words := []string{"zeppelin", "rollback", "kafka", "ab", "escalation", "x", "PaymentsApiHighErrorRate", "incident"}
	edits := []struct {
		name string
		do   func([]search.Doc) []search.Doc
	}{
		{"body", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Body += " " + words[r.Intn(len(words))]
			return d
		}},
		{"body cut", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Body = d[i].Body[:len(d[i].Body)/2]
			return d
		}},
		{"title", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Title = words[r.Intn(len(words))] + " " + d[i].Title
			return d
		}},
		{"excerpt", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Excerpt = "Changed: " + d[i].Excerpt
			return d
		}},
		{"alert", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Alerts = append(slices.Clone(d[i].Alerts), "ZeppelinDown")
			return d
		}},
		{"owner and role", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Owner = "zeppelins"
			d[i].Roles = append(slices.Clone(d[i].Roles), "pilot")
			return d
		}},
		{"owner to another page's, roles dropped", func(d []search.Doc) []search.Doc {
			i, j := r.Intn(len(d)), r.Intn(len(d))
			d[i].Owner = d[j].Owner
			d[i].Roles = nil
			return d
		}},
		{"owner and role undone", func(d []search.Doc) []search.Doc {
			// The zeppelins and the pilots lose their pages.
			for i := range d {
				if d[i].Owner == "zeppelins" {
					d[i].Owner = ""
					d[i].Roles = slices.DeleteFunc(slices.Clone(d[i].Roles), func(r string) bool { return r == "pilot" })
				}
			}
			return d
		}},
		{"owner cleared, kind changed", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].Owner = ""
			d[i].Kind = []string{"guide", "runbook", "alert", "checklist"}[r.Intn(4)]
			return d
		}},
		{"many pages", func(d []search.Doc) []search.Doc {
			for range 100 {
				d[r.Intn(len(d))].Body += " manymany"
			}
			return d
		}},
		{"page removed", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			return slices.Delete(d, i, i+1)
		}},
		{"page moved", func(d []search.Doc) []search.Doc {
			i := r.Intn(len(d))
			d[i].URL += "moved/"
			return d
		}},
		{"page added", func(d []search.Doc) []search.Doc {
			return append(d, search.Doc{URL: fmt.Sprintf("/zz/%d/", r.Int()), Title: "Zeppelin", Kind: "guide", Body: "Grounded."})
		}},
	}
	for step := range 60 {
		e2 := edits[r.Intn(len(edits))]
		next := e2.do(slices.Clone(docs))
		changed, removed, err := e.Update(next)
		if err != nil {
			t.Fatal(err)
		}
		docs = next
		want := output.NewMemory()
		if err := search.Export(docs, want); err != nil {
			t.Fatal(err)
		}
		got := e.Files()
		for _, name := range want.Names() {
			data, _ := want.File(name)
			if string(got[name]) != string(data) {
				t.Fatalf("step %d (%s): %s differs from Export's", step, e2.name, name)
			}
		}
		if len(got) != len(want.Names()) {
			t.Fatalf("step %d (%s): %d files, Export writes %d", step, e2.name, len(got), len(want.Names()))
		}
		for _, name := range removed {
			delete(have, name)
		}
		for _, name := range changed {
			have[name] = got[name]
		}
		if !maps.EqualFunc(have, got, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Fatalf("step %d (%s): the changes reported do not lead to the new files", step, e2.name)
		}
	}
}
