package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/render"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/search"
)

// A one-shot build (Options.Out set: generator.Build) renders every page
// once and is then thrown away, so it need not keep what an engine keeps
// for the next update. Two things make its memory follow the site graph
// rather than the pages' syntax trees and HTML (issue 11):
//
//   - Parse keeps the syntax trees of the first parsedBudget bytes of
//     markdown and releases the others (parse.Options.ReleaseDoc); a
//     page's tree is made again (parse.Doc) when it is rendered. The
//     budget holds a 10,000-page playbook whole (gencorpus: 25 MiB), so
//     such a build parses nothing twice; past it, a tree costs a second
//     parse (goldmark's parse is about a tenth of a build's CPU) instead
//     of about seven times its markdown's size in memory.
//   - Render releases each page's tree, its rendered body (BodyCache)
//     and its markdown as soon as the last page that reads them is
//     rendered (see held), after taking its search document.
//   - The search document is analysed for the export there and then
//     (search.Stream), and only its analysis kept: its terms by number,
//     not its text. Index writes the export's files as it encodes them,
//     keeping none (at 100,000 pages, the documents and the Exporter
//     held 1.5 GB at the build's peak).
//
// The live preview and "build --watch" (Out unset) keep everything, as
// before: an edit re-renders from the trees and bodies it kept, and
// updates the export (search.Exporter) from the documents it kept.
// So does an engine with a search API (Options.SearchAPI).

// defaultParsedBudget is the bytes of markdown (load.Source.Data) whose
// syntax trees a one-shot build keeps from Parse to Render: about 220 MB
// of trees.
const defaultParsedBudget = 32 << 20

// oneShot tells whether the engine is a one-shot build.
func (e *Engine) oneShot() bool { return e.opt.Out != nil && e.api == nil }

// parseSplit splits the sources of a one-shot build into those whose
// trees Parse keeps, within the budget, and those whose trees it
// releases. Other engines keep them all.
func (e *Engine) parseSplit(srcs []load.Source) (keep, release []load.Source) {
	if !e.oneShot() {
		return srcs, nil
	}
	budget := e.opt.parsedBudget
	if budget == 0 {
		budget = defaultParsedBudget
	}
	used := 0
	for i, src := range srcs {
		used += len(src.Data)
		if used > budget {
			return srcs[:i], srcs[i:]
		}
	}
	return srcs, nil
}

// held counts, in a one-shot build, the renders still to come that read
// each page's syntax tree: the page's own and those of the alert pages
// that show it as their runbook (render.Renderer.Page). The last one
// analyses the page's search document and releases its tree, its
// rendered body and its markdown. A page whose tree Parse released has
// it made again by the first render that reads it.
type held struct {
	md      *markdown.Markdown
	bodies  *render.BodyCache
	content fs.FS                  // the content folder, for pages made from the index
	stale   func(path string)      // told of a page whose file reread finds changed
	pages   map[*site.Page]*holder // read-only once the renders start
	stream  *search.Stream

	mu   sync.Mutex
	docs map[*site.Page]*search.Analysed
	err  error // the first of the analyses'

	// ahead is closed when the analyses that prefetch started are done;
	// nil when none were.
	ahead chan struct{}
	// early are the analyses read from the cache while the site was
	// resolved (early.go), by parsed page; read-only.
	early map[*site.Parsed]*search.Analysed
}

type holder struct {
	mu sync.Mutex
	n  int // renders still to come that read the tree
}

// newHeld returns the counts of a one-shot build, to which count adds
// each render; it returns nil for other engines.
func (e *Engine) newHeld(pre *early) *held {
	if !e.oneShot() {
		return nil
	}
	h := &held{
		md: e.md, bodies: &e.bodies, content: e.opt.Content, stale: e.forgetIndexed, pages: map[*site.Page]*holder{},
		docs: map[*site.Page]*search.Analysed{},
	}
	if pre != nil {
		h.stream, h.early = pre.stream, pre.wait()
	} else {
		h.stream = search.NewStream(e.opt.Cache)
	}
	return h
}

// count notes that a render of p is to come (a page whose list runs over
// several pages has one render for each). h may be nil; count must be
// called before the renders start.
func (h *held) count(p *site.Page) {
	if h == nil {
		return
	}
	for _, q := range []*site.Page{p, p.RunbookOf} {
		if q == nil || q.Path == "" {
			continue // a listing made for a folder has no body
		}
		if h.pages[q] == nil {
			h.pages[q] = &holder{}
		}
		h.pages[q].n++
	}
}

// prefetch starts, in the background, the analyses of the searchable
// pages of st that no render reads (count was called for every render)
// and that have no tree (their bodies came from the cache): the pages
// kept as an earlier build made them, nearly all of a build after an
// edit, whose analyses the cache has. They are read-only to the
// analysis, so it runs beside the renders and the site-wide parts, on a
// core that the site-wide parts, made on one, leave free; a page whose
// analysis the cache has not is left to export. export waits for it.
// h may be nil.
func (h *held) prefetch(st *site.Site) {
	if h == nil {
		return
	}
	var pages []*site.Page
	for _, p := range st.Pages {
		if h.pages[p] == nil && p.Path != "" && p.Doc == nil {
			if a := h.early[p.Parsed]; a != nil && a.URL() == p.URL {
				h.docs[p] = a
				continue
			}
			pages = append(pages, p)
		}
	}
	if len(pages) == 0 {
		return
	}
	h.ahead = make(chan struct{})
	go func() {
		defer close(h.ahead)
		forEach(context.Background(), pages, func(p *site.Page) error {
			a, ok, err := h.stream.AnalysePage(p)
			if !ok || errors.Is(err, search.ErrNoText) {
				// Not searched, or its tree must be made again:
				// export does that, once the renders are done.
				return nil
			}
			h.mu.Lock()
			h.docs[p] = a
			if h.err == nil {
				h.err = err
			}
			h.mu.Unlock()
			return nil
		})
	}()
}

// wait waits for the analyses prefetch started. h may be nil.
func (h *held) wait() {
	if h != nil && h.ahead != nil {
		<-h.ahead
	}
}

// renderOrder orders the renders of a one-shot build: by URL, but each
// alert page just before the runbook it shows. In URL order every
// /alerts/ page comes long before its runbook, whose tree and body would
// then be held from the first render to the second: at 100,000 pages,
// 30,000 of them at once.
func renderOrder(a, b *site.Page) int {
	if c := strings.Compare(renderPlace(a), renderPlace(b)); c != 0 {
		return c
	}
	// The alert pages of one runbook, then (with /alerts/ URLs) the runbook.
	return strings.Compare(a.URL, b.URL)
}

// renderPlace is the URL a page is rendered beside: its runbook's for an
// alert page that shows one, its own otherwise.
func renderPlace(p *site.Page) string {
	if r := p.RunbookOf; r != nil && r.Path != "" && p.Kind == site.Alert {
		return r.URL
	}
	return p.URL
}

// acquire makes sure that the trees p's render reads are there. h may be
// nil.
func (h *held) acquire(p *site.Page) error {
	if h == nil {
		return nil
	}
	for _, q := range []*site.Page{p, p.RunbookOf} {
		if c := h.pages[q]; c != nil {
			c.mu.Lock()
			err := h.restore(q)
			c.mu.Unlock()
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// release ends p's render: the trees no later render reads are released.
// h may be nil.
func (h *held) release(p *site.Page) {
	if h == nil {
		return
	}
	for _, q := range []*site.Page{p, p.RunbookOf} {
		c := h.pages[q]
		if c == nil {
			continue
		}
		c.mu.Lock()
		c.n--
		if c.n == 0 && q.Doc != nil {
			if a, ok, err := h.stream.AnalysePage(q); ok {
				h.mu.Lock()
				h.docs[q] = a
				if h.err == nil {
					h.err = err
				}
				h.mu.Unlock()
			}
			h.bodies.Forget([]*site.Parsed{q.Parsed})
			unlink(q)
			q.Body = nil
		}
		c.mu.Unlock()
	}
}

// restore makes p's tree again when it was released, and points p's
// links at its nodes.
func (h *held) restore(p *site.Page) error {
	if p.Doc != nil || p.Path == "" {
		return nil
	}
	if p.Body == nil {
		// A page whose body came from the cache keeps its file's
		// bytes instead (site.Parsed.Raw), or, made from the content
		// index, reads them now.
		if err := h.reread(p.Parsed); err != nil {
			return err
		}
		p.Body = parse.Body(p.Parsed)
		if p.Unread {
			p.Raw = nil
		}
	}
	doc, nodes, err := parse.Doc(p.Parsed, h.md)
	if err != nil {
		return err
	}
	if len(nodes) != len(p.Links) {
		return fmt.Errorf("%s: %d links parsed again for %d resolved", p.File, len(nodes), len(p.Links))
	}
	for i := range p.Links {
		p.Links[i].Node = nodes[i]
	}
	p.Doc = doc
	return nil
}

// reread reads again the file of a page made from the content index
// (site.Parsed.Unread) into p.Raw. Its bytes must be those the index
// told of (the page's Sum): otherwise it changed while the site was
// built, and the build fails rather than mix what it read before and
// after.
func (h *held) reread(p *site.Parsed) error {
	if !p.Unread || p.Raw != nil {
		return nil
	}
	data, err := fs.ReadFile(h.content, p.Path)
	if err != nil {
		return err
	}
	if parse.SumOf(p.File, data) != p.Sum {
		if h.stale != nil {
			h.stale(p.Path)
		}
		return fmt.Errorf("%s changed while the site was built: build again", p.File)
	}
	p.Raw = data
	return nil
}

// unlink drops p's tree and every pointer into it: its links' (the
// page's and its outline's) and its opening H1's.
func unlink(p *site.Page) {
	p.Doc, p.Outline.H1 = nil, nil
	for i := range p.Links {
		p.Links[i].Node = nil
	}
	for i := range p.Outline.Links {
		p.Outline.Links[i].Node = nil
	}
}

// analysed returns the analysis of p's search document: the one made
// when its tree was released, or one made now, with its tree made again
// if need be. It returns nil for a page that is not searched.
func (h *held) analysed(p *site.Page) (*search.Analysed, error) {
	h.mu.Lock()
	a, ok := h.docs[p]
	h.mu.Unlock()
	if ok {
		return a, nil
	}
	a, _, err := h.stream.AnalysePage(p)
	if errors.Is(err, search.ErrNoText) {
		// Its text is in no tree and was not kept: the tree is made
		// again, read, and dropped.
		body := p.Body
		if err := h.restore(p); err != nil {
			return nil, err
		}
		a, _, err = h.stream.AnalysePage(p)
		unlink(p)
		p.Body = body
	}
	return a, err
}

// export writes the search export of a one-shot build through w: that of
// the site's searchable pages, the last of the pages with one URL, in
// URL order (as Engine.searchDocs lists them), each file as soon as it
// is encoded.
func (h *held) export(st *site.Site, w search.Writer) error {
	h.wait()
	if h.err != nil {
		return h.err
	}
	// The pages not rendered (kept as an earlier build made them) are
	// analysed here, on every core.
	all := make([]*search.Analysed, len(st.Pages))
	places := make([]int, len(st.Pages))
	for i := range places {
		places[i] = i
	}
	err := forEach(context.Background(), places, func(i int) error {
		a, err := h.analysed(st.Pages[i])
		all[i] = a
		return err
	})
	if err != nil {
		return err
	}
	byURL := make(map[string]*search.Analysed, len(st.Pages))
	for i, p := range st.Pages {
		if all[i] != nil {
			byURL[p.URL] = all[i]
		}
	}
	list := slices.SortedFunc(maps.Values(byURL), func(a, b *search.Analysed) int { return strings.Compare(a.URL(), b.URL()) })
	return h.stream.Write(list, w)
}
