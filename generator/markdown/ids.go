package markdown

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// idSet is the parser.IDs of one page: it makes GitHub-style slugs and
// keeps every id of the page unique. Parse puts a new one in the context
// of every parse.
type idSet struct {
	used map[string]bool
	// last is the last suffix given to each base, so that a run of equal
	// headings costs no more than one probe each.
	last map[string]int
}

func newIDs() *idSet {
	return &idSet{used: map[string]bool{}, last: map[string]int{}}
}

// Generate implements parser.IDs: the slug of value, made unique with a
// "-1", "-2"... suffix.
func (s *idSet) Generate(value []byte, kind ast.NodeKind) []byte {
	id := slug(value)
	if len(id) == 0 {
		if kind == ast.KindHeading {
			id = []byte("heading")
		} else {
			id = []byte("id")
		}
	}
	return s.unique(id)
}

// Put implements parser.IDs.
func (s *idSet) Put(value []byte) {
	s.used[string(value)] = true
}

// unique returns id, or id with the first free numeric suffix, and marks
// the result used.
func (s *idSet) unique(id []byte) []byte {
	if !s.used[string(id)] {
		s.Put(id)
		return id
	}
	base := string(id)
	for i := s.last[base] + 1; ; i++ {
		c := strconv.AppendInt(append(append(make([]byte, 0, len(id)+4), id...), '-'), int64(i), 10)
		if !s.used[string(c)] {
			s.last[base] = i
			s.Put(c)
			return c
		}
	}
}

// claimID marks id used on the page of pc and reports whether it was free.
func claimID(pc parser.Context, id []byte) bool {
	s, ok := pc.IDs().(*idSet)
	if !ok {
		pc.IDs().Put(id)
		return true
	}
	if s.used[string(id)] {
		return false
	}
	s.Put(id)
	return true
}

// slug makes an anchor the way GitHub does for headings: lowercase, spaces
// become hyphens, and everything but letters, marks, digits, '-' and '_'
// is dropped. Non-ASCII letters stay ("über-uns").
func slug(text []byte) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				out = append(out, c+'a'-'A')
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
				out = append(out, c)
			case c == ' ':
				out = append(out, '-')
			}
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r) {
			out = utf8.AppendRune(out, unicode.ToLower(r))
		}
	}
	return out
}

// headingIDs is the goldmark extension that gives every heading an id. An
// explicit id ("## Setup {#setup}") is kept, made unique if the page uses
// it twice; every other heading gets the slug of its text, as GitHub and
// MkDocs make it for typical headings, with "-1", "-2"... for repeats.
// Other heading attributes are limited to class and title.
type headingIDs struct{}

// Extend implements goldmark.Extender.
func (headingIDs) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(
		util.Prioritized(headingIDTransformer{}, 200),
	))
}

type headingIDTransformer struct{}

// Transform implements parser.ASTTransformer.
func (headingIDTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var headings []*ast.Heading
	walkBlocks(doc, func(n ast.Node) {
		if h, ok := n.(*ast.Heading); ok {
			headings = append(headings, h)
		}
	})
	if len(headings) == 0 {
		return
	}
	ids := pc.IDs()
	set, _ := ids.(*idSet)
	// Explicit ids first, so that no generated id takes one.
	for _, h := range headings {
		if h.Attributes() == nil {
			continue
		}
		keepSafeHeadingAttributes(h)
		v, ok := h.AttributeString("id")
		if !ok {
			continue
		}
		id, ok := v.([]byte)
		if !ok || len(id) == 0 {
			removeAttribute(h, "id")
			continue
		}
		if set != nil {
			h.SetAttribute([]byte("id"), set.unique(id))
		} else {
			ids.Put(id)
		}
	}
	src := reader.Source()
	for _, h := range headings {
		if _, ok := h.AttributeString("id"); ok {
			continue
		}
		h.SetAttribute([]byte("id"), ids.Generate([]byte(plainText(h, src)), ast.KindHeading))
	}
}

// keepSafeHeadingAttributes drops every heading attribute but id, class and
// title.
func keepSafeHeadingAttributes(h *ast.Heading) {
	attrs := h.Attributes()
	safe := true
	for _, a := range attrs {
		if !safeHeadingAttribute(a.Name) {
			safe = false
			break
		}
	}
	if safe {
		return
	}
	h.RemoveAttributes()
	for _, a := range attrs {
		if safeHeadingAttribute(a.Name) {
			h.SetAttribute(a.Name, a.Value)
		}
	}
}

func removeAttribute(n ast.Node, name string) {
	attrs := n.Attributes()
	n.RemoveAttributes()
	for _, a := range attrs {
		if string(a.Name) != name {
			n.SetAttribute(a.Name, a.Value)
		}
	}
}

func safeHeadingAttribute(name []byte) bool {
	switch string(name) {
	case "id", "class", "title":
		return true
	}
	return false
}
