package search

import (
	"strings"

	"github.com/opsplaybook/playbook/generator/site"
	"github.com/yuin/goldmark/ast"
)

// Doc is what the index knows of one page.
type Doc struct {
	URL      string
	Title    string
	Kind     string
	Owner    string // team id
	Roles    []string
	Tags     []string
	Alerts   []string // an alert page's rule, or the alerts a runbook handles
	Headings []string
	Summary  string
	Body     string // the body as plain text
	// Excerpt is the snippet shown under a result: the summary, or the
	// start of the body.
	Excerpt string
}

// excerptLen is the longest excerpt, in characters.
const excerptLen = 180

// Docs returns the searchable pages of a site, sorted by URL: every page
// made from a source file.
func Docs(s *site.Site) []Doc {
	var docs []Doc
	for _, p := range s.Pages {
		if d, ok := DocOf(p); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// DocOf returns what the index knows of a page, and false for a page not
// made from a source file, which is not searched.
func DocOf(p *site.Page) (Doc, bool) {
	if p.Path == "" || p.Meta == nil {
		return Doc{}, false
	}
	d := Doc{
		URL:     p.URL,
		Title:   p.Title,
		Kind:    string(p.Kind),
		Roles:   p.Meta.Roles,
		Tags:    p.Meta.Tags,
		Summary: p.Meta.Summary,
	}
	if p.Meta.Owner != "" {
		d.Owner = site.TeamID(p.Meta.Owner)
	}
	if p.Meta.Alert != "" {
		d.Alerts = append(d.Alerts, p.Meta.Alert)
	}
	d.Alerts = append(d.Alerts, p.Meta.Alerts...)
	for _, h := range p.Outline.Headings {
		d.Headings = append(d.Headings, h.Text)
	}
	if p.Doc != nil {
		d.Body = plainText(p.Doc, p.Body)
	}
	d.Excerpt = excerpt(d.Summary, d.Body, d.Title)
	return d, true
}

// plainText returns the text of a markdown body: words of paragraphs,
// headings, lists, tables and code, blocks separated by new lines.
func plainText(doc ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				return ast.WalkSkipChildren, nil
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		default:
			if !entering && n.Type() == ast.TypeBlock {
				b.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// excerpt returns the summary, or else the start of the body without its
// title, cut at a word boundary.
func excerpt(summary, body, title string) string {
	text := summary
	if text == "" {
		text = strings.TrimSpace(body)
		if rest, ok := strings.CutPrefix(text, title); ok {
			text = rest
		}
	}
	if len(text) > 4*excerptLen {
		text = text[:4*excerptLen]
	}
	text = strings.ToValidUTF8(strings.Join(strings.Fields(text), " "), "")
	rs := []rune(text)
	if len(rs) <= excerptLen {
		return text
	}
	cut := excerptLen
	for cut > excerptLen/2 && rs[cut] != ' ' {
		cut--
	}
	return strings.TrimSpace(string(rs[:cut])) + "…"
}
