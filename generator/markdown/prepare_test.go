package markdown

import (
	"strings"
	"testing"
)

func TestPrepareRewritesOtherToolsSyntax(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // in the HTML
		lacks     []string // not in the HTML
		notes     []string // check ids, in order
	}{
		{
			name: "multi-line import and export",
			src:  "import {\n  A,\n  B,\n} from '@site/x';\nexport const meta = {\n  a: 1,\n};\n\nText.\n",
			want: []string{"<p>Text.</p>"}, lacks: []string{"import", "export", "meta"},
		},
		{
			name: "prose that starts with import stays",
			src:  "import the data from the old system.\n",
			want: []string{"<p>import the data from the old system.</p>"},
		},
		{
			name: "component over several lines is unwrapped",
			src:  "<Card\n  title=\"x\"\n>\n\nInside.\n\n</Card>\n",
			want: []string{"<p>Inside.</p>"}, lacks: []string{"Card", "title"}, notes: []string{CheckMDXComponent},
		},
		{
			name: "admonition component is a callout",
			src:  "<Admonition type=\"warning\" title=\"Hot\">\n\nSteam.\n\n</Admonition>\n",
			want: []string{`<div class="callout callout-warning" role="note">`, `<p class="callout-title">Hot</p>`, "<p>Steam.</p>"},
		},
		{
			name: "mkdocs tabs are labelled sections",
			src:  "=== \"Linux\"\n\n    apt install kettle\n\n    More.\n\n=== \"Mac\"\n\n    Brew it.\n\nAfter.\n",
			want: []string{`<p class="callout-title">Linux</p>`, "<p>apt install kettle</p>", `<p class="callout-title">Mac</p>`, "<p>Brew it.</p>\n</div>\n<p>After.</p>"},
		},
		{
			name: "code is left alone",
			src:  "```mdx\nimport X from 'y';\n<Banner>\n{{< ref \"a.md\" >}}\n```\n\nUse `{{< hint >}}` and `<Tabs>`.\n",
			want: []string{"import X from", "&lt;Banner&gt;", "{{&lt; ref", "<code>{{&lt; hint &gt;}}</code>", "<code>&lt;Tabs&gt;</code>"},
		},
		{
			name: "hugo notice with a title",
			src:  "{{% notice tip \"Good to know\" %}}\nBoil once.\n{{% /notice %}}\n",
			want: []string{`<div class="callout callout-tip" role="note">`, `<p class="callout-title">Good to know</p>`},
		},
		{
			name: "hugo comment and unknown shortcode",
			src:  "A {{/* hidden */}} B {{< youtube abc >}} C\n",
			want: []string{"<p>A  B  C</p>"}, notes: []string{CheckShortcode},
		},
	}
	m := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, notes := Prepare([]byte(tt.src), false)
			if got, want := strings.Count(string(out), "\n"), strings.Count(tt.src, "\n"); got != want {
				t.Errorf("%d lines, want %d:\n%s", got, want, out)
			}
			html, err := m.Convert(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("no %q in\n%s", w, html)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(html, l) {
					t.Errorf("%q in\n%s", l, html)
				}
			}
			var checks []string
			for _, n := range notes {
				checks = append(checks, n.Check)
			}
			if strings.Join(checks, ",") != strings.Join(tt.notes, ",") {
				t.Errorf("notes %v, want %v", notes, tt.notes)
			}
		})
	}
}

// FuzzPrepare checks that Prepare keeps every line where it was and that
// what it writes still converts to well-formed safe HTML.
func FuzzPrepare(f *testing.F) {
	addGoldenSeeds(f, func(src string) { f.Add(src, false) })
	f.Add("<Tabs>\n<TabItem label=\"a\">\n\nx\n\n</TabItem>\n</Tabs>\n=== \"t\"\n    y\n{{< hint >}}\nz\n{{< /hint >}}\n", true)
	f.Add("<% a\nb %> c <%= d %>\nimport {\nx } from 'y'\nexport default {\n", true)
	m := New(Options{})
	f.Fuzz(func(t *testing.T, src string, erb bool) {
		if len(src) > maxFuzzInput {
			t.Skip()
		}
		out, _ := Prepare([]byte(src), erb)
		if got, want := strings.Count(string(out), "\n"), strings.Count(src, "\n"); got != want {
			t.Fatalf("%q: %d lines, want %d:\n%q", src, got, want, out)
		}
		html, err := m.Convert(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkSafeHTML(html); err != nil {
			t.Fatalf("%q:\n%s\n%v", src, html, err)
		}
	})
}
