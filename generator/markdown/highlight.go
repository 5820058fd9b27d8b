package markdown

import (
	"bytes"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// The chroma styles of code blocks.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// HighlightCSS returns the stylesheet for highlighted code: the light style
// by default, and the dark style when the reader's system prefers dark and
// the page has not chosen light (:root:not([data-theme=light])), or when the
// page has chosen dark ([data-theme=dark]). A dark rule also resets what the
// light rule for the same class sets and the dark style does not (bold,
// italic, underline, colours), so the two never mix. The dark rules are
// for screens only: printed code is always light. The output is the same
// on every call.
func HighlightCSS() []byte {
	light := styleRules(styles.Get(lightStyle))
	dark := styleRules(styles.Get(darkStyle))

	var b bytes.Buffer
	b.WriteString("/* Code highlighting: chroma " + lightStyle + ", and " + darkStyle + " in dark mode. */\n")
	for _, r := range light {
		b.WriteString(r.selector)
		b.WriteString(" { ")
		b.WriteString(r.declarations())
		b.WriteString(" }\n")
	}
	overrides := darkOverrides(light, dark)
	b.WriteString("@media screen and (prefers-color-scheme: dark) {\n")
	for _, r := range overrides {
		b.WriteString("  :root:not([data-theme=light]) ")
		b.WriteString(r.selector)
		b.WriteString(" { ")
		b.WriteString(r.declarations())
		b.WriteString(" }\n")
	}
	b.WriteString("}\n@media screen {\n")
	for _, r := range overrides {
		b.WriteString("  [data-theme=dark] ")
		b.WriteString(r.selector)
		b.WriteString(" { ")
		b.WriteString(r.declarations())
		b.WriteString(" }\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

type cssRule struct {
	selector string
	decls    []cssDecl
}

type cssDecl struct {
	property, value string
}

func (r cssRule) declarations() string {
	parts := make([]string, len(r.decls))
	for i, d := range r.decls {
		parts[i] = d.property + ": " + d.value
	}
	return strings.Join(parts, "; ")
}

func (r cssRule) get(property string) (string, bool) {
	for _, d := range r.decls {
		if d.property == property {
			return d.value, true
		}
	}
	return "", false
}

// styleRules returns chroma's CSS for a style, one rule per class, in
// chroma's order.
func styleRules(style *chroma.Style) []cssRule {
	var b bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false))
	_ = f.WriteCSS(&b, style)
	var rules []cssRule
	for line := range strings.Lines(b.String()) {
		sel, body, ok := strings.Cut(strings.TrimSpace(line), " { ")
		if !ok {
			continue
		}
		r := cssRule{selector: sel}
		for d := range strings.SplitSeq(strings.TrimSuffix(body, "}"), ";") {
			p, v, ok := strings.Cut(d, ":")
			if !ok {
				continue
			}
			r.decls = append(r.decls, cssDecl{strings.TrimSpace(p), strings.TrimSpace(v)})
		}
		rules = append(rules, r)
	}
	return rules
}

// resetValues are what a dark rule sets for a property that the light rule
// of its class sets and the dark style leaves alone.
func resetValue(property string) (string, bool) {
	switch property {
	case "color", "font-weight", "font-style":
		return "inherit", true
	case "background-color":
		return "transparent", true
	case "text-decoration":
		return "none", true
	}
	return "", false
}

// darkOverrides returns the rules that turn the light style into the dark
// one: the dark rules that differ from the light ones, completed with
// resets, and resets for classes only the light style styles.
func darkOverrides(light, dark []cssRule) []cssRule {
	lightBy := map[string]cssRule{}
	for _, r := range light {
		lightBy[r.selector] = r
	}
	darkBy := map[string]bool{}
	var out []cssRule
	add := func(d cssRule) {
		l := lightBy[d.selector]
		for _, ld := range l.decls {
			if _, ok := d.get(ld.property); ok {
				continue
			}
			if v, ok := resetValue(ld.property); ok {
				d.decls = append(d.decls, cssDecl{ld.property, v})
			}
		}
		if len(d.decls) > 0 && d.declarations() != l.declarations() {
			out = append(out, d)
		}
	}
	for _, d := range dark {
		darkBy[d.selector] = true
		add(cssRule{selector: d.selector, decls: append([]cssDecl(nil), d.decls...)})
	}
	for _, l := range light {
		if !darkBy[l.selector] {
			add(cssRule{selector: l.selector})
		}
	}
	return out
}
