// Package live is the incremental build of the live preview. A Session
// keeps the last parsed pages and built site of one site; given the paths
// that changed since, it re-parses only those files and re-renders only the
// pages whose output can change, and reports which output files changed.
// Its input is generator.Options (the same a full build takes) and batches
// of changed content paths; its output is an immutable Snapshot of the
// site's files and findings after each batch, equal to what
// generator.Build writes for the same files.
//
// An edit that keeps a page's interface (URL, title, kind, front matter,
// heading ids, outgoing links, task items) re-renders that page and the
// alert pages that show its body; anything else (new, deleted or renamed
// files, a changed interface, configuration, layouts, assets, rules) runs
// the whole pipeline again from the parsed pages, re-parsing only what
// changed, which is correct by construction.
package live

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/render"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/generator/validate"
	"github.com/opsplaybook/playbook/search"
	"github.com/yuin/goldmark/ast"
)

// Snapshot is a built site as one batch left it. It never changes once
// made; a later batch makes a new one that shares the unchanged files.
type Snapshot struct {
	files    map[string][]byte
	Findings []diag.Finding
	// Err is an error that stopped the build (a template error, an
	// unreadable file); Findings are then those of the last build.
	Err error
}

// File returns a file of the site.
func (s *Snapshot) File(name string) ([]byte, bool) {
	b, ok := s.files[name]
	return b, ok
}

// Names returns the site's file names, sorted.
func (s *Snapshot) Names() []string { return slices.Sorted(maps.Keys(s.files)) }

// Errors returns the number of findings of error severity.
func (s *Snapshot) Errors() int { e, _ := diag.Count(s.Findings); return e }

// Result tells what a batch changed.
type Result struct {
	Snapshot *Snapshot
	// Changed are the output files that are new or differ; Removed those
	// that are gone. Both are sorted.
	Changed []string
	Removed []string
	// Full is true when the whole pipeline ran; Rendered is the number of
	// pages rendered.
	Full     bool
	Rendered int
	// IndexStale is true when pages changed but the search export was
	// left for Index, so that the pages reload first.
	IndexStale bool
}

// source is one parsed markdown file, as Parse left it.
type source struct {
	page  *site.Page
	finds []diag.Finding
	yml   []byte
	// dests are the link destinations as written, by node, restored
	// before each render because Render rewrites them in place.
	dests []dest
}

type dest struct {
	node ast.Node
	dest []byte
}

// Session is the incremental build of one site.
type Session struct {
	opt     generator.Options
	cfg     *config.Config
	cfgFind []diag.Finding
	md      *markdown.Markdown
	sources map[string]*source // by content path
	files   map[string]bool    // content files that are not pages
	rules   []*rules.Rule
	ruleFnd []diag.Finding

	site   *site.Site
	byPath map[string]*site.Page // the built site's pages, by content path
	built  map[string]*source    // the sources the built site was made of
	rend   *render.Renderer
	snap   *Snapshot
	// indexStale is true when the search export is older than the pages.
	indexStale bool
	docs       []search.Doc // what the search export was made of
	exporter   search.Exporter
	bodies     render.BodyCache
}

// New reads and builds the whole site once.
func New(opt generator.Options) (*Session, *Result, error) {
	s := &Session{}
	res, err := s.Reset(opt)
	return s, res, err
}

// Snapshot returns the site as the last batch left it.
func (s *Session) Snapshot() *Snapshot { return s.snap }

// Reset takes new options (the configuration, layouts, assets or rules
// changed), re-reads the changed content paths, and runs the whole
// pipeline. Every page is re-parsed only when the configuration changed.
func (s *Session) Reset(opt generator.Options, paths ...string) (*Result, error) {
	reparse := s.sources == nil || !bytes.Equal(opt.Config, s.opt.Config) || opt.ConfigFile != s.opt.ConfigFile ||
		opt.ContentPrefix != s.opt.ContentPrefix || opt.Drafts != s.opt.Drafts || !maps.Equal(opt.NavTitles, s.opt.NavTitles)
	s.opt = opt
	if reparse {
		s.cfg = config.Default()
		s.cfgFind = nil
		if opt.Config != nil {
			s.cfg, s.cfgFind = config.Parse(opt.ConfigFile, opt.Config)
		}
		s.md = markdown.New(markdown.Options{UnsafeHTML: s.cfg.UnsafeHTML})
		content, err := load.Load(opt.Content)
		if err != nil {
			s.sources = nil
			return s.failed(fmt.Errorf("reading content: %w", err))
		}
		s.sources = map[string]*source{}
		s.files = map[string]bool{}
		srcs := make([]*source, len(content.Sources))
		parallel(len(srcs), func(i int) { srcs[i] = s.parse(content.Sources[i]) })
		for i, src := range content.Sources {
			s.sources[src.Path] = srcs[i]
		}
		for _, f := range content.Files {
			s.files[f] = true
		}
	} else {
		for _, p := range cleanPaths(paths) {
			if _, err := s.reload(p); err != nil {
				return s.failed(err)
			}
		}
	}
	s.rules, s.ruleFnd = rules.Parse(opt.Rules)
	return s.full()
}

// Update applies a batch of changed content paths (slash-separated,
// relative to the content folder; a folder stands for everything under
// it) and rebuilds what they change.
func (s *Session) Update(paths []string) (*Result, error) {
	if s.sources == nil {
		return s.Reset(s.opt)
	}
	var changed []*source
	structural := false
	for _, p := range cleanPaths(paths) {
		kind, err := s.reload(p)
		if err != nil {
			return s.failed(err)
		}
		switch kind {
		case edited:
			changed = append(changed, s.sources[p])
		case other:
			structural = true
		}
	}
	if structural || s.snap == nil || s.snap.Err != nil || s.site == nil {
		return s.full()
	}
	return s.quick(changed)
}

type change int

const (
	none   change = iota // nothing that matters changed
	edited               // an existing page's file was re-read
	other                // a page or file came or went
)

// reload re-reads one changed path and says what kind of change it was.
func (s *Session) reload(p string) (change, error) {
	st, err := fs.Stat(s.opt.Content, p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return none, err
	}
	if err == nil && !st.IsDir() && !skippedPath(p) && st.Mode().IsRegular() {
		if _, isPage := s.sources[p]; isPage && load.IsMarkdown(path.Base(p)) {
			data, err := fs.ReadFile(s.opt.Content, p)
			if err != nil {
				return none, err
			}
			s.sources[p] = s.parse(load.Source{Path: p, Data: data})
			return edited, nil
		}
	}
	// Anything else: forget what was under p and read it again.
	gone := s.forget(p)
	if err != nil || skippedPath(p) {
		if gone {
			return other, nil
		}
		return none, nil
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() && st.Mode()&fs.ModeSymlink == 0 {
			return other, nil
		}
		if !load.IsMarkdown(path.Base(p)) {
			s.files[p] = true
			return other, nil
		}
		data, err := fs.ReadFile(s.opt.Content, p)
		if err != nil {
			return none, err
		}
		s.sources[p] = s.parse(load.Source{Path: p, Data: data})
		return other, nil
	}
	sub, err := fs.Sub(s.opt.Content, p)
	if err != nil {
		return none, err
	}
	content, err := load.Load(sub)
	if err != nil {
		return none, err
	}
	for _, src := range content.Sources {
		src.Path = p + "/" + src.Path
		s.sources[src.Path] = s.parse(src)
	}
	for _, f := range content.Files {
		s.files[p+"/"+f] = true
	}
	return other, nil
}

// forget drops the pages and files at or under p, and says whether there
// were any.
func (s *Session) forget(p string) bool {
	gone := false
	under := func(k string) bool { return k == p || strings.HasPrefix(k, p+"/") }
	for k := range s.sources {
		if under(k) {
			delete(s.sources, k)
			gone = true
		}
	}
	for k := range s.files {
		if under(k) {
			delete(s.files, k)
			gone = true
		}
	}
	return gone
}

// skippedPath reports whether load.Load leaves a path out: a dot file or
// folder, node_modules, or a file other tools keep beside their pages.
func skippedPath(p string) bool {
	segs := strings.Split(p, "/")
	for _, s := range segs {
		if strings.HasPrefix(s, ".") || s == "node_modules" {
			return true
		}
	}
	switch name := segs[len(segs)-1]; name {
	case "_category_.json", "_category_.yml", "_category_.yaml", "Thumbs.db":
		return true
	default:
		return strings.HasSuffix(name, ".erb") && !load.IsMarkdown(name)
	}
}

func cleanPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "/"))
		if p == "." || p == ".." || strings.HasPrefix(p, "../") {
			p = "."
		}
		out = append(out, p)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if slices.Contains(out, ".") {
		return []string{"."}
	}
	return out
}

// parse parses one source and remembers what Render will change in it.
func (s *Session) parse(src load.Source) *source {
	p, finds := parse.Page(src, parse.Options{
		Config:     s.cfg,
		Markdown:   s.md,
		FilePrefix: s.opt.ContentPrefix,
		NavTitles:  s.opt.NavTitles,
		Drafts:     s.opt.Drafts,
	})
	yml, _, _, _ := frontmatter.Split(src.Data)
	out := &source{page: p, finds: finds, yml: bytes.Clone(yml)}
	for _, l := range p.Outline.Links {
		switch n := l.Node.(type) {
		case *ast.Link:
			out.dests = append(out.dests, dest{n, bytes.Clone(n.Destination)})
		case *ast.Image:
			out.dests = append(out.dests, dest{n, bytes.Clone(n.Destination)})
		}
	}
	return out
}

// restore puts back the link destinations as written.
func (src *source) restore() {
	for _, d := range src.dests {
		switch n := d.node.(type) {
		case *ast.Link:
			n.Destination = d.dest
		case *ast.Image:
			n.Destination = d.dest
		}
	}
}

// fresh returns a copy of a parsed page with nothing of Resolve or
// Validate in it, so the pipeline can run again over the same parse.
func fresh(p *site.Page) *site.Page {
	return &site.Page{
		Path: p.Path, File: p.File, Ref: p.Ref, URL: p.URL, Kind: p.Kind, ID: p.ID,
		Meta: p.Meta, Title: p.Title, TitleFromH1: p.TitleFromH1, TitleFromName: p.TitleFromName,
		Body: p.Body, BodyLine: p.BodyLine, Doc: p.Doc, Outline: p.Outline,
	}
}

// full runs Resolve, Validate and Render over every parsed page, as
// generator.Check and generator.Build do.
func (s *Session) full() (*Result, error) {
	paths := slices.Sorted(maps.Keys(s.sources))
	finds := slices.Clone(s.cfgFind)
	var pages []*site.Page
	byPath := map[string]*site.Page{}
	for _, p := range paths {
		src := s.sources[p]
		finds = append(finds, src.finds...)
		if src.page.Meta.Draft && !s.opt.Drafts {
			continue
		}
		src.restore()
		pg := fresh(src.page)
		pages = append(pages, pg)
		byPath[p] = pg
	}
	st := resolve.Site(s.cfg, pages, slices.Sorted(maps.Keys(s.files)), s.opt.Now)
	finds = append(finds, s.ruleFnd...)
	finds = append(finds, validate.Rules(st, s.rules)...)
	finds = append(finds, validate.Site(st)...)
	if !s.cfg.Found {
		for i := range finds {
			finds[i].Severity = diag.Warning
		}
	}
	diag.Sort(finds)
	r, err := render.New(st, render.Options{
		Layouts: s.opt.Layouts, Assets: s.opt.Assets, Content: s.opt.Content,
		Markdown: s.md, Bodies: &s.bodies, Findings: finds, Now: s.opt.Now, Version: s.opt.Version,
	})
	if err != nil {
		return s.failed(err)
	}
	mem := output.NewMemory()
	err = r.All(mem)
	if errors.Is(err, fs.ErrNotExist) {
		// A file went between its event and now (an editor's temporary
		// file renamed away): its own event follows; build without it.
		gone := false
		for f := range s.files {
			if _, serr := fs.Stat(s.opt.Content, f); serr != nil {
				delete(s.files, f)
				gone = true
			}
		}
		if gone {
			return s.full()
		}
	}
	if err != nil {
		return s.failed(err)
	}
	// The first build makes the search export; later ones keep the last
	// export and leave the new one for Index, so that the pages reload
	// first.
	export := s.docs == nil || s.snap == nil
	if export {
		docs := search.Docs(st)
		if _, _, err := s.exporter.Update(docs); err != nil {
			return s.failed(err)
		}
		s.docs = docs
	}
	files := make(map[string][]byte, len(st.Pages)+64)
	for _, name := range mem.Names() {
		files[name], _ = mem.File(name)
	}
	for name, data := range s.exporter.Files() {
		files[name] = data
	}
	s.site, s.byPath, s.rend, s.built, s.indexStale = st, byPath, r, maps.Clone(s.sources), !export
	res := s.publish(files, nil, finds)
	res.Full = true
	res.Rendered = len(st.Pages)
	res.IndexStale = !export
	return res, nil
}

// quick re-renders pages whose interface the edit kept, or runs the whole
// pipeline when one of them changed it.
func (s *Session) quick(changed []*source) (*Result, error) {
	var render []*site.Page
	for _, src := range changed {
		old := s.byPath[src.page.Path]
		if old == nil {
			prev := s.built[src.page.Path]
			if prev != nil && src.page.Meta.Draft && !s.opt.Drafts && bytes.Equal(prev.yml, src.yml) {
				s.built[src.page.Path] = src
				continue // still a draft with the same findings, and not in the site
			}
			return s.full()
		}
		if !s.sameInterface(old, src) {
			return s.full()
		}
		// The page keeps its place in the graph; only its body and the
		// nodes its links point into are new.
		np := src.page
		old.Meta, old.Body, old.BodyLine, old.Doc, old.Outline = np.Meta, np.Body, np.BodyLine, np.Doc, np.Outline
		for i := range old.Links {
			old.Links[i].Link = np.Outline.Links[i]
		}
		render = append(render, old)
		for _, p := range s.site.Pages {
			if p.RunbookOf == old {
				render = append(render, p)
			}
		}
	}
	if len(render) == 0 {
		res := &Result{Snapshot: s.snap}
		return res, nil
	}
	slices.SortFunc(render, func(a, b *site.Page) int { return strings.Compare(a.URL, b.URL) })
	render = slices.Compact(render)
	mem := output.NewMemory()
	if err := s.rend.Pages(mem, render); err != nil {
		s.site = nil // the graph now holds a page that did not render
		return s.failed(err)
	}
	files := maps.Clone(s.snap.files)
	names := mem.Names()
	for _, name := range names {
		files[name], _ = mem.File(name)
	}
	var removed []string
	if !s.indexStale {
		// The search export follows at once: the changed pages are
		// analysed again, and only the files they change are made.
		docs := slices.Clone(s.docs)
		for _, p := range render {
			d, ok := search.DocOf(p)
			i := slices.IndexFunc(docs, func(d search.Doc) bool { return d.URL == p.URL })
			if ok && i >= 0 {
				docs[i] = d
			}
		}
		ch, rm, err := s.exporter.Update(docs)
		if err != nil {
			return s.failed(err)
		}
		s.docs = docs
		for _, name := range ch {
			files[name] = s.exporter.Files()[name]
		}
		for _, name := range rm {
			delete(files, name)
		}
		names, removed = append(names, ch...), rm
	}
	for _, src := range changed {
		s.built[src.page.Path] = src
	}
	res := s.publish(files, names, s.snap.Findings)
	res.Removed = removed
	res.Rendered = len(render)
	res.IndexStale = s.indexStale
	return res, nil
}

// Docs returns the pages as the search export has them. The slice is not
// changed afterwards.
func (s *Session) Docs() []search.Doc { return s.docs }

// Index brings the search export up to date with the pages after a full
// rebuild left it stale (Result.IndexStale), redoing only what the pages
// that changed change. Until Index, the snapshot equals a build's but for
// the search/ files.
func (s *Session) Index() (*Result, error) {
	if !s.indexStale || s.site == nil {
		return &Result{Snapshot: s.snap}, nil
	}
	docs := search.Docs(s.site)
	changed, removed, err := s.exporter.Update(docs)
	if err != nil {
		return s.failed(err)
	}
	s.docs = docs
	files := maps.Clone(s.snap.files)
	for _, name := range removed {
		delete(files, name)
	}
	for _, name := range changed {
		files[name] = s.exporter.Files()[name]
	}
	res := s.publish(files, changed, s.snap.Findings)
	res.Removed = removed
	s.indexStale = false
	return res, nil
}

// sameInterface reports whether a re-parsed page shows the rest of the site
// what it showed before, and has the same findings.
func (s *Session) sameInterface(old *site.Page, src *source) bool {
	np := src.page
	if np.URL != old.URL || np.Title != old.Title || np.Kind != old.Kind || np.ID != old.ID || np.Ref != old.Ref ||
		np.TitleFromH1 != old.TitleFromH1 || np.TitleFromName != old.TitleFromName || np.BodyLine != old.BodyLine ||
		np.Meta.Draft != old.Meta.Draft {
		return false
	}
	if prev := s.built[np.Path]; prev == nil || !bytes.Equal(src.yml, prev.yml) {
		return false
	}
	a, b := old.Outline, np.Outline
	if a.H1Text != b.H1Text || (a.H1 == nil) != (b.H1 == nil) || len(a.Headings) != len(b.Headings) ||
		len(a.Links) != len(b.Links) || len(a.Tasks) != len(b.Tasks) || len(old.Links) != len(b.Links) {
		return false
	}
	for i := range a.Headings {
		x, y := a.Headings[i], b.Headings[i]
		if x.ID != y.ID || x.Text != y.Text || x.Level != y.Level {
			return false
		}
	}
	for i := range a.Tasks {
		if a.Tasks[i].Text != b.Tasks[i].Text || a.Tasks[i].Checked != b.Tasks[i].Checked {
			return false
		}
	}
	moved := false
	for i := range a.Links {
		x, y := a.Links[i], b.Links[i]
		if x.Dest != y.Dest || x.Image != y.Image {
			return false
		}
		moved = moved || x.Line != y.Line
	}
	if moved {
		// Link findings name the line: they would move.
		for _, f := range s.snap.Findings {
			if f.Path == old.File && strings.HasPrefix(f.Check, "link/") {
				return false
			}
		}
	}
	return true
}

// publish makes the new snapshot and tells what changed. When only some
// names can have changed, they are given.
func (s *Session) publish(files map[string][]byte, names []string, finds []diag.Finding) *Result {
	prev := s.snap
	s.snap = &Snapshot{files: files, Findings: finds}
	res := &Result{Snapshot: s.snap}
	if prev == nil {
		res.Changed = s.snap.Names()
		return res
	}
	if names == nil {
		names = slices.Collect(maps.Keys(files))
		for name := range prev.files {
			if _, ok := files[name]; !ok {
				res.Removed = append(res.Removed, name)
			}
		}
	}
	for _, name := range names {
		if old, ok := prev.files[name]; !ok || !bytes.Equal(old, files[name]) {
			res.Changed = append(res.Changed, name)
		}
	}
	slices.Sort(res.Changed)
	slices.Sort(res.Removed)
	return res
}

// failed keeps the last site and findings, with the error that stopped
// the build.
func (s *Session) failed(err error) (*Result, error) {
	snap := &Snapshot{files: map[string][]byte{}, Err: err}
	if s.snap != nil {
		snap.files, snap.Findings = s.snap.files, s.snap.Findings
	}
	s.snap = snap
	return &Result{Snapshot: snap}, err
}

// parallel runs f(0) to f(n-1) on every core.
func parallel(n int, f func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// StyleSwaps returns, when a batch changed only stylesheets, the output
// names of the old stylesheets and of those that replace them, so that
// pages can swap them in place; otherwise nil. prev is the snapshot before
// the batch.
func (r *Result) StyleSwaps(prev *Snapshot) map[string]string {
	if prev == nil || len(r.Removed) == 0 {
		return nil
	}
	swaps := map[string]string{}
	var added []string
	for _, name := range r.Changed {
		if _, existed := prev.files[name]; !existed {
			if path.Ext(name) != ".css" {
				return nil
			}
			added = append(added, name)
		}
	}
	for _, old := range r.Removed {
		if path.Ext(old) != ".css" {
			return nil
		}
		stem := unhashed(old)
		for _, n := range added {
			if unhashed(n) == stem {
				swaps[old] = n
			}
		}
		if swaps[old] == "" {
			return nil
		}
	}
	if len(swaps) != len(added) {
		return nil
	}
	// Every other change must be the pages naming the new stylesheets.
	for _, name := range r.Changed {
		if _, existed := prev.files[name]; !existed {
			continue
		}
		if path.Ext(name) != ".html" {
			return nil
		}
		was, _ := prev.File(name)
		for o, n := range swaps {
			was = bytes.ReplaceAll(was, []byte(o), []byte(n))
		}
		now, _ := r.Snapshot.File(name)
		if !bytes.Equal(was, now) {
			return nil
		}
	}
	return swaps
}

// unhashed returns an asset name without its content hash:
// "assets/style.0123456789.css" is "assets/style.css".
func unhashed(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	return stem + ext
}
