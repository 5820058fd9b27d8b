package parse

import (
	"strconv"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/yuin/goldmark/ast"
)

// bodyPart is what Parse reads of a page's body, all of which depends
// on the body's bytes, its first line, whether it is a Middleman .erb
// file and the markdown options alone: what a build cache can keep from
// one build to the next (Options.Cache), so that a page whose body did
// not change is not parsed by goldmark again. The body itself is not in
// it: a page from the cache keeps its file's bytes (site.Parsed.Raw),
// from which Body makes it again for the few pages rendered.
type bodyPart struct {
	Limit *markdown.LimitError
	// Notes are Prepare's; HTML are RawHTMLNotes', with file lines.
	Notes []markdown.Note
	HTML  []markdown.Note
	// H1 is true when the body opens with a level-one heading, which
	// is taken out of the tree (see Page).
	H1       bool
	H1Text   string
	Headings []markdown.Heading
	Links    []bodyLink
	Tasks    []markdown.Task

	// The nodes of the tree the part was read from, when it was.
	nodes []ast.Node
	h1    *ast.Heading
}

// bodyLink is a markdown.Link without its node.
type bodyLink struct {
	Dest  string
	Line  int
	Image bool
}

// outline returns the page's outline: with the nodes of doc when it is
// the tree the part was read from, without them (nil) otherwise.
func (bp *bodyPart) outline(doc ast.Node) markdown.Outline {
	o := markdown.Outline{H1Text: bp.H1Text, Headings: bp.Headings, Tasks: bp.Tasks}
	if len(bp.Links) > 0 {
		o.Links = make([]markdown.Link, len(bp.Links))
	}
	for i, l := range bp.Links {
		o.Links[i] = markdown.Link{Dest: l.Dest, Line: l.Line, Image: l.Image}
	}
	if doc != nil {
		// The tree readBody made: its nodes, in the same order.
		for i, n := range bp.nodes {
			o.Links[i].Node = n
		}
		o.H1 = bp.h1
	}
	return o
}

// prepareBody returns the body that is parsed, from the body of the
// file: markdown.Prepare's, or nil when the body passes a limit, with
// Prepare's notes or the limit passed.
func prepareBody(body []byte, erb bool) ([]byte, []markdown.Note, *markdown.LimitError) {
	lim := markdown.CheckLimits(body)
	var notes []markdown.Note
	if lim == nil {
		body, notes = markdown.Prepare(body, erb)
		lim = markdown.CheckLimits(body)
	}
	if lim != nil {
		return nil, nil, lim
	}
	return body, notes, nil
}

// bodyKey is the build cache's key of a parsed body: the file's body,
// its first line, whether it is a Middleman .erb page, and whether raw
// HTML is let through.
func bodyKey(body []byte, bodyLine int, erb bool, opt Options) buildcache.Key {
	h := buildcache.NewHasher("parsed body/3")
	h.String(strconv.FormatBool(opt.Markdown.UnsafeHTML()))
	h.String(strconv.FormatBool(erb))
	h.String(strconv.Itoa(bodyLine))
	h.Bytes(body)
	return h.Sum()
}

// cachedBody returns the parsed body the cache keeps under key.
func cachedBody(key buildcache.Key, opt Options) (*bodyPart, bool) {
	var bp *bodyPart
	var err error
	// decodeBody copies what it keeps: the cache's bytes are lent.
	ok := buildcache.View(opt.Cache, key, func(data []byte) { bp, err = decodeBody(data) })
	return bp, ok && err == nil
}

// readBody reads a body, the file's after its front matter: from the
// cache when it has it (then without the body parsed, nor its tree: body
// and doc are nil, and the caller keeps the file's bytes, see Body),
// otherwise by parsing it, and then puts it in the cache. bodyLine is the
// file line of the body's first line; erb is true for a Middleman .erb
// page. key is the body's cache key, zero without a cache.
func readBody(fileBody []byte, bodyLine int, erb bool, opt Options) (bp *bodyPart, body []byte, doc ast.Node, key buildcache.Key) {
	if opt.Cache != nil {
		key = bodyKey(fileBody, bodyLine, erb, opt)
		if cached, ok := cachedBody(key, opt); ok {
			return cached, nil, nil, key
		}
	}
	bp = &bodyPart{}
	body, bp.Notes, bp.Limit = prepareBody(fileBody, erb)
	lines := markdown.NewLines(body, bodyLine)
	doc = opt.Markdown.Parse(body)
	o := markdown.ReadOutline(doc, body, lines)
	if o.H1 != nil {
		// Page takes the opening H1 out whether it becomes the title or
		// the page's own heading.
		doc.RemoveChild(doc, o.H1)
		bp.H1, bp.h1 = true, o.H1
	}
	bp.H1Text, bp.Headings, bp.Tasks = o.H1Text, o.Headings, o.Tasks
	for _, l := range o.Links {
		bp.Links = append(bp.Links, bodyLink{l.Dest, l.Line, l.Image})
		bp.nodes = append(bp.nodes, l.Node)
	}
	bp.HTML = opt.Markdown.RawHTMLNotes(doc, body, lines)
	if opt.Cache != nil {
		opt.Cache.Put(key, encodeBody(bp))
	}
	return bp, body, doc, key
}
