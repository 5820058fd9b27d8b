package markdown

import (
	"bytes"
	"html"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	xhtml "golang.org/x/net/html"
)

// safeElements are the raw HTML elements rendered as HTML without
// unsafe_html: the small markup that Docusaurus, MkDocs, Hugo and Middleman
// authors write in markdown (collapsible sections, line breaks in table
// cells, keys, sub- and superscripts, tables, images and figures). Their
// attributes pass through bluemonday, which keeps only those listed in
// allowPolicy.
func safeElements() []string {
	return []string{
		"details", "summary", "br", "kbd", "sub", "sup", "small", "u", "mark", "abbr",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th",
		"img", "figure", "figcaption",
	}
}

// allowPolicy is the bluemonday policy for the safe elements: table cells
// keep colspan, rowspan and align; abbr its title; details open; images a
// src that is a relative or http(s) URL, alt, title, width and height.
func allowPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(safeElements()...)
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("align").Matching(bluemonday.CellAlign).OnElements("td", "th", "tr")
	p.AllowAttrs("span").Matching(bluemonday.Integer).OnElements("col", "colgroup")
	p.AllowAttrs("title").OnElements("abbr", "img")
	p.AllowAttrs("open").Matching(bluemonday.SpaceSeparatedTokens).OnElements("details")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("src").OnElements("img")
	p.AllowURLSchemes("http", "https")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	return p
}

// voidElements are the safe elements without an end tag.
func voidElement(name string) bool { return name == "br" || name == "img" || name == "col" }

// phrasingElement reports whether a safe element may stand inside a
// paragraph: only those are rendered from inline raw HTML.
func phrasingElement(name string) bool {
	switch name {
	case "br", "kbd", "sub", "sup", "small", "u", "mark", "abbr", "img":
		return true
	}
	return false
}

// rawToken is one token of raw HTML.
type rawToken struct {
	node int // index of the raw node in its scope
	tt   xhtml.TokenType
	name string
	raw  []byte
	jsx  string // the component name, for a capitalised (MDX) tag
	ok   bool   // rendered as HTML
}

// rawResult is what a raw HTML node renders: its HTML, whether it holds
// any element rendered as such, and the names of the elements shown as
// text and of the MDX components dropped.
type rawResult struct {
	out     []byte
	allowed bool
	escaped []string
	jsx     []string
}

// rawKey is the attribute under which htmlBalancer leaves a raw node's
// rawResult for the renderer and for RawHTMLNotes.
var rawKey = []byte("playbook-raw-html")

// htmlBalancer is the AST transformer that decides, in safe mode, what each
// piece of raw HTML renders: safe elements (through the bluemonday policy)
// when their start and end tags pair up within the same parent node, so
// that the page stays well-formed; MDX components dropped; everything else
// (comments mixed with other HTML included) as text. A node that is one
// comment and nothing else is dropped by the renderer.
type htmlBalancer struct {
	policy *bluemonday.Policy
}

// Transform implements parser.ASTTransformer.
func (b htmlBalancer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var parents []ast.Node
	scopes := map[ast.Node][]ast.Node{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			p := n.Parent()
			if _, ok := scopes[p]; !ok {
				parents = append(parents, p)
			}
			scopes[p] = append(scopes[p], n)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, p := range parents {
		b.scope(scopes[p], src)
	}
}

// scope renders the raw nodes that share a parent.
func (b htmlBalancer) scope(nodes []ast.Node, src []byte) {
	var toks []rawToken
	for i, n := range nodes {
		_, inline := n.(*ast.RawHTML)
		z := xhtml.NewTokenizer(bytes.NewReader(rawBytes(n, src)))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			t := rawToken{node: i, tt: tt, raw: append([]byte(nil), z.Raw()...)}
			if tt == xhtml.StartTagToken || tt == xhtml.EndTagToken || tt == xhtml.SelfClosingTagToken {
				name, _ := z.TagName()
				t.name = string(name)
				at := 1
				if len(t.raw) > 1 && t.raw[1] == '/' {
					at = 2
				}
				if len(t.raw) > at && isUpper(t.raw[at]) {
					t.jsx = tagWord(t.raw[at:])
				}
				if t.jsx == "" && slices.Contains(safeElements(), t.name) && (!inline || phrasingElement(t.name)) && voidElement(t.name) {
					t.ok = true
				}
			}
			toks = append(toks, t)
		}
	}
	// Pair start and end tags of safe container elements.
	var stack []int
	for i := range toks {
		t := &toks[i]
		if t.jsx != "" || t.ok || !slices.Contains(safeElements(), t.name) {
			continue
		}
		_, inline := nodes[t.node].(*ast.RawHTML)
		if inline && !phrasingElement(t.name) {
			continue
		}
		switch t.tt {
		case xhtml.StartTagToken:
			stack = append(stack, i)
		case xhtml.EndTagToken:
			if len(stack) > 0 && toks[stack[len(stack)-1]].name == t.name {
				t.ok, toks[stack[len(stack)-1]].ok = true, true
				stack = stack[:len(stack)-1]
			}
		}
	}
	results := make([]rawResult, len(nodes))
	for _, t := range toks {
		r := &results[t.node]
		var out bytes.Buffer
		switch {
		case t.jsx != "":
			r.jsx = appendNew(r.jsx, t.jsx)
		case t.ok:
			out.Write(b.policy.SanitizeBytes(t.raw))
			r.allowed = true
		case t.tt == xhtml.TextToken:
			out.WriteString(escapeText(html.UnescapeString(string(t.raw))))
		default:
			if t.name != "" {
				r.escaped = appendNew(r.escaped, t.name)
			}
			out.WriteString(escapeText(string(t.raw)))
		}
		r.out = append(r.out, out.Bytes()...)
	}
	for i, n := range nodes {
		results[i].out = bytes.ReplaceAll(results[i].out, []byte{0}, []byte("\ufffd"))
		n.SetAttribute(rawKey, &results[i])
	}
}

// rawBytes returns the raw HTML of a RawHTML or HTMLBlock node.
func rawBytes(n ast.Node, src []byte) []byte {
	var raw []byte
	switch t := n.(type) {
	case *ast.RawHTML:
		for i := 0; i < t.Segments.Len(); i++ {
			seg := t.Segments.At(i)
			raw = append(raw, seg.Value(src)...)
		}
	case *ast.HTMLBlock:
		for i := 0; i < t.Lines().Len(); i++ {
			seg := t.Lines().At(i)
			raw = append(raw, seg.Value(src)...)
		}
		if t.HasClosure() {
			raw = append(raw, t.ClosureLine.Value(src)...)
		}
		raw = bytes.TrimRight(raw, " \t\r\n")
	}
	return raw
}

// resultOf returns what htmlBalancer decided for a raw node, or nil.
func resultOf(n ast.Node) *rawResult {
	v, ok := n.Attribute(rawKey)
	if !ok {
		return nil
	}
	r, _ := v.(*rawResult)
	return r
}

// escapeText escapes &, <, > and " as writeEscaped does.
func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// RawHTMLNotes returns a note for each element name that raw HTML in a
// parsed body shows as text (once per name, at its first line), and for
// each MDX component in inline HTML that is dropped. It returns nil when
// raw HTML is let through (Options.UnsafeHTML).
func (m *Markdown) RawHTMLNotes(doc ast.Node, src []byte, lines Lines) []Note {
	if m.unsafe {
		return nil
	}
	var notes []Note
	seen := map[string]bool{}
	add := func(line int, key, check, msg string) {
		if !seen[key] {
			seen[key] = true
			notes = append(notes, Note{Line: line, Check: check, Message: msg})
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		r := resultOf(n)
		if r == nil {
			return ast.WalkContinue, nil
		}
		line := 0
		switch t := n.(type) {
		case *ast.RawHTML:
			if t.Segments.Len() > 0 {
				line = lines.At(t.Segments.At(0).Start)
			}
		case *ast.HTMLBlock:
			if t.Lines().Len() > 0 {
				line = lines.At(t.Lines().At(0).Start)
			}
		}
		for _, name := range r.escaped {
			add(line, "html:"+name, CheckRawHTML, "raw HTML <"+name+"> shown as text: set unsafe_html: true in playbook.yaml or replace it")
		}
		for _, name := range r.jsx {
			add(line, "jsx:"+name, CheckMDXComponent, "<"+name+"> is an MDX component: rendered its content only")
		}
		return ast.WalkSkipChildren, nil
	})
	return notes
}

// isBlankHTML reports whether sanitized output has nothing to show.
func isBlankHTML(b []byte) bool { return strings.TrimSpace(string(b)) == "" }

// tagWord returns the tag name at the start of b, as written.
func tagWord(b []byte) string {
	i := 0
	for i < len(b) && (isTypeByte(b[i]) || b[i] == '.') {
		i++
	}
	return string(b[:i])
}

func appendNew(l []string, s string) []string {
	if slices.Contains(l, s) {
		return l
	}
	return append(l, s)
}
