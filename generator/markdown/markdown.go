// Package markdown is the second half of the Parse stage and the body of the
// Render stage: it configures goldmark for playbook pages (GFM, footnotes,
// definition lists, heading ids, callouts in GitHub, MkDocs and Docusaurus
// spellings, chroma highlighting with CSS classes) and reads from a parsed
// page what later stages need: its first heading, headings with their ids,
// links with their lines, and task list items. Its input is a page body; its
// output is a goldmark AST, an Outline, and HTML.
package markdown

import (
	"bytes"
	"io"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Options configure the converter.
type Options struct {
	// UnsafeHTML lets raw HTML in markdown through. Links with a
	// javascript: URL are never rendered as links, even then.
	UnsafeHTML bool
}

// Markdown parses and renders page bodies. It is safe for concurrent use.
type Markdown struct {
	md goldmark.Markdown
}

// New returns a converter with the playbook's extensions.
func New(opt Options) *Markdown {
	var htmlOpts []renderer.Option
	if opt.UnsafeHTML {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	}
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.GFM,
			extension.Footnote,
			extension.DefinitionList,
			highlighting.NewHighlighting(
				highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
				highlighting.WithGuessLanguage(false),
			),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithAttribute(),
		),
		goldmark.WithRendererOptions(htmlOpts...),
	)
	return &Markdown{md: md}
}

// Parse parses a page body.
func (m *Markdown) Parse(src []byte) ast.Node {
	return m.md.Parser().Parse(text.NewReader(src))
}

// Render writes the HTML of a parsed body. src must be the bytes doc was
// parsed from.
func (m *Markdown) Render(w io.Writer, src []byte, doc ast.Node) error {
	return m.md.Renderer().Render(w, src, doc)
}

// Convert parses and renders in one step.
func (m *Markdown) Convert(src []byte) (string, error) {
	var b bytes.Buffer
	err := m.Render(&b, src, m.Parse(src))
	return b.String(), err
}
