package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkAttributes is the goldmark extension for MkDocs (attr_list) and
// kramdown attribute lists right after a link, an image or an autolink:
//
//	[text](url){:target="_blank" .external}
//	![diagram](arch.png){width=600}
//
// The list never shows as text. Only safe attributes are kept (see
// safeAttribute); a target of _blank brings rel="noopener" along.
type linkAttributes struct{}

// Extend implements goldmark.Extender.
func (linkAttributes) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(attributeListParser{}, 600),
	))
}

type attributeListParser struct{}

// Trigger implements parser.InlineParser.
func (attributeListParser) Trigger() []byte { return []byte{'{'} }

// Parse implements parser.InlineParser. On success it returns the link the
// list belongs to, which goldmark appends again at the same place: the
// list itself leaves no node behind.
func (attributeListParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	last := parent.LastChild()
	switch last.(type) {
	case *ast.Link, *ast.Image, *ast.AutoLink:
	default:
		return nil
	}
	line, _ := block.PeekLine()
	attrs, n := parseAttributeList(line)
	if n == 0 {
		return nil
	}
	block.Advance(n)
	applyLinkAttributes(last, attrs, pc)
	return last
}

type attribute struct {
	name, value []byte
}

// parseAttributeList parses "{:#id .class name=value name="value"}" (the
// colon is optional) at the start of line. It returns the attributes and
// the length of the list, or 0 when line does not start with one.
func parseAttributeList(line []byte) ([]attribute, int) {
	if len(line) < 2 || line[0] != '{' {
		return nil, 0
	}
	i := 1
	if line[i] == ':' {
		i++
	}
	var attrs []attribute
	for {
		i = skipBlanks(line, i)
		if i >= len(line) {
			return nil, 0
		}
		c := line[i]
		switch {
		case c == '}':
			if len(attrs) == 0 {
				return nil, 0
			}
			return attrs, i + 1
		case c == '#' || c == '.':
			j := i + 1
			for j < len(line) && !isBlankByte(line[j]) && line[j] != '}' && line[j] != '"' && line[j] != '\'' {
				j++
			}
			if j == i+1 {
				return nil, 0
			}
			name := []byte("id")
			if c == '.' {
				name = []byte("class")
			}
			attrs = append(attrs, attribute{name, line[i+1 : j]})
			i = j
		case isASCIILetter(c) || c == '_':
			j := i
			for j < len(line) && (isTypeByte(line[j]) || line[j] == ':' || line[j] == '.') {
				j++
			}
			name := line[i:j]
			j = skipBlanks(line, j)
			if j >= len(line) || line[j] != '=' {
				return nil, 0
			}
			j = skipBlanks(line, j+1)
			value, k := parseAttributeValue(line, j)
			if k < 0 {
				return nil, 0
			}
			attrs = append(attrs, attribute{name, value})
			i = k
		default:
			return nil, 0
		}
	}
}

// parseAttributeValue parses a quoted or bare value at line[i:]. It returns
// the raw value and the index after it, or -1.
func parseAttributeValue(line []byte, i int) ([]byte, int) {
	if i >= len(line) {
		return nil, -1
	}
	if q := line[i]; q == '"' || q == '\'' {
		for j := i + 1; j < len(line); j++ {
			switch line[j] {
			case '\\':
				j++
			case '\n':
				return nil, -1
			case q:
				return line[i+1 : j], j + 1
			}
		}
		return nil, -1
	}
	j := i
	for j < len(line) && !isBlankByte(line[j]) && line[j] != '}' && line[j] != '"' && line[j] != '\'' && line[j] != '`' {
		j++
	}
	if j == i {
		return nil, -1
	}
	return line[i:j], j
}

// safeAttribute reports whether an attribute may be set from markdown on a
// link or an image. Event handlers and style never may.
func safeAttribute(name []byte, image bool) bool {
	switch string(name) {
	case "target", "rel", "class", "id", "title":
		return true
	case "width", "height":
		return image
	}
	return false
}

// applyLinkAttributes sets the safe attributes of a list on a link, image
// or autolink. A title replaces the markdown title; classes add up; an id
// already used on the page is dropped.
func applyLinkAttributes(n ast.Node, attrs []attribute, pc parser.Context) {
	_, image := n.(*ast.Image)
	blank := false
	for _, a := range attrs {
		name := []byte(lowerASCII(a.name))
		if !safeAttribute(name, image) {
			continue
		}
		switch string(name) {
		case "title":
			switch l := n.(type) {
			case *ast.Link:
				l.Title = a.value
				continue
			case *ast.Image:
				l.Title = a.value
				continue
			}
		case "class":
			if v, ok := n.AttributeString("class"); ok {
				if b, ok := v.([]byte); ok {
					a.value = append(append(append([]byte{}, b...), ' '), a.value...)
				}
			}
		case "id":
			id := attributeText(a.value)
			if len(id) == 0 || bytes.ContainsAny(id, " \t\r\n\f") || !claimID(pc, id) {
				continue
			}
		case "target":
			blank = bytes.EqualFold(attributeText(a.value), []byte("_blank"))
		}
		n.SetAttribute(name, a.value)
	}
	if blank {
		rel := []byte("noopener")
		if v, ok := n.AttributeString("rel"); ok {
			if b, ok := v.([]byte); ok {
				if hasToken(attributeText(b), "noopener") {
					return
				}
				rel = append(append(append([]byte{}, b...), ' '), rel...)
			}
		}
		n.SetAttribute([]byte("rel"), rel)
	}
}

// attributeText resolves backslash escapes and character references in a
// raw attribute value, as the renderer will.
func attributeText(v []byte) []byte {
	v = util.UnescapePunctuations(v)
	v = util.ResolveNumericReferences(v)
	return util.ResolveEntityNames(v)
}

func hasToken(list []byte, token string) bool {
	for _, f := range bytes.Fields(list) {
		if bytes.EqualFold(f, []byte(token)) {
			return true
		}
	}
	return false
}
