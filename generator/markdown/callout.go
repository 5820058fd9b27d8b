package markdown

import (
	"bytes"
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// KindCallout is the ast.NodeKind of a Callout. It is assigned once, when
// the package is initialised, as goldmark requires of every node kind.
var KindCallout = ast.NewNodeKind("Callout")

// A Callout is a highlighted block with a type and a title: a GitHub callout
// ("> [!NOTE]"), a MkDocs admonition ("!!! note", "??? note") or a
// Docusaurus admonition (":::note"). All three spellings give the same node
// and the same HTML.
type Callout struct {
	ast.BaseBlock

	// CalloutType is the canonical type: note, tip, important, warning,
	// caution, danger, info, success, question, failure, bug, example or
	// quote. Synonyms are folded into these (hint is tip, error is danger,
	// ...); any other name is kept as it was written, lowercased, and
	// rendered as a note-like callout with its own class. (ast.Node has a
	// Type method, hence the name, as in goldmark's HTMLBlockType.)
	CalloutType string

	// Title is the title as plain text; empty means no title. A callout
	// written without one gets the name it was written with, capitalised
	// ("Hint", "Warning").
	Title string

	// TitleSource is the title as written, inline markdown: the renderer
	// renders its code spans, emphasis and links, as MkDocs and
	// Docusaurus do. Empty when the title was not written.
	TitleSource string

	// Collapsible callouts (MkDocs "???") render as <details>; Open says
	// whether they start expanded ("???+").
	Collapsible bool
	Open        bool

	// indent is the content indent of a MkDocs admonition in columns;
	// fence the number of colons of a Docusaurus one.
	indent int
	fence  int
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{
		"CalloutType": n.CalloutType,
		"Title":       n.Title,
		"Collapsible": strconv.FormatBool(n.Collapsible),
		"Open":        strconv.FormatBool(n.Open),
	}, nil)
}

// newCallout returns a callout of the type written as name (any case),
// with the default title when hasTitle is false.
// raw is the title as written, inline markdown.
func newCallout(name []byte, raw []byte, hasTitle bool) *Callout {
	written := lowerASCII(name)
	if !hasTitle {
		return &Callout{CalloutType: canonicalType(written), Title: capitalise(written)}
	}
	return &Callout{CalloutType: canonicalType(written), Title: titleText(raw), TitleSource: string(raw)}
}

// canonicalType folds the type names of GitHub, MkDocs (Material) and
// Docusaurus that share a look into one type.
func canonicalType(name string) string {
	switch name {
	case "note", "seealso":
		return "note"
	case "tip", "hint":
		return "tip"
	case "warning", "attention":
		return "warning"
	case "danger", "error":
		return "danger"
	case "info", "abstract", "summary", "tldr", "todo":
		return "info"
	case "success", "check", "done":
		return "success"
	case "question", "help", "faq":
		return "question"
	case "failure", "fail", "missing":
		return "failure"
	case "quote", "cite":
		return "quote"
	}
	return name
}

// isTypeName reports whether b can name a callout type: an ASCII letter,
// then letters, digits, '-' and '_'. Such a name is safe as a CSS class.
func isTypeName(b []byte) bool {
	if len(b) == 0 || !isASCIILetter(b[0]) {
		return false
	}
	for _, c := range b {
		if !isTypeByte(c) {
			return false
		}
	}
	return true
}

func isTypeByte(c byte) bool {
	return isASCIILetter(c) || ('0' <= c && c <= '9') || c == '-' || c == '_'
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func lowerASCII(b []byte) string {
	s := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		s[i] = c
	}
	return string(s)
}

// capitalise upper-cases the first letter of a lowercase ASCII name.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// titleText turns the raw title of a callout into text: backslash escapes
// and character references are resolved, as in any markdown text.
func titleText(raw []byte) string {
	raw = util.UnescapePunctuations(raw)
	raw = util.ResolveNumericReferences(raw)
	raw = util.ResolveEntityNames(raw)
	return string(raw)
}

// callouts is the goldmark extension for all three callout spellings.
type callouts struct{}

// Extend implements goldmark.Extender.
func (callouts) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithBlockParsers(
			util.Prioritized(admonitionParser{}, 90),
			util.Prioritized(directiveParser{}, 90),
		),
		parser.WithASTTransformers(
			util.Prioritized(githubCalloutTransformer{}, 100),
		),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(calloutRenderer{titles: newTitleMarkdown()}, 500),
	))
}

// newTitleMarkdown returns the converter of callout titles: inline
// markdown only (code spans, emphasis, strikethrough, links, autolinks),
// inside one paragraph, under the same URL policy as bodies. Raw HTML is
// escaped, as titles always were, and block syntax ("# x", "1. x") stays
// text.
func newTitleMarkdown() goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 100)),
		// goldmark's inline parsers but raw HTML, which stays text.
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(parser.NewLinkParser(), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewEmphasisParser(), 500),
		),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Strikethrough, urlPolicy{policy: allowPolicy()}),
	)
}

// maxTitle is the longest callout title, in bytes, rendered as markdown;
// a longer one is written as escaped text.
const maxTitle = 1024

// calloutRenderer renders a Callout as
//
//	<div class="callout callout-TYPE" role="note">
//	<p class="callout-title">Title</p>
//	...
//	</div>
//
// or, when collapsible, as <details class="callout callout-TYPE"> with the
// title in a <summary class="callout-title">.
type calloutRenderer struct {
	titles goldmark.Markdown // see newTitleMarkdown
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.render)
}

// writeTitle writes a callout's title: its source as inline markdown when
// it was written, else its plain text, escaped.
func (r calloutRenderer) writeTitle(w util.BufWriter, n *Callout, title string) {
	if n.TitleSource != "" && len(n.TitleSource) <= maxTitle {
		var b bytes.Buffer
		if err := r.titles.Convert([]byte(n.TitleSource), &b); err == nil {
			h := bytes.TrimSpace(b.Bytes())
			h = bytes.TrimPrefix(h, []byte("<p>"))
			h = bytes.TrimSuffix(h, []byte("</p>"))
			if len(h) > 0 {
				_, _ = w.Write(h)
				return
			}
		}
	}
	writeEscaped(w, []byte(title))
}

func (r calloutRenderer) render(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Callout)
	typ := n.CalloutType
	if typ == "" || !isTypeName([]byte(typ)) {
		typ = "note"
	}
	if !entering {
		if n.Collapsible {
			_, _ = w.WriteString("</details>\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	}
	if n.Collapsible {
		_, _ = w.WriteString(`<details class="callout callout-`)
		_, _ = w.WriteString(typ)
		if n.Open {
			_, _ = w.WriteString(`" open>`)
		} else {
			_, _ = w.WriteString(`">`)
		}
		title := n.Title
		if title == "" {
			title = capitalise(typ)
		}
		_, _ = w.WriteString("\n<summary class=\"callout-title\">")
		r.writeTitle(w, n, title)
		_, _ = w.WriteString("</summary>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<div class="callout callout-`)
	_, _ = w.WriteString(typ)
	_, _ = w.WriteString("\" role=\"note\">\n")
	if n.Title != "" {
		_, _ = w.WriteString(`<p class="callout-title">`)
		r.writeTitle(w, n, n.Title)
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkContinue, nil
}
