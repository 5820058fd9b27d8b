package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// admonitionParser parses MkDocs admonitions:
//
//	!!! type "Title"
//	    content, indented four spaces or a tab
//
// "???" makes the callout collapsible and closed, "???+" collapsible and
// open. An empty title ("") means no title. Words between the type and the
// title are MkDocs modifiers ("inline end") and are ignored. A line that
// does not follow this grammar, such as "!!!" without a type, is left to
// the other parsers and usually becomes a paragraph.
type admonitionParser struct{}

// Trigger implements parser.BlockParser.
func (admonitionParser) Trigger() []byte { return []byte{'!', '?'} }

// Open implements parser.BlockParser.
func (admonitionParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) {
		return nil, parser.NoChildren
	}
	n := parseAdmonition(line[pos:])
	if n == nil {
		return nil, parser.NoChildren
	}
	n.indent = pc.BlockIndent() + 4
	reader.AdvanceToEOL()
	return n, parser.HasChildren
}

// Continue implements parser.BlockParser: the admonition goes on over
// blank lines and lines indented by at least its content indent.
func (admonitionParser) Continue(node ast.Node, reader text.Reader, _ parser.Context) parser.State {
	n := node.(*Callout)
	line, _ := reader.PeekLine()
	if util.IsBlank(line) {
		reader.AdvanceToEOL()
		return parser.Continue | parser.HasChildren
	}
	indent, _ := util.IndentWidth(line, reader.LineOffset())
	if indent < n.indent {
		return parser.Close
	}
	pos, padding := util.IndentPosition(line, reader.LineOffset(), n.indent)
	reader.AdvanceAndSetPadding(pos, padding)
	return parser.Continue | parser.HasChildren
}

// Close implements parser.BlockParser.
func (admonitionParser) Close(ast.Node, text.Reader, parser.Context) {}

// CanInterruptParagraph implements parser.BlockParser.
func (admonitionParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine implements parser.BlockParser.
func (admonitionParser) CanAcceptIndentedLine() bool { return false }

// parseAdmonition parses the first line of a MkDocs admonition, from its
// marker on. It returns nil when the line is not one.
func parseAdmonition(b []byte) *Callout {
	if len(b) < 3 || (b[0] != '!' && b[0] != '?') || b[1] != b[0] || b[2] != b[0] {
		return nil
	}
	collapsible, open := b[0] == '?', false
	i := 3
	if collapsible && i < len(b) && b[i] == '+' {
		open = true
		i++
	}
	i = skipBlanks(b, i)
	j := i
	for j < len(b) && isTypeByte(b[j]) {
		j++
	}
	name := b[i:j]
	if len(name) == 0 {
		// pymdownx.details allows '??? "Title"' without a type.
		if !collapsible || j >= len(b) || b[j] != '"' {
			return nil
		}
		name = []byte("note")
	} else if !isTypeName(name) || (j < len(b) && !isBlankByte(b[j])) {
		return nil
	}

	var title []byte
	hasTitle := false
	rest := bytes.TrimRight(b[j:], " \t\r\n")
	for k := skipBlanks(rest, 0); k < len(rest); k = skipBlanks(rest, k) {
		if rest[k] == '"' {
			end := bytes.LastIndexByte(rest, '"')
			if end == k {
				return nil
			}
			title, hasTitle = rest[k+1:end], true
			break
		}
		// A modifier word, up to the next space or tab.
		for k < len(rest) && rest[k] != ' ' && rest[k] != '\t' {
			if c := rest[k]; c < 0x80 && !isTypeByte(c) {
				return nil
			}
			k++
		}
	}
	n := newCallout(name, title, hasTitle)
	n.Collapsible, n.Open = collapsible, open
	if collapsible && n.Title == "" {
		// A <summary> cannot be empty.
		n.Title = capitalise(lowerASCII(name))
	}
	return n
}

// directiveParser parses Docusaurus admonitions:
//
//	:::type Title          or    :::type[Title]
//	content
//	:::
//
// The content is markdown at the indentation of the fences. A closing fence
// has at least as many colons as the opening one, so a callout nests in
// another by giving the outer one more colons (::::). A closing fence that
// an inner callout or a fenced code block can take goes to it first. An
// unterminated callout runs to the end of its container, like an
// unterminated code fence.
type directiveParser struct{}

// Trigger implements parser.BlockParser.
func (directiveParser) Trigger() []byte { return []byte{':'} }

// Open implements parser.BlockParser.
func (directiveParser) Open(_ ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) {
		return nil, parser.NoChildren
	}
	n := parseDirective(line[pos:])
	if n == nil {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return n, parser.HasChildren
}

// Continue implements parser.BlockParser.
func (directiveParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*Callout)
	line, _ := reader.PeekLine()
	w, pos := util.IndentWidth(line, reader.LineOffset())
	if w < 4 && pos < len(line) && line[pos] == ':' {
		if c := closingFence(line[pos:]); c >= n.fence && !innerTakesFence(node, c, pc) {
			reader.AdvanceToEOL()
			return parser.Close
		}
	}
	return parser.Continue | parser.HasChildren
}

// Close implements parser.BlockParser.
func (directiveParser) Close(ast.Node, text.Reader, parser.Context) {}

// CanInterruptParagraph implements parser.BlockParser.
func (directiveParser) CanInterruptParagraph() bool { return true }

// CanAcceptIndentedLine implements parser.BlockParser.
func (directiveParser) CanAcceptIndentedLine() bool { return false }

// parseDirective parses the opening fence of a Docusaurus admonition. It
// returns nil when the line is not one.
func parseDirective(b []byte) *Callout {
	fence := 0
	for fence < len(b) && b[fence] == ':' {
		fence++
	}
	if fence < 3 {
		return nil
	}
	i := skipBlanks(b, fence)
	j := i
	for j < len(b) && isTypeByte(b[j]) {
		j++
	}
	name := b[i:j]
	if !isTypeName(name) {
		return nil
	}
	rest := b[j:]
	var title []byte
	hasTitle := false
	if len(rest) > 0 && rest[0] == '[' {
		end := closingBracket(rest)
		if end < 0 {
			return nil
		}
		title, hasTitle = rest[1:end], true
		rest = rest[end+1:]
	}
	if len(rest) > 0 && rest[0] == '{' {
		// remark-directive attributes: accepted and ignored.
		end := bytes.IndexByte(rest, '}')
		if end < 0 {
			return nil
		}
		rest = rest[end+1:]
	}
	if len(rest) > 0 && !isBlankByte(rest[0]) {
		return nil
	}
	rest = bytes.TrimSpace(rest)
	if len(rest) > 0 {
		if hasTitle {
			return nil
		}
		title, hasTitle = rest, true
	}
	n := newCallout(name, title, hasTitle)
	n.fence = fence
	// ":::details Title" is collapsible, like Docusaurus' <details> and
	// Hugo's details shortcode that Prepare turns into it.
	n.Collapsible = n.CalloutType == "details"
	return n
}

// closingFence returns the number of colons of a closing fence ("::: "),
// or 0 when the line is not one.
func closingFence(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ':' {
		n++
	}
	if n < 3 || !util.IsBlank(b[n:]) {
		return 0
	}
	return n
}

// innerTakesFence reports whether a closing fence of c colons belongs to a
// block opened inside node: a fenced code block, raw HTML that runs to an
// end marker, or a nested callout that it closes.
func innerTakesFence(node ast.Node, c int, pc parser.Context) bool {
	blocks := pc.OpenedBlocks()
	i := len(blocks) - 1
	for i >= 0 && blocks[i].Node != node {
		i--
	}
	for _, b := range blocks[i+1:] {
		switch m := b.Node.(type) {
		case *ast.FencedCodeBlock:
			return true
		case *ast.HTMLBlock:
			if m.HTMLBlockType != ast.HTMLBlockType6 && m.HTMLBlockType != ast.HTMLBlockType7 {
				return true
			}
		case *Callout:
			if m.fence > 0 && c >= m.fence {
				return true
			}
		}
	}
	return false
}

// closingBracket returns the index of the ']' that closes the '[' at b[0],
// honouring backslash escapes and nested brackets, or -1.
func closingBracket(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		case '\n':
			return -1
		}
	}
	return -1
}

// githubCalloutTransformer turns GitHub callouts (GitHub calls them
// "alerts"; here an alert is always a Prometheus alert), blockquotes whose first line is
// [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION] (in any case),
// into callouts.
type githubCalloutTransformer struct{}

// Transform implements parser.ASTTransformer.
func (githubCalloutTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var quotes []*ast.Blockquote
	walkBlocks(doc, func(n ast.Node) {
		if q, ok := n.(*ast.Blockquote); ok {
			quotes = append(quotes, q)
		}
	})
	src := reader.Source()
	for _, q := range quotes {
		convertGitHubCallout(q, src)
	}
}

func convertGitHubCallout(q *ast.Blockquote, src []byte) {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return
	}
	first := p.Lines().At(0)
	typ := githubCalloutType(first.Value(src))
	if typ == "" {
		return
	}
	// The marker is plain text unless a reference definition made a link
	// of it; then it stays a blockquote.
	if _, ok := p.FirstChild().(*ast.Text); !ok {
		return
	}
	for c := p.FirstChild(); c != nil; {
		t, ok := c.(*ast.Text)
		if !ok || t.Segment.Start >= first.Stop {
			break
		}
		next := c.NextSibling()
		p.RemoveChild(p, c)
		c = next
	}
	if p.Lines().Len() == 1 || !p.HasChildren() {
		q.RemoveChild(q, p)
	} else {
		p.Lines().SetSliced(1, p.Lines().Len())
	}
	n := newCallout([]byte(typ), nil, false)
	n.SetPos(q.Pos())
	n.SetBlankPreviousLines(q.HasBlankPreviousLines())
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		n.AppendChild(n, c)
		c = next
	}
	q.Parent().ReplaceChild(q.Parent(), q, n)
}

// alertType returns the type of a GitHub alert marker line, or "".
func githubCalloutType(line []byte) string {
	t := bytes.TrimSpace(line)
	if len(t) < 4 || t[0] != '[' || t[1] != '!' || t[len(t)-1] != ']' {
		return ""
	}
	name := t[2 : len(t)-1]
	for _, typ := range [...]string{"note", "tip", "important", "warning", "caution"} {
		if bytes.EqualFold(name, []byte(typ)) {
			return typ
		}
	}
	return ""
}

// walkBlocks calls fn on every block below n, parents before children,
// without descending into inline content.
func walkBlocks(n ast.Node, fn func(ast.Node)) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Type() != ast.TypeBlock {
			return
		}
		fn(c)
		walkBlocks(c, fn)
	}
}

func skipBlanks(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

func isBlankByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
