package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/opsplaybook/playbook/generator/site"
	"github.com/yuin/goldmark/ast"
)

// BodyCache keeps rendered markdown bodies from one build to the next, for
// the live preview: a page parsed once, whose links lead where they led,
// renders to the same HTML, so it is not rendered again. Its key is the
// page's parsed document and the destinations its links were rewritten
// to. The zero value is ready to use; a BodyCache must not be shared by
// builds that run at the same time.
type BodyCache struct {
	mu sync.Mutex
	m  map[ast.Node]cachedBody
	// entries are pages' pages.json entries, by parsed page; cat their
	// catalog.json elements and llms.txt lines, made with the base path
	// and URLs whose hash is catGlobal.
	entries   map[*site.Parsed]cachedEntry
	cat       map[*site.Parsed]catEntry
	catGlobal uint64
	// made counts the entries of pages made from files (savable) made
	// since the build cache's were read;
	// savedRead is true once they were (see saved.go).
	made      int
	savedRead bool
}

type cachedEntry struct {
	term uint64
	json string
}

// entry returns page p's element of pages.json: from the cache when its
// term (a hash of what the entry shows) is as it was, else made by e.
// c may be nil.
func (c *BodyCache) entry(p *site.Parsed, term uint64, e func() pageEntry) (string, error) {
	if c != nil {
		c.mu.Lock()
		ce, ok := c.entries[p]
		c.mu.Unlock()
		if ok && ce.term == term {
			return ce.json, nil
		}
	}
	b, err := json.MarshalIndent(e(), "  ", "  ")
	data := string(b)
	if err != nil || c == nil {
		return data, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[*site.Parsed]cachedEntry{}
	}
	c.entries[p] = cachedEntry{term, data}
	c.made += savable(p)
	c.mu.Unlock()
	return data, nil
}

type cachedBody struct {
	links string
	html  template.HTML
}

// linkKey is what a page's body depends on besides its parse: where its
// links go.
func linkKey(p *site.Page, dests map[ast.Node][]byte) string {
	var b strings.Builder
	for _, l := range p.Links {
		if d, ok := dests[l.Node]; ok {
			b.Write(d)
		} else {
			b.WriteString(l.Dest)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// body renders the markdown body of p, or takes it from the cache.
func (r *Renderer) body(p *site.Page) (template.HTML, error) {
	c := r.opt.Bodies
	dests := linkDests(p, r.base)
	var key string
	if c != nil {
		key = linkKey(p, dests)
		c.mu.Lock()
		cb, ok := c.m[p.Doc]
		c.mu.Unlock()
		if ok && cb.links == key {
			return cb.html, nil
		}
	}
	b := r.buffers.Get().(*bytes.Buffer)
	defer r.buffers.Put(b)
	b.Reset()
	lookup := func(n ast.Node) ([]byte, bool) { d, ok := dests[n]; return d, ok }
	if err := r.opt.Markdown.RenderLinks(b, p.Body, p.Doc, lookup); err != nil {
		return "", fmt.Errorf("%s: rendering markdown: %w", p.File, err)
	}
	h := template.HTML(b.String())
	if c != nil {
		c.mu.Lock()
		if c.m == nil {
			c.m = map[ast.Node]cachedBody{}
		}
		c.m[p.Doc] = cachedBody{key, h}
		c.mu.Unlock()
	}
	return h, nil
}

// KeepOnly drops the bodies of documents that are not in pages.
func (c *BodyCache) KeepOnly(pages []*site.Page) {
	if c == nil {
		return
	}
	live := make(map[ast.Node]bool, len(pages))
	for _, p := range pages {
		if p.Doc != nil {
			live[p.Doc] = true
		}
	}
	parsed := make(map[*site.Parsed]bool, len(pages))
	for _, p := range pages {
		parsed[p.Parsed] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for doc := range c.m {
		if !live[doc] {
			delete(c.m, doc)
		}
	}
	for p := range c.entries {
		if !parsed[p] {
			delete(c.entries, p)
		}
	}
	for p := range c.cat {
		if !parsed[p] {
			delete(c.cat, p)
		}
	}
}

// Forget drops the bodies and pages.json entries of parsed pages that
// were parsed again.
func (c *BodyCache) Forget(parsed []*site.Parsed) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range parsed {
		if p.Doc != nil {
			delete(c.m, p.Doc)
		}
		delete(c.entries, p)
		delete(c.cat, p)
	}
}
