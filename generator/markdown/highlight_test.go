package markdown

import (
	"bytes"
	"strings"
	"testing"
)

func TestHighlightCSSIsDeterministic(t *testing.T) {
	if !bytes.Equal(HighlightCSS(), HighlightCSS()) {
		t.Error("two calls differ")
	}
}

// cssBlocks splits HighlightCSS into its light rules, the rules inside the
// prefers-color-scheme media query, and the data-theme=dark rules, each as
// selector → declarations.
func cssBlocks(t *testing.T) (light, media, dark map[string]string) {
	t.Helper()
	light, media, dark = map[string]string{}, map[string]string{}, map[string]string{}
	inMedia := false
	for line := range strings.Lines(string(HighlightCSS())) {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "/*"):
		case line == "@media screen and (prefers-color-scheme: dark) {":
			inMedia = true
		case line == "@media screen {":
		case line == "}":
			inMedia = false
		default:
			sel, decls, ok := strings.Cut(line, " { ")
			if !ok || !strings.HasSuffix(decls, " }") {
				t.Fatalf("not a rule: %q", line)
			}
			decls = strings.TrimSuffix(decls, " }")
			switch {
			case inMedia:
				s, ok := strings.CutPrefix(sel, ":root:not([data-theme=light]) ")
				if !ok {
					t.Errorf("media rule not scoped to :root:not([data-theme=light]): %q", line)
				}
				media[s] = decls
			case strings.HasPrefix(sel, "[data-theme=dark] "):
				dark[strings.TrimPrefix(sel, "[data-theme=dark] ")] = decls
			case strings.HasPrefix(sel, "."):
				light[sel] = decls
			default:
				t.Errorf("rule outside both scopes: %q", line)
			}
		}
	}
	return light, media, dark
}

func TestHighlightCSSPrintsCodeLight(t *testing.T) {
	css := string(HighlightCSS())
	// Every dark rule is inside a media query for screens.
	depth, screen := 0, false
	for line := range strings.Lines(css) {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "@media"):
			depth++
			screen = strings.HasPrefix(l, "@media screen")
		case l == "}":
			depth--
		case strings.Contains(l, "data-theme=dark") || strings.Contains(l, ":not([data-theme=light])"):
			if depth != 1 || !screen {
				t.Fatalf("dark rule outside @media screen: %q", l)
			}
		}
	}
}

func TestHighlightCSSScopesTheDarkStyle(t *testing.T) {
	light, media, dark := cssBlocks(t)
	if len(light) == 0 || len(dark) == 0 {
		t.Fatalf("%d light and %d dark rules", len(light), len(dark))
	}
	for _, sel := range []string{".chroma", ".chroma .k", ".chroma .s", ".chroma .c"} {
		if light[sel] == "" || dark[sel] == "" {
			t.Errorf("%s: light %q, dark %q; want both", sel, light[sel], dark[sel])
		}
	}
	if len(media) != len(dark) {
		t.Errorf("%d media rules but %d data-theme rules", len(media), len(dark))
	}
	for sel, d := range dark {
		if media[sel] != d {
			t.Errorf("%s: media %q, data-theme %q", sel, media[sel], d)
		}
	}
}

func TestHighlightCSSDarkRulesOverrideEveryStyleOfTheLightOnes(t *testing.T) {
	light, _, dark := cssBlocks(t)
	for sel, d := range dark {
		for _, prop := range []string{"color", "background-color", "font-weight", "font-style", "text-decoration"} {
			if strings.Contains(light[sel], prop+":") && !strings.Contains(d, prop+":") {
				t.Errorf("%s: light sets %s, dark leaves it: light %q, dark %q", sel, prop, light[sel], d)
			}
		}
	}
}

func TestHighlightedCodeUsesClassesNotStyles(t *testing.T) {
	out, err := New(Options{}).Convert([]byte("```go\npackage main\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `<pre class="chroma" data-lang="go">`) || !strings.Contains(out, `<span class="kn">package</span>`) {
		t.Errorf("no chroma classes in %q", out)
	}
	if strings.Contains(out, "style=") {
		t.Errorf("inline style in %q", out)
	}
}

func TestAHugeCodeBlockIsWrittenPlain(t *testing.T) {
	md := New(Options{})
	small, _ := md.Convert([]byte("```go\nfunc main() {}\n```\n"))
	if !strings.Contains(small, `class="chroma"`) {
		t.Fatalf("a small go block is not highlighted:\n%s", small)
	}
	huge, _ := md.Convert([]byte("```go\n" + strings.Repeat("func main() {}\n", 5000) + "```\n"))
	if strings.Contains(huge, `class="chroma"`) || !strings.Contains(huge, `<pre><code class="language-go">func main() {}`) {
		t.Fatalf("a 75 KB go block is highlighted, or not written as plain code:\n%.300s", huge)
	}
}
