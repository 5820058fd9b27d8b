package markdown

import (
	"testing"

	"github.com/yuin/goldmark/ast"
)

func TestSlugMatchesGitHub(t *testing.T) {
	for in, want := range map[string]string{
		"Check the Load Balancer":   "check-the-load-balancer",
		"Step 1: Restart":           "step-1-restart",
		"Tom & Jerry":               "tom--jerry",
		"snake_case and kebab-case": "snake_case-and-kebab-case",
		"What's new?":               "whats-new",
		"Über uns":                  "über-uns",
		"ÉCOLE":                     "école",
		"日本語":                       "日本語",
		"🚀 Launch":                  "-launch",
		"v1.2.3 (beta)":             "v123-beta",
		"  two  spaces ":            "--two--spaces-",
		"":                          "",
	} {
		if got := string(slug([]byte(in))); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIDSetKeepsIDsUnique(t *testing.T) {
	s := newIDs()
	var got []string
	for _, v := range []string{"Foo", "Foo", "Foo 1", "Foo", "", "!!!"} {
		got = append(got, string(s.Generate([]byte(v), ast.KindHeading)))
	}
	want := []string{"foo", "foo-1", "foo-1-1", "foo-2", "heading", "heading-1"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Generate #%d = %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
	s.Put([]byte("bar"))
	if id := s.Generate([]byte("Bar"), ast.KindHeading); string(id) != "bar-1" {
		t.Errorf("Generate after Put = %q, want bar-1", id)
	}
	if id := s.Generate([]byte(""), ast.KindLink); string(id) != "id" {
		t.Errorf("Generate for a non-heading = %q, want id", id)
	}
}

func TestHeadingIDsAreUniqueAcrossParses(t *testing.T) {
	// Each parse has its own ids: the second page starts from scratch.
	m := New(Options{})
	for range 2 {
		out, err := m.Convert([]byte("# A\n\n# A\n"))
		if err != nil {
			t.Fatal(err)
		}
		if want := "<h1 id=\"a\">A</h1>\n<h1 id=\"a-1\">A</h1>\n"; out != want {
			t.Errorf("got %q, want %q", out, want)
		}
	}
}
