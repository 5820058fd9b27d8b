package markdown

import (
	"bytes"
	"sort"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// Outline is what later stages read from a parsed body.
type Outline struct {
	// H1 is the first level-one heading when it comes before any other
	// content, the page's title by default; nil when there is none.
	H1     *ast.Heading
	H1Text string
	// Heading is what the page shows as its h1 when that is not its
	// title: the text of a body H1 that opens a page whose front matter
	// also has a title, as Docusaurus, MkDocs and hugo-book show it (the
	// title stays for navigation, search and <title>). Parse sets it.
	Heading  string
	Headings []Heading
	Links    []Link
	Tasks    []Task
}

// Heading is a heading with its anchor id.
type Heading struct {
	Level int
	ID    string
	Text  string
	Line  int
}

// Link is a link or image in the body. Node is the *ast.Link, *ast.Image or
// *ast.AutoLink it came from, so that a later stage can rewrite its
// destination.
type Link struct {
	Dest  string
	Line  int
	Image bool
	Node  ast.Node
}

// Task is a task list item ("- [ ] step").
type Task struct {
	Text    string
	Checked bool
	Line    int
}

// Lines maps byte offsets of a body to 1-based file lines.
type Lines struct {
	starts []int // offset of the start of each line
	first  int   // file line of the body's first line
}

// NewLines indexes src, whose first line is file line first.
func NewLines(src []byte, first int) Lines {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return Lines{starts: starts, first: first}
}

// At returns the file line of a byte offset.
func (l Lines) At(off int) int {
	i := sort.SearchInts(l.starts, off+1) - 1
	return l.first + max(i, 0)
}

// ReadOutline walks a parsed body once and collects its outline.
func ReadOutline(doc ast.Node, src []byte, lines Lines) Outline {
	var o Outline
	seenContent := false
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			h := Heading{Level: n.Level, Text: plainText(n, src), Line: blockLine(n, lines)}
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					h.ID = string(b)
				}
			}
			if n.Level == 1 && o.H1 == nil && !seenContent && n.Parent() == doc {
				o.H1, o.H1Text = n, h.Text
			}
			o.Headings = append(o.Headings, h)
			seenContent = true
		case *ast.Link:
			o.Links = append(o.Links, Link{Dest: string(n.Destination), Line: inlineLine(n, lines), Node: n})
		case *ast.Image:
			o.Links = append(o.Links, Link{Dest: string(n.Destination), Line: inlineLine(n, lines), Image: true, Node: n})
		case *ast.AutoLink:
			dest := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
				// GFM and CommonMark make e-mail addresses mailto: links.
				dest = "mailto:" + dest
			}
			o.Links = append(o.Links, Link{Dest: dest, Line: inlineLine(n, lines), Node: n})
		case *east.TaskCheckBox:
			// The text of the item's own paragraph, not of its sub-items.
			o.Tasks = append(o.Tasks, Task{
				Text:    plainText(n.Parent(), src),
				Checked: n.IsChecked,
				Line:    inlineLine(n.Parent(), lines),
			})
		case *ast.HTMLBlock:
			// An HTML comment before the first heading (a linter
			// directive, a note to editors) is not content.
			if !isComment(n.Text(src)) {
				seenContent = true
			}
		default:
			if n.Type() == ast.TypeBlock && n != doc && n.Kind() != ast.KindHeading {
				seenContent = true
			}
		}
		return ast.WalkContinue, nil
	})
	return o
}

// plainText returns the text of a node's inline content.
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(src)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if s, ok := t.(*ast.Text); ok {
					b.Write(s.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(c.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return string(bytes.TrimSpace(b.Bytes()))
}

// blockLine returns the first line of a block node: that of its first
// line of text, else of its position, else of its first child. It only
// looks down the tree, so that inlineLine, which looks up, cannot loop.
func blockLine(n ast.Node, lines Lines) int {
	for ; n != nil; n = n.FirstChild() {
		if n.Type() != ast.TypeBlock {
			return textLine(n, lines)
		}
		if l := n.Lines(); l != nil && l.Len() > 0 {
			return lines.At(l.At(0).Start)
		}
		if n.Pos() >= 0 {
			return lines.At(n.Pos())
		}
	}
	return 0
}

// inlineLine returns the line of a node: that of its first text, else of
// its position, else of the text before it, else that of the block around
// it.
func inlineLine(n ast.Node, lines Lines) int {
	if n.Type() == ast.TypeBlock {
		return blockLine(n, lines)
	}
	if line := textLine(n, lines); line > 0 {
		return line
	}
	if t, ok := n.PreviousSibling().(*ast.Text); ok {
		return lines.At(t.Segment.Stop)
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock {
			return blockLine(p, lines)
		}
	}
	return 0
}

// textLine returns the line of the first text in an inline node, else of
// its position, else 0.
func textLine(n ast.Node, lines Lines) int {
	line := 0
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			line = lines.At(t.Segment.Start)
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if line == 0 && n.Pos() >= 0 {
		line = lines.At(n.Pos())
	}
	return line
}
