package markdown

import (
	"bytes"
	"testing"

	"github.com/yuin/goldmark/ast"
)

func TestCalloutSpellingsRenderAlike(t *testing.T) {
	m := New(Options{})
	for name, spellings := range map[string][]string{
		"default title": {
			"> [!WARNING]\n> Body with **markup** and a [link](x.md).\n>\n> - a list\n",
			"!!! warning\n    Body with **markup** and a [link](x.md).\n\n    - a list\n",
			":::warning\nBody with **markup** and a [link](x.md).\n\n- a list\n:::\n",
		},
		"title": {
			"!!! tip \"Pro tip\"\n    Use the runbook.\n",
			":::tip Pro tip\nUse the runbook.\n:::\n",
			":::tip[Pro tip]\nUse the runbook.\n:::\n",
		},
		"no title": {
			"!!! note \"\"\n    Just the box.\n",
			":::note[]\nJust the box.\n:::\n",
		},
		"synonym": {
			"!!! hint\n    x\n",
			":::hint\nx\n:::\n",
		},
		"code": {
			"> [!CAUTION]\n> ```bash\n> rm -rf /tmp/x\n> ```\n",
			"!!! caution\n    ```bash\n    rm -rf /tmp/x\n    ```\n",
			":::caution\n```bash\nrm -rf /tmp/x\n```\n:::\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			first, err := m.Convert([]byte(spellings[0]))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range spellings[1:] {
				got, err := m.Convert([]byte(s))
				if err != nil {
					t.Fatal(err)
				}
				if got != first {
					t.Errorf("%q renders\n%s\nbut %q renders\n%s", s, got, spellings[0], first)
				}
			}
		})
	}
}

func TestCalloutNodeCarriesTypeTitleAndState(t *testing.T) {
	for src, want := range map[string]Callout{
		"> [!important]\n> x\n":     {CalloutType: "important", Title: "Important"},
		"!!! error \"Boom\"\n    x": {CalloutType: "danger", Title: "Boom"},
		"??? faq\n    x":            {CalloutType: "question", Title: "Faq", Collapsible: true},
		"???+ note \"Open\"\n    x": {CalloutType: "note", Title: "Open", Collapsible: true, Open: true},
		"!!! note \"\"\n    x":      {CalloutType: "note"},
		":::Custom-Thing\nx\n:::":   {CalloutType: "custom-thing", Title: "Custom-thing"},
		":::info[A \\] b]\nx\n:::":  {CalloutType: "info", Title: "A ] b"},
	} {
		doc := New(Options{}).Parse([]byte(src))
		n, ok := doc.FirstChild().(*Callout)
		if !ok {
			t.Errorf("%q: first node is %T, want *Callout", src, doc.FirstChild())
			continue
		}
		got := Callout{CalloutType: n.CalloutType, Title: n.Title, Collapsible: n.Collapsible, Open: n.Open}
		if got.CalloutType != want.CalloutType || got.Title != want.Title || got.Collapsible != want.Collapsible || got.Open != want.Open {
			t.Errorf("%q: got %+v, want %+v", src, got, want)
		}
		if n.Kind() != KindCallout || n.Type() != ast.TypeBlock {
			t.Errorf("%q: kind %v type %v", src, n.Kind(), n.Type())
		}
	}
}

func TestCalloutRendererFallsBackForAnUnsafeType(t *testing.T) {
	// A Callout built by another stage with a type that is not a class
	// name renders as a note.
	doc := ast.NewDocument()
	doc.AppendChild(doc, &Callout{CalloutType: `x" onclick="alert(1)`, Title: "<b>"})
	var b bytes.Buffer
	if err := New(Options{}).Render(&b, nil, doc); err != nil {
		t.Fatal(err)
	}
	want := "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">&lt;b&gt;</p>\n</div>\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestAdmonitionWithACarriageReturnInsideItsLineIsAParagraph(t *testing.T) {
	// Found by FuzzCallouts: a '\r' between modifier words made the
	// admonition line parser loop forever.
	out, err := New(Options{}).Convert([]byte("!!! note a\rb\n    x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "<p>!!! note a\rb\nx</p>\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
