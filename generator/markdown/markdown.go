// Package markdown is the second half of the Parse stage and the body of the
// Render stage: it configures goldmark for playbook pages (GFM, footnotes,
// definition lists, heading ids compatible with GitHub's, callouts in
// GitHub, MkDocs and Docusaurus spellings, attribute lists after links,
// chroma highlighting with CSS classes, and a URL policy under which
// javascript: links never pass) and reads from a parsed page what later
// stages need: its first heading, headings with their ids, links with their
// lines, and task list items. Its input is a page body; its output is a
// goldmark AST, an Outline, and HTML.
//
// Raw HTML is shown to the reader as escaped text unless Options.UnsafeHTML
// is set, except a safe list of elements (see safeElements) that other
// documentation tools' authors use, which pass through bluemonday; HTML
// comments are dropped. Prepare rewrites the syntax of other tools (MDX,
// Hugo shortcodes, MkDocs tabs, ERB) before parsing. Under UnsafeHTML the raw HTML is the
// author's own, with one exception: an attribute whose value is a
// javascript:, vbscript: or (non-image) data: URL is neutralised to "#".
package markdown

import (
	"bufio"
	"bytes"
	"io"

	"github.com/microcosm-cc/bluemonday"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure the converter.
type Options struct {
	// UnsafeHTML lets raw HTML in markdown through. Links with a
	// javascript: URL are never rendered as links, even then, and such
	// URLs in raw HTML attributes are replaced by "#".
	UnsafeHTML bool
	// Cache keeps highlighted code blocks between builds (see package
	// buildcache); nil keeps none. The HTML is the same either way.
	Cache buildcache.Store
}

// Markdown parses and renders page bodies. It is safe for concurrent use.
type Markdown struct {
	md     goldmark.Markdown
	unsafe bool
	policy *bluemonday.Policy
}

// New returns a converter with the playbook's extensions.
func New(opt Options) *Markdown {
	policy := allowPolicy()
	md := goldmark.New(
		goldmark.WithExtensions(
			// GFM, with table cell alignment as align attributes rather
			// than style attributes, which a content security policy
			// without 'unsafe-inline' styles would block.
			extension.Linkify,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
			extension.Footnote,
			extension.DefinitionList,
			codeBlocks{cache: opt.Cache},
			callouts{},
			linkAttributes{},
			headingIDs{},
			// Links, images and raw HTML: urlPolicy replaces goldmark's
			// renderers for them, its own Unsafe option included.
			urlPolicy{unsafe: opt.UnsafeHTML, policy: policy},
		),
		// Heading ids come from the headingIDs extension, which reads the
		// heading's text after inline parsing; the parser only has to read
		// {#id .class} attribute blocks after headings.
		goldmark.WithParserOptions(parser.WithAttribute()),
	)
	return &Markdown{md: md, unsafe: opt.UnsafeHTML, policy: policy}
}

// UnsafeHTML tells whether raw HTML passes through (Options.UnsafeHTML).
func (m *Markdown) UnsafeHTML() bool { return m.unsafe }

// Parse parses a page body. The tree it returns is not written to by
// rendering (see RenderLinks).
func (m *Markdown) Parse(src []byte) ast.Node {
	pc := parser.NewContext(parser.WithIDs(newIDs()))
	doc := m.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	// goldmark's FencedCodeBlock.Language keeps the language it reads
	// from the info string on the node the first time it is asked: asked
	// here, so that renders on several goroutines (a runbook's page and
	// its alert's) only read it.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if c, ok := n.(*ast.FencedCodeBlock); ok && entering {
			c.Language(src)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return doc
}

// Render writes the HTML of a parsed body. src must be the bytes doc was
// parsed from.
func (m *Markdown) Render(w io.Writer, src []byte, doc ast.Node) error {
	return m.md.Renderer().Render(w, src, doc)
}

// Destinations gives the destination a link or image node is rendered
// with, in place of the one written in the markdown; ok is false to keep
// the written one. Resolve works these out; the document is not changed.
type Destinations func(n ast.Node) (dest []byte, ok bool)

// RenderLinks is Render with the destinations of links and images taken
// from dests. doc is only read, so one parsed document can be rendered by
// several goroutines at once.
func (m *Markdown) RenderLinks(w io.Writer, src []byte, doc ast.Node, dests Destinations) error {
	bw := &destWriter{Writer: bufio.NewWriter(w), dests: dests}
	return m.md.Renderer().Render(bw, src, doc)
}

// destWriter carries a render's link destinations to the link and image
// renderers: goldmark hands every node renderer the writer it was given.
type destWriter struct {
	*bufio.Writer
	dests Destinations
}

// destination returns the destination n is rendered with.
func destination(w util.BufWriter, n ast.Node, written []byte) []byte {
	if dw, ok := w.(*destWriter); ok && dw.dests != nil {
		if d, ok := dw.dests(n); ok {
			return d
		}
	}
	return written
}

// Convert parses and renders in one step.
func (m *Markdown) Convert(src []byte) (string, error) {
	var b bytes.Buffer
	err := m.Render(&b, src, m.Parse(src))
	return b.String(), err
}
