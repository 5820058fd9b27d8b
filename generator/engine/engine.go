// Package engine is playbook's one build engine. It runs the stages of
// DESIGN.md in order,
//
//	Load -> Parse -> Resolve -> Validate -> Render -> Index -> Write
//
// and it is incremental: an Engine keeps what each stage made, and an
// Update with the paths that changed re-reads and re-parses only those
// files, resolves and checks the site graph again from the parsed pages,
// and renders again only the output files whose dependency key changed
// (render.Renderer.Key: the page, and what it shows of other pages,
// folders, teams, personas, rules, layouts, assets and configuration). A
// full build is the first update, over every file; `build`, `check`,
// `serve` and `search` all run it.
//
// Its input is Options (the content folder as an fs.FS, the configuration,
// layouts, assets and rule files) and then Changes; its output is findings,
// the site graph, and the site's files: either kept in memory as an
// immutable Snapshot (the live preview, tests) or written as they are made
// to an output.Writer (a build). No stage writes to what an earlier stage
// made: parsed pages are shared from one update to the next, and each
// update makes a new graph over them.
package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
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
)

// Options are the inputs of a build.
type Options struct {
	// Content is the content folder.
	Content fs.FS
	// ContentPrefix is put before content paths in findings ("content/").
	ContentPrefix string
	// Config is the bytes of playbook.yaml, or nil when the site has none;
	// ConfigFile names it in findings.
	Config     []byte
	ConfigFile string
	// Layouts and Assets are the theme: the site's own files over the
	// embedded ones (see generator.Overlay).
	Layouts fs.FS
	Assets  fs.FS
	// NavTitles are page titles from another tool's navigation, by content
	// path (see load.MkDocsTitles).
	NavTitles map[string]string
	// Detected is what the command found about the tool the content was
	// written for (see config.Detected).
	Detected config.Detected
	// Static are folders whose files are published at the site root, as
	// Docusaurus and Hugo publish static/ (config.Config.Static): the
	// link /img/logo.png is the file img/logo.png of one of them. A
	// content file of the same path wins, and an earlier folder over a
	// later one.
	Static []Folder
	// Site is the site folder, the content folder's parent in the usual
	// layout: a page's relative link that leaves the content folder but
	// not the site folder (config.Config.ContentDir) is to a file of this
	// folder, published under resolve.OutsidePrefix. nil reads none.
	Site Folder
	// PreviewURL, when set, is the URL the site is built for instead of
	// base_url (config.Config.PreviewURL): a deploy preview's.
	PreviewURL string
	// BaseURL is the site's canonical URL when playbook.yaml sets no
	// base_url (Netlify's URL), or "".
	BaseURL string
	// Rules are Prometheus rule files to check the alerts against.
	Rules []rules.File
	// Now is the time reviews are measured against.
	Now     time.Time
	Version string
	Drafts  bool
	// LastUpdated is when each content file last changed, by content
	// path (gitinfo.LastUpdated): shown on pages and in pages.json; nil
	// for none.
	LastUpdated map[string]time.Time

	// CheckOnly stops each update after Validate: findings and the site
	// graph, no files.
	CheckOnly bool
	// Out, when set, receives every output file as it is made, and the
	// Snapshot keeps none of them (a one-shot build, which also releases
	// each page's syntax tree once it is rendered: see release.go).
	// Otherwise the files are kept in memory, in Snapshots.
	Out output.Writer
	// LivePreview renders for contributors (the live preview): listings mark
	// each page's findings ("2 findings"). A published build leaves those
	// marks out; readers cannot act on them.
	LivePreview bool
	// SearchAPI keeps a bleve index of the pages up to date with each
	// update, for Engine.Search (the live preview's /api/search).
	SearchAPI bool
	// Cache keeps work between builds: highlighted code blocks and the
	// search analysis of pages (see package buildcache). nil keeps none;
	// the output is the same either way.
	Cache buildcache.Store

	// parsedBudget, when not 0, replaces defaultParsedBudget (see
	// release.go); negative keeps no syntax tree. For tests.
	parsedBudget int
}

// Folder is a folder of the site other than the content folder.
type Folder struct {
	FS fs.FS
	// Prefix is put before its paths in findings ("static/").
	Prefix string
}

// Change is what changed since the last update.
type Change struct {
	// Content are content paths that changed (slash-separated, relative
	// to the content folder); a folder stands for everything under it,
	// "." for the whole folder.
	Content []string
	// Options, when set, replaces the options: the configuration,
	// layouts, assets or rule files changed. Pages are parsed again only
	// when what Parse reads changed (the configuration, the content
	// prefix, drafts, navigation titles).
	Options *Options
}

// Snapshot is a built site as one update left it. It never changes once
// made; a later update makes a new one that shares the unchanged files.
type Snapshot struct {
	files    *files
	Findings []diag.Finding
	// Site is the site graph; Pages the number of its pages made from
	// markdown files (drafts left out unless asked for; not the listings
	// made for folders), Sources the number of markdown files.
	Site    *site.Site
	Pages   int
	Sources int
	// Err is an error that stopped the update (a template error, an
	// unreadable file); the files and findings are then those of the
	// last update that did not fail.
	Err error
}

// File returns a file of the site.
func (s *Snapshot) File(name string) ([]byte, bool) {
	if s.files == nil {
		return nil, false
	}
	f, ok := s.files.get(name)
	return f.bytes(), ok
}

// Has reports whether the site has file name, without making it (a
// site-wide file is joined only when read, see render.Joined).
func (s *Snapshot) Has(name string) bool {
	if s.files == nil {
		return false
	}
	_, ok := s.files.get(name)
	return ok
}

// Names returns the site's file names, sorted.
func (s *Snapshot) Names() []string {
	if s.files == nil {
		return nil
	}
	return s.files.names()
}

// Errors returns the number of findings of error severity.
func (s *Snapshot) Errors() int { e, _ := diag.Count(s.Findings); return e }

// Result tells what an update did.
type Result struct {
	Snapshot *Snapshot
	// Changed are the output files that are new or differ; Removed those
	// that are gone. Both are sorted.
	Changed []string
	Removed []string
	// Parsed is the number of markdown files parsed, Unread the number
	// of them made from the content index without reading the file (it
	// was as the last build read it, see index.go), Rendered the number
	// of pages rendered. Kept is the number of output files a build into
	// a folder left as they were, made under the same dependency key by
	// an earlier build (output.Keyed), instead of making them again.
	// Spliced is the number of the pages rendered whose sidebar alone
	// changed: it was rendered alone, into the page's last bytes.
	Parsed   int
	Unread   int
	Rendered int
	Spliced  int
	Kept     int
	// Patched is true when the site graph was brought up to date in
	// place (the change left its shape as it was, see
	// resolve.Graph.Patch) rather than made again.
	Patched bool
	// Took is how long the update took.
	Took time.Duration
	// Sources are the content paths of the change that were or are a
	// page or a file of the site, sorted: not an editor's temporary
	// file that came and went within it, nor one the site skips (see
	// package load). Nil when the whole content was read.
	Sources []string
}

// Engine is the incremental build of one site. Its methods must not be
// called concurrently; Search may be, from any goroutine.
type Engine struct {
	opt       Options
	cfg       *config.Config
	cfgFind   []diag.Finding
	salt      uint64
	md        *markdown.Markdown
	parsed    map[string]*site.Parsed // by content path
	files     map[string]bool         // content files that are not pages
	static    map[string]int          // static files by output path -> index in opt.Static
	outside   map[string][]string     // content path of a page -> site folder files it links to
	skipped   map[string]load.Skipped // symbolic links not followed
	rules     []*rules.Rule
	ruleFind  []diag.Finding
	ruleFiles map[string]ruleFile // by path
	theme     *render.Theme
	bodies    render.BodyCache

	// The site graph, its checks and the dependency keys' shared part,
	// brought up to date in place by updates that leave the graph's
	// shape as it was (resolve.Graph.Patch); keyState is nil when the
	// next update must work out every page's key.
	graph    *resolve.Graph
	checker  *validate.Checker
	keyState *render.Keys
	renderer *render.Renderer // of graph, theme and keyState
	// paths are the parsed pages' content paths, sorted; pages the
	// number in the graph; inherits is true when a page has a cascade
	// or playbook.yaml defaults, which Patch does not follow.
	paths       []string
	pages       int
	inherits    bool
	inheritFind []diag.Finding
	// parseFind are the parsed pages' findings, summarised; nil when
	// they must be gathered again.
	parseFind []diag.Finding

	// What the last update made.
	keys map[string]uint64 // page output file -> dependency key
	// navs are, by page output file, the part of its key that is not
	// its sidebar's (render.Output.Rest) and where its sidebar is in the
	// snapshot's bytes, when the engine keeps its files: a change that
	// leaves the rest renders the sidebar alone into the page.
	navs     map[string]navState
	parts    map[string]uint64 // site-wide part -> dependency key
	siteOut  map[string]string // site-wide file -> its part
	docs     map[string]search.Doc
	docFrom  map[string]*site.Parsed // the parsed page each document was made from
	docList  []search.Doc            // the documents, sorted by URL
	docAt    map[string]int          // by URL, the place in docList
	exporter search.Exporter
	// searchOwed are the files of the export that changed since the
	// last snapshot was published (see updateSearch).
	searchOwed map[string]bool
	snap       *Snapshot
	// themeStale is true when the options changed since the theme was
	// made: its files may have.
	themeStale bool
	// stale are content files changed since the last update that did
	// not fail, to be copied again.
	stale map[string]bool
	// full is true until an update succeeds: the next renders all.
	full bool

	api *search.MemoryIndex
	// held is what a one-shot build's render still reads of each page
	// (release.go); nil otherwise.
	held *held
	// index is the content index of a one-shot build's update, from
	// when the content folder is read until the update ends (index.go);
	// nil otherwise.
	index *indexRun
}

// New builds the site once, over every file.
func New(ctx context.Context, opt Options) (*Engine, *Result, error) {
	e := &Engine{full: true}
	if opt.SearchAPI {
		e.api = &search.MemoryIndex{}
	}
	res, err := e.Update(ctx, Change{Options: &opt})
	return e, res, err
}

// Snapshot returns the site as the last update left it.
func (e *Engine) Snapshot() *Snapshot { return e.snap }

// Search runs a query on the pages as the last update left them (with
// Options.SearchAPI). The index is built in the background after the
// first update and kept current by each update, never by a query; a
// query that comes before it is ready waits for it.
func (e *Engine) Search(q search.Query) ([]search.Hit, error) {
	if e.api == nil {
		return nil, errors.New("engine: no search index (Options.SearchAPI)")
	}
	return e.api.Search(q)
}

// SearchAPI returns the engine's search index, which serves
// /api/search, or nil without Options.SearchAPI.
func (e *Engine) SearchAPI() *search.MemoryIndex { return e.api }

// Docs returns the pages as the search index has them, sorted by URL.
func (e *Engine) Docs() []search.Doc {
	return slices.SortedFunc(maps.Values(e.docs), func(a, b search.Doc) int { return strings.Compare(a.URL, b.URL) })
}

// Update applies a change and rebuilds what it changes. When ctx is
// cancelled (a newer change supersedes this one), it stops between stages
// and returns ctx.Err(); the engine stays ready for the next update, which
// then covers this change too.
func (e *Engine) Update(ctx context.Context, ch Change) (*Result, error) {
	start := time.Now()
	res, err := e.update(ctx, ch)
	if err != nil {
		// The parsed pages may be ahead of the graph, and the graph
		// ahead of the keys: the next update resolves the site and
		// works out every page's key again.
		e.graph, e.keyState = nil, nil
		if ctx.Err() != nil {
			return &Result{Snapshot: e.snap}, ctx.Err()
		}
		return e.failed(err)
	}
	res.Took = time.Since(start)
	return res, nil
}

func (e *Engine) update(ctx context.Context, ch Change) (*Result, error) {
	res := &Result{}
	var indexSaved func() // waits until the content index is stored (index.go)
	reparse := e.parsed == nil
	// reshape is true when the site graph must be resolved again, not
	// patched (resolve.Graph.Patch).
	reshape := e.graph == nil || e.full || e.inherits
	if ch.Options != nil {
		old := e.opt
		e.opt = *ch.Options
		reparse = reparse || !bytes.Equal(old.Config, e.opt.Config) || old.ConfigFile != e.opt.ConfigFile ||
			old.ContentPrefix != e.opt.ContentPrefix || old.Drafts != e.opt.Drafts || !maps.Equal(old.NavTitles, e.opt.NavTitles) ||
			!sameFS(old.Content, e.opt.Content) || old.PreviewURL != e.opt.PreviewURL || old.BaseURL != e.opt.BaseURL ||
			old.LivePreview != e.opt.LivePreview
		// Dates are keyed on every page that shows one: the next
		// update works out every key.
		reshape = reshape || !old.Now.Equal(e.opt.Now) || !maps.Equal(old.LastUpdated, e.opt.LastUpdated)
		// An alert that a rule now defines, or no longer does, changes
		// what the pages' checks say (a runbook's alerts:, an alert
		// page's rule): the site is checked again.
		reshape = e.parseRules() || reshape
		e.themeStale = true
		static := e.static
		if err := e.loadStatic(); err != nil {
			return nil, err
		}
		// Links resolve against the static files too.
		reshape = reshape || !maps.Equal(static, e.static)
	}
	var changed, replaced []*site.Parsed
	if reparse {
		e.cfg, e.cfgFind = config.Default(), nil
		if e.opt.Config != nil {
			e.cfg, e.cfgFind = config.Parse(e.opt.ConfigFile, e.opt.Config)
		}
		e.cfg.Adopt(e.opt.Detected)
		if e.cfg.BaseURL == "" {
			e.cfg.BaseURL = e.opt.BaseURL
		}
		e.cfg.PreviewURL = e.opt.PreviewURL
		h := fnv.New64a()
		h.Write(e.opt.Config)
		h.Write([]byte(e.opt.PreviewURL + "\x00" + e.opt.BaseURL + "\x00"))
		h.Write([]byte(e.opt.ContentPrefix))
		if e.opt.LivePreview {
			h.Write([]byte{1})
		}
		// What was detected of another tool is read as configuration
		// (config.Config.Adopt).
		d := e.opt.Detected
		fmt.Fprintf(h, "%q %q %q", d.Source, d.ContentURL, d.ContentDir)
		for _, k := range slices.Sorted(maps.Keys(d.Categories)) {
			fmt.Fprintf(h, " %q %+v", k, d.Categories[k])
		}
		for _, k := range slices.Sorted(maps.Keys(d.NavOrder)) {
			fmt.Fprintf(h, " %q %d", k, d.NavOrder[k])
		}
		e.salt = h.Sum64()
		e.md = markdown.New(markdown.Options{UnsafeHTML: e.cfg.UnsafeHTML, Cache: e.opt.Cache})
		e.parsed, e.files = map[string]*site.Parsed{}, map[string]bool{}
		e.outside = map[string][]string{}
		e.skipped = map[string]load.Skipped{}
		e.full, e.stale, reshape = true, nil, true
		r, err := e.reload(".")
		if err != nil {
			return nil, fmt.Errorf("reading content: %w", err)
		}
		if e.index != nil {
			// The index of these pages is made and stored on another
			// core while the build goes on.
			indexSaved = e.saveIndex(e.index)
		}
		res.Parsed = len(r.parsed)
		for _, pp := range r.parsed {
			if pp.Unread {
				res.Unread++
			}
		}
	} else {
		for _, p := range cleanPaths(ch.Content) {
			r, err := e.reload(p)
			if err != nil {
				return nil, err
			}
			res.Parsed += len(r.parsed)
			if r.site {
				res.Sources = append(res.Sources, p)
			}
			changed = append(changed, r.parsed...)
			replaced = append(replaced, r.replaced...)
			reshape = reshape || r.reshaped
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// A one-shot build reads its pages' search analyses from the cache
	// meanwhile.
	pre := e.startEarly()

	// Resolve and Validate: the graph patched in place when the change
	// leaves its shape as it was, made again otherwise.
	var touched []*site.Page
	patched := false
	if !reshape {
		touched, patched = e.graph.Patch(changed, e.opt.Now)
	}
	if patched {
		if ch.Options != nil {
			touched = append(touched, e.graph.Rules(e.rules)...)
		}
		e.checker.Recheck(touched)
		if ch.Options != nil || slices.ContainsFunc(touched, func(p *site.Page) bool { return p.Kind == site.Alert }) {
			e.checker.Rules(e.rules)
		}
		e.bodies.Forget(replaced)
	} else {
		e.resolve()
	}
	res.Patched = patched
	st := e.graph.Site
	if !patched || slices.ContainsFunc(changed, hasFindings) || slices.ContainsFunc(replaced, hasFindings) {
		e.parseFind = nil
	}
	finds := e.findings()
	snap := &Snapshot{Findings: finds, Site: st, Pages: e.pages, Sources: len(e.paths)}
	if e.opt.CheckOnly {
		e.snap, res.Snapshot = snap, snap
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		// The graph is ahead of the files: the next update works out
		// every page's key again.
		e.keyState = nil
		return nil, err
	}

	// Render: the pages whose key changed, then the site-wide files.
	themeChanged := false
	if e.theme == nil || e.themeStale {
		// The layouts and assets are parsed again only when their files
		// changed (a rule file's edit leaves them as they were).
		in, err := render.ThemeInput(e.opt.Layouts, e.opt.Assets, e.cfg.URL())
		if e.theme == nil || err != nil || in != e.theme.Input {
			th, err := render.NewTheme(e.opt.Layouts, e.opt.Assets, e.cfg.URL())
			if err != nil {
				e.theme, e.keyState = nil, nil
				return nil, err
			}
			themeChanged = e.theme == nil || th.Sum != e.theme.Sum
			e.theme = th
		}
		e.themeStale = false
	}
	if e.keyState == nil {
		e.keyState, patched = &render.Keys{}, false
	}
	r := e.renderer
	var err error
	if patched && r != nil && r.Theme == e.theme && ch.Options == nil {
		r.Refresh(finds)
	} else {
		r, err = render.New(st, render.Options{
			Content: e.opt.Content, Markdown: e.md, Theme: e.theme, Bodies: &e.bodies, Keys: e.keyState,
			Findings: finds, LivePreview: e.opt.LivePreview, Now: e.opt.Now, Version: e.opt.Version, Salt: e.salt,
			LastUpdated: e.opt.LastUpdated, Cache: e.entryCache(),
		})
		if err != nil {
			return nil, err
		}
		e.renderer = r
	}
	cands, all := st.Pages, true
	if patched {
		cands, all = r.PatchKeys(touched)
		if all || themeChanged {
			// A layout changed: the keys of its pages did (see
			// render.Theme), though not what pages show of each other.
			all = true
			cands = st.Pages
		}
	}
	w := e.writer()
	keys := make(map[string]uint64, len(cands))
	// A page makes its own file and, when its list runs to more than
	// one page, a file for each further page (render.Outputs).
	type job struct {
		p   *site.Page
		n   int
		key uint64
		// splice is true when only the page's sidebar changed: it is
		// rendered alone, into the page's last bytes. nav is the
		// output's state after the job.
		splice bool
		nav    navState
	}
	var todo []*job
	var gone []string
	// The engine keeps its files in memory (serve): a page whose
	// sidebar alone changed has only its sidebar rendered.
	memory := e.opt.Out == nil
	// The output keeps no page's bytes once written (output.Transient).
	_, transient := e.opt.Out.(output.Transient)
	navs := map[string]navState{}
	published := false
	for _, p := range cands {
		if !all && st.ByURL[p.URL] != p {
			continue // validate reports the conflict; the first page has it
		}
		if _, dup := keys[render.OutName(p.URL)]; dup {
			continue
		}
		outs := r.Outputs(p)
		for _, o := range outs {
			if _, dup := keys[o.Name]; dup || o.N > 1 && st.ByURL[o.URL] != nil {
				continue // a page of the site has the URL: it wins
			}
			keys[o.Name] = o.Key
			was, had := e.navs[o.Name]
			if old, ok := e.keys[o.Name]; e.full || !ok || old != o.Key {
				if e.full && w.keep(o.Name, o.Key) {
					// The destination has it from a build of the
					// same key (output.Keyed).
					res.Kept++
					continue
				}
				j := &job{p: p, n: o.N, key: o.Key, nav: navState{rest: o.Rest}}
				j.splice = memory && !e.full && had && was.rest == o.Rest && was.at != nil
				todo = append(todo, j)
			} else if memory {
				navs[o.Name] = was
			}
		}
		if !all {
			// Its list may have had more pages than it has now.
			for n := len(outs) + 1; ; n++ {
				name := render.OutName(render.PagerURL(p, n))
				if _, ok := e.keys[name]; !ok {
					break
				}
				gone = append(gone, name)
			}
		}
	}
	// A one-shot build releases each page's tree and body after the
	// last render that reads them (release.go).
	e.held = e.newHeld(pre)
	for _, j := range todo {
		e.held.count(j.p)
	}
	if e.held != nil {
		slices.SortStableFunc(todo, func(a, b *job) int { return renderOrder(a.p, b.p) })
	}
	e.held.prefetch(st)
	defer func() { e.held.wait(); e.held = nil }()
	// The site-wide files and, but in a one-shot build, the search
	// export are made beside the pages: their files reach the sink after
	// the pages', in the order a one-shot build writes them.
	side := e.startSide(r, st, touched, patched, w)
	if err := forEach(ctx, todo, func(j *job) error {
		defer e.held.release(j.p)
		if err := e.held.acquire(j.p); err != nil {
			return err
		}
		name := render.OutName(render.PagerURL(j.p, j.n))
		var html []byte
		var err error
		switch {
		case j.splice:
			html, j.nav.at, err = e.splice(r, j.p, j.n, name)
		case memory:
			html, j.nav.at, err = r.PageSidebar(j.p, j.n)
		case transient:
			// Written from the renderer's buffer, without a copy.
			return r.PageTo(j.p, j.n, func(html []byte) error { return w.writeKeyed(name, "", j.key, html) })
		default:
			html, err = r.PageAt(j.p, j.n)
		}
		if err != nil {
			return err
		}
		return w.writeKeyed(name, "", j.key, html)
	}); err != nil {
		if patched {
			// Some pages of this patch are not rendered: the next
			// update works out every page's key again.
			e.keyState = nil
		}
		side.abandon()
		return nil, err
	}
	if err := side.wait(); err != nil {
		return nil, err
	}
	res.Rendered = len(todo)
	if memory {
		for _, j := range todo {
			navs[render.OutName(render.PagerURL(j.p, j.n))] = j.nav
			if j.splice {
				res.Spliced++
			}
		}
	}
	if all {
		for name := range e.keys {
			if _, ok := keys[name]; !ok {
				w.remove(name)
			}
		}
	} else {
		keys = mergeKeys(e.keys, keys)
		navs = mergeKeys(e.navs, navs)
		defer func() {
			if !published {
				// The maps were merged in place, ahead of the
				// snapshot: the next update renders every page.
				e.keys, e.navs = nil, nil
			}
		}()
		for _, name := range gone {
			delete(keys, name)
			delete(navs, name)
			w.remove(name)
		}
	}
	parts := map[string]uint64{}
	// The files of the parts that stay are those the last update made.
	stay := map[string]bool{}
	for i, part := range side.parts {
		stay[part.Name] = !side.todo[i]
	}
	siteOut := make(map[string]string, len(e.siteOut))
	for name, owner := range e.siteOut {
		if stay[owner] {
			siteOut[name] = owner
		}
	}
	for i, part := range side.parts {
		parts[part.Name] = part.Key
		if !side.todo[i] {
			continue
		}
		if e.full {
			if names, ok := w.keepGroup(part.Name, part.Key); ok {
				res.Kept += len(names)
				for _, name := range names {
					siteOut[name] = part.Name
				}
				continue
			}
		}
		rec := &recorder{w: w, names: map[string]bool{}, group: part.Name, key: part.Key}
		if err := side.writePart(i, rec); err != nil {
			return nil, err
		}
		for name := range rec.names {
			siteOut[name] = part.Name
		}
	}
	for name, owner := range e.siteOut {
		if _, ok := siteOut[name]; !ok && keys[name] == 0 && parts[owner] != e.parts[owner] {
			w.remove(name)
		}
	}
	if !patched {
		e.bodies.KeepOnly(st.Pages)
	}

	// The content folder's other files: those that changed.
	var copyFiles []string
	if e.full {
		copyFiles = st.Files
	} else {
		copyFiles = slices.Sorted(maps.Keys(e.stale))
	}
	for _, f := range copyFiles {
		src, name := e.source(f)
		if src == nil {
			if _, ok := siteOut[f]; !ok && keys[f] == 0 {
				w.remove(f)
			}
			continue
		}
		if resolve.Generated(st, f) != "" {
			continue // Validate reports it; what the build writes wins
		}
		data, err := fs.ReadFile(src, name)
		if errors.Is(err, fs.ErrNotExist) {
			// Gone between its event and now (an editor's temporary
			// file renamed away): its own event follows.
			delete(e.files, f)
			w.remove(f)
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := w.WriteFile(f, data); err != nil {
			return nil, err
		}
	}

	// Index: the search documents of the pages parsed again. A
	// document is made from the parsed page alone (search.DocOf), so a
	// page parsed once keeps its document.
	// A one-shot build writes it as a stream (release.go).
	if e.held != nil {
		if err := e.held.export(st, w); err != nil {
			return nil, err
		}
	} else {
		// The files the export changed (made beside the pages), and
		// those an update that failed after its export left unwritten.
		if e.full {
			// The sink started empty: every file of the export, not only
			// those that changed.
			if e.searchOwed == nil {
				e.searchOwed = map[string]bool{}
			}
			for name := range e.exporter.Files() {
				e.searchOwed[name] = true
			}
		}
		for _, name := range slices.Sorted(maps.Keys(e.searchOwed)) {
			if data, ok := e.exporter.Files()[name]; ok {
				if err := w.WriteFile(name, data); err != nil {
					return nil, err
				}
			} else {
				w.remove(name)
			}
		}
		e.searchOwed = nil
	}

	if indexSaved != nil {
		indexSaved()
		e.index = nil
	}

	// Publish.
	e.keys, e.navs, e.parts, e.siteOut, e.stale, e.full = keys, navs, parts, siteOut, nil, false
	published = true
	snap.files = w.result()
	res.Snapshot = snap
	res.Changed, res.Removed = w.changes(e.snap)
	e.snap = snap
	return res, nil
}

// sameFS reports whether a and b are the same file system value. One
// that Go cannot compare (an fstest.MapFS, or a value holding one) is
// never the same: the content is read again, where == would panic.
func sameFS(a, b fs.FS) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if !va.IsValid() || !vb.IsValid() {
		return va.IsValid() == vb.IsValid()
	}
	return va.Type() == vb.Type() && va.Comparable() && vb.Comparable() && va.Equal(vb)
}

// navState is what an engine keeps of a page output's sidebar (see
// Engine.navs).
type navState struct {
	rest uint64
	at   []int // its sidebar's bytes in the snapshot's, or nil
}

// splice renders the sidebar of page n of p's list alone, into the bytes
// the snapshot has of the page's file name, and returns the new bytes
// and where the sidebar is in them.
func (e *Engine) splice(r *render.Renderer, p *site.Page, n int, name string) ([]byte, []int, error) {
	old, ok := e.snap.File(name)
	at := e.navs[name].at
	if !ok || len(at) != 2 || at[0] > at[1] || at[1] > len(old) {
		return r.PageSidebar(p, n)
	}
	side, err := r.SidebarAt(p, n)
	if err != nil {
		return nil, nil, err
	}
	html := make([]byte, 0, len(old)-(at[1]-at[0])+len(side))
	html = append(append(append(html, old[:at[0]]...), side...), old[at[1]:]...)
	return html, []int{at[0], at[0] + len(side)}, nil
}

// side is the work an update does beside its pages: the site-wide files
// (render.SitePart) whose key changed, and the search export.
type side struct {
	parts []render.SitePart
	todo  []bool // by part: its files are written again
	made  [][]madeFile
	err   error
	done  chan struct{}
}

type madeFile struct {
	name   string
	data   []byte
	joined *render.Joined
}

// partBuffer keeps the files of a site-wide part until they go to the
// sink.
type partBuffer struct {
	files []madeFile
	w     *sink
}

func (b *partBuffer) WriteFile(name string, data []byte) error {
	b.files = append(b.files, madeFile{name: name, data: data})
	return nil
}

// WriteJoined implements render.JoinedWriter.
func (b *partBuffer) WriteJoined(name string, j *render.Joined) error {
	b.files = append(b.files, madeFile{name: name, joined: j})
	return nil
}

func (b *partBuffer) CaseInsensitive() bool { return b.w.CaseInsensitive() }

// startSide starts the side work of an update. A one-shot build does it
// after the pages, as they are written (it releases each page's tree
// after its last render), and exports the search index as a stream.
func (e *Engine) startSide(r *render.Renderer, st *site.Site, touched []*site.Page, patched bool, w *sink) *side {
	sd := &side{done: make(chan struct{})}
	// The parts and their keys (which read every page) are worked out
	// beside the pages too.
	parts := func() {
		sd.parts = r.SiteParts()
		sd.todo = make([]bool, len(sd.parts))
		for i, part := range sd.parts {
			old, ok := e.parts[part.Name]
			sd.todo[i] = !ok || old != part.Key || e.full
		}
	}
	if e.held != nil {
		parts()
		close(sd.done)
		return sd
	}
	go func() {
		defer close(sd.done)
		var wg sync.WaitGroup
		wg.Go(func() {
			parts()
			sd.made = make([][]madeFile, len(sd.parts))
			for i, part := range sd.parts {
				if !sd.todo[i] {
					continue
				}
				b := &partBuffer{w: w}
				if err := part.Write(b); err != nil {
					sd.err = err
					return
				}
				sd.made[i] = b.files
			}
		})
		err := e.updateSearch(st, touched, patched)
		wg.Wait()
		if sd.err == nil {
			sd.err = err
		}
	}()
	return sd
}

// wait waits for the side work and returns its error.
func (sd *side) wait() error {
	<-sd.done
	return sd.err
}

// abandon waits for the side work of an update that failed.
func (sd *side) abandon() { <-sd.done }

// writePart writes the files of part i: made beside the pages, or made
// now.
func (sd *side) writePart(i int, w render.Writer) error {
	if sd.made == nil {
		return sd.parts[i].Write(w)
	}
	for _, f := range sd.made[i] {
		var err error
		if f.joined != nil {
			err = render.WriteJoined(w, f.name, f.joined)
		} else {
			err = w.WriteFile(f.name, f.data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// updateSearch brings the search export and the index of /api/search up
// to date with the pages, and notes the files of the export that changed
// in searchOwed, to be written by this update or, when it fails, the
// next.
func (e *Engine) updateSearch(st *site.Site, touched []*site.Page, patched bool) error {
	list, at := e.searchDocs(st, touched, patched)
	e.exporter.Cache = e.opt.Cache
	var changed, removed []string
	var err error
	if at != nil {
		changed, removed, err = e.exporter.UpdateAt(list, at)
	} else {
		changed, removed, err = e.exporter.Update(list)
	}
	if err != nil {
		return err
	}
	if e.searchOwed == nil {
		e.searchOwed = map[string]bool{}
	}
	for _, name := range changed {
		e.searchOwed[name] = true
	}
	for _, name := range removed {
		e.searchOwed[name] = true
	}
	if e.api != nil {
		if at != nil {
			e.api.SetAt(list, at)
		} else {
			e.api.Set(list)
		}
	}
	return nil
}

// parseRules parses the rule files of the options, each file again only
// when its bytes changed. It reports whether the alerts the rules define
// may have changed: a file is new or gone, or a file parsed again defines
// other alerts than before.
func (e *Engine) parseRules() (names bool) {
	cache := make(map[string]ruleFile, len(e.opt.Rules))
	e.rules, e.ruleFind = nil, nil
	for _, f := range e.opt.Rules {
		rf, ok := e.ruleFiles[f.Path]
		if !ok || !bytes.Equal(rf.data, f.Data) {
			old := rf.rules
			rf.data = f.Data
			rf.rules, rf.finds = rules.Parse([]rules.File{f})
			names = names || !ok || !slices.Equal(alertNames(old), alertNames(rf.rules))
		}
		cache[f.Path] = rf
		e.rules = append(e.rules, rf.rules...)
		e.ruleFind = append(e.ruleFind, rf.finds...)
	}
	for path := range e.ruleFiles {
		if _, ok := cache[path]; !ok {
			names = true
		}
	}
	e.ruleFiles = cache
	return names
}

// ruleFile is a rule file as it was parsed.
type ruleFile struct {
	data  []byte
	rules []*rules.Rule
	finds []diag.Finding
}

// alertNames returns the alerts that rules define, sorted.
func alertNames(rs []*rules.Rule) []string {
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, r.Alert)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// mergeKeys sets the keys of the pages rendered by a patch in the keys
// of the last update, which it changes.
func mergeKeys[V any](all, changed map[string]V) map[string]V {
	maps.Copy(all, changed)
	return all
}

// resolve makes the site graph again from the parsed pages, and checks
// it.
func (e *Engine) resolve() {
	e.paths = slices.Sorted(maps.Keys(e.parsed))
	parsed := make([]*site.Parsed, 0, len(e.paths))
	var drafts []*site.Parsed
	e.inherits = len(e.cfg.Defaults) > 0
	for _, p := range e.paths {
		pp := e.parsed[p]
		e.inherits = e.inherits || pp.Meta.Cascade != ""
		if pp.Meta.Draft && !e.opt.Drafts {
			drafts = append(drafts, pp)
			continue
		}
		parsed = append(parsed, pp)
	}
	e.pages = len(parsed)
	parsed, e.inheritFind = parse.Inherit(parsed, e.cfg, e.opt.ConfigFile)
	files, fileFrom := e.fileList()
	e.graph = resolve.New(e.cfg, parsed, files, e.opt.Now, e.graph)
	e.graph.Site.FileFrom = fileFrom
	e.graph.Site.Drafts = drafts
	e.graph.Rules(e.rules)
	e.checker = validate.NewChecker(e.graph.Site)
	e.checker.Rules(e.rules)
	e.keyState = nil
}

func hasFindings(p *site.Parsed) bool { return len(p.Findings) > 0 }

// findings gathers the findings of every stage, sorted.
func (e *Engine) findings() []diag.Finding {
	finds := slices.Clone(e.cfgFind)
	if e.parseFind == nil {
		var pf []diag.Finding
		for _, p := range e.paths {
			pf = append(pf, e.parsed[p].Findings...)
		}
		e.parseFind = parse.Summarize(pf)
		if e.parseFind == nil {
			e.parseFind = []diag.Finding{}
		}
	}
	finds = append(finds, e.parseFind...)
	skipped := &load.Content{}
	for _, k := range slices.Sorted(maps.Keys(e.skipped)) {
		skipped.Skipped = append(skipped.Skipped, e.skipped[k])
	}
	finds = append(finds, skipped.Findings(e.opt.ContentPrefix)...)
	finds = append(finds, e.inheritFind...)
	finds = append(finds, e.ruleFind...)
	finds = append(finds, e.checker.Findings()...)
	if !e.cfg.Found {
		// A folder without playbook.yaml is documentation written for
		// another tool: every finding is reported, as a warning, so that
		// it still builds. playbook.yaml makes it a playbook, held to
		// the checks.
		for i := range finds {
			finds[i].Severity = diag.Warning
		}
	}
	diag.Sort(finds)
	return finds
}

// searchDocs returns the search documents of the site's pages, sorted
// by URL: those of pages parsed again made anew, the others kept. After a
// patch, at are the places of the documents made anew (not nil).
func (e *Engine) searchDocs(st *site.Site, touched []*site.Page, patched bool) (list []search.Doc, at []int) {
	if patched && e.docList != nil {
		list := e.docList // the exporter and the search index keep their own copies
		at = []int{}
		for _, p := range touched {
			i, ok := e.docAt[p.URL]
			if !ok || e.docFrom[p.URL] == p.Parsed {
				continue
			}
			if d, ok := search.DocOf(p); ok {
				list[i], e.docs[p.URL], e.docFrom[p.URL] = d, d, p.Parsed
				at = append(at, i)
			}
		}
		e.docList = list
		return list, at
	}
	docs := make(map[string]search.Doc, len(st.Pages))
	from := make(map[string]*site.Parsed, len(st.Pages))
	for _, p := range st.Pages {
		if d, ok := e.docs[p.URL]; ok && !e.full && e.docFrom[p.URL] == p.Parsed && p.Path != "" {
			docs[p.URL], from[p.URL] = d, p.Parsed
		} else if d, ok := search.DocOf(p); ok {
			docs[p.URL], from[p.URL] = d, p.Parsed
		}
	}
	list = slices.SortedFunc(maps.Values(docs), func(a, b search.Doc) int { return strings.Compare(a.URL, b.URL) })
	e.docs, e.docFrom, e.docList = docs, from, list
	e.docAt = make(map[string]int, len(list))
	for i, d := range list {
		e.docAt[d.URL] = i
	}
	return list, nil
}

// reloaded is what reload did.
type reloaded struct {
	// parsed are the pages parsed; replaced the parses they replace.
	parsed, replaced []*site.Parsed
	// reshaped is true when a page, a file or a skipped link came or
	// went.
	reshaped bool
	// site is true when the path was or is a page, a file or a skipped
	// link of the site, or has one under it.
	site bool
}

// reload forgets the pages and files at or under content path p, and
// reads them again.
func (e *Engine) reload(p string) (reloaded, error) {
	var r reloaded
	prefix := p + "/"
	under := func(k string) bool { return p == "." || k == p || strings.HasPrefix(k, prefix) }
	old := map[string]*site.Parsed{}
	oldOutside := map[string][]string{}
	for k, pp := range e.parsed {
		if under(k) {
			old[k] = pp
			delete(e.parsed, k)
			for _, f := range e.outside[k] {
				e.markStale(resolve.OutsidePrefix + f)
			}
			oldOutside[k] = e.outside[k]
			delete(e.outside, k)
		}
	}
	oldFiles := map[string]bool{}
	for k := range e.files {
		if under(k) {
			oldFiles[k] = true
			delete(e.files, k)
			e.markStale(k)
		}
	}
	oldSkipped := 0
	for k := range e.skipped {
		if under(k) {
			oldSkipped++
			delete(e.skipped, k)
		}
	}
	// A one-shot build reads the content index the last one left, as
	// it lists the folder.
	var lopt load.Options
	if p == "." {
		e.index = e.startIndex()
		if e.index != nil {
			lopt.Known = e.index.known
		}
	}
	c, err := load.PathWith(e.opt.Content, p, lopt)
	if err != nil {
		return r, err
	}
	for _, sk := range c.Skipped {
		e.skipped[sk.Path] = sk
	}
	r.reshaped = len(c.Skipped) != oldSkipped || len(c.Sources) != len(old) || len(c.Files) != len(oldFiles)
	r.site = len(c.Skipped)+oldSkipped+len(c.Sources)+len(old)+len(c.Files)+len(oldFiles) > 0
	opt := parse.Options{
		Config: e.cfg, Markdown: e.md, FilePrefix: e.opt.ContentPrefix,
		NavTitles: e.opt.NavTitles, Drafts: e.opt.Drafts,
	}
	if e.oneShot() {
		// A page whose body the cache has comes without its tree,
		// made again only when the page is rendered (release.go).
		opt.Cache = e.opt.Cache
		if e.index != nil {
			opt.Known = e.index.parsed
		}
	}
	// A one-shot build keeps the syntax trees of a budget of markdown
	// (release.go).
	keep, rel := e.parseSplit(c.Sources)
	parsed := parse.All(keep, opt)
	if len(rel) > 0 {
		ropt := opt
		ropt.ReleaseDoc = true
		parsed = append(parsed, parse.All(rel, ropt)...)
	}
	if e.index != nil {
		e.index.states = make(map[string]load.State, len(c.Sources))
		for _, src := range c.Sources {
			e.index.states[src.Path] = src.State
		}
	}
	// A page the index knew but whose parsed body the cache no longer
	// has is read after all.
	parsed, err = e.readMissed(parsed, c.Sources, opt)
	if err != nil {
		return r, err
	}
	for _, pp := range parsed {
		e.parsed[pp.Path] = pp
		r.parsed = append(r.parsed, pp)
		if prev := old[pp.Path]; prev != nil {
			r.replaced = append(r.replaced, prev)
		} else {
			r.reshaped = true
		}
		before := oldOutside[pp.Path]
		if err := e.linkOutside(pp); err != nil {
			return r, err
		}
		// A link to another file outside the content folder changes
		// the files links resolve against.
		r.reshaped = r.reshaped || !slices.Equal(before, e.outside[pp.Path])
	}
	for _, f := range c.Files {
		e.files[f] = true
		e.markStale(f)
		r.reshaped = r.reshaped || !oldFiles[f]
	}
	return r, nil
}

// loadStatic lists the files of the static folders (Options.Static) and
// marks those that were or are there to be copied again: the folders are
// read again whenever the options change (serve re-opens the site when
// one of them changes).
func (e *Engine) loadStatic() error {
	for f := range e.static {
		e.markStale(f)
	}
	e.static = map[string]int{}
	for i, folder := range e.opt.Static {
		if folder.FS == nil {
			continue
		}
		c, err := load.Load(folder.FS)
		if err != nil {
			return fmt.Errorf("reading %s: %w", folder.Prefix, err)
		}
		names := c.Files
		for _, src := range c.Sources {
			names = append(names, src.Path) // published as they are
		}
		for _, f := range names {
			if _, taken := e.static[f]; !taken {
				e.static[f] = i
				e.markStale(f)
			}
		}
	}
	return nil
}

// linkOutside records the files of the site folder outside the content
// folder that a page links to and that exist (resolve.OutsideFiles), and
// marks them to be copied.
func (e *Engine) linkOutside(pp *site.Parsed) error {
	delete(e.outside, pp.Path)
	if e.opt.Site.FS == nil {
		return nil
	}
	var have []string
	for _, f := range resolve.OutsideFiles(e.cfg, pp) {
		// load.Path reads by the content folder's rules: no dot files,
		// no symbolic link out of the site folder.
		c, err := load.Path(e.opt.Site.FS, f)
		if err != nil {
			return err
		}
		if slices.Contains(c.Files, f) {
			have = append(have, f)
			e.markStale(resolve.OutsidePrefix + f)
		}
	}
	if have != nil {
		e.outside[pp.Path] = have
	}
	return nil
}

// fileList returns the output paths of the files that are not pages
// (content files, static files, files outside the content folder that
// pages link to), sorted, and the file findings name for each that is not
// a content file.
func (e *Engine) fileList() ([]string, map[string]string) {
	set := make(map[string]bool, len(e.files)+len(e.static))
	from := map[string]string{}
	for f := range e.files {
		set[f] = true
	}
	for f, i := range e.static {
		if !set[f] {
			set[f] = true
			from[f] = e.opt.Static[i].Prefix + f
		}
	}
	for _, linked := range e.outside {
		for _, f := range linked {
			if out := resolve.OutsidePrefix + f; !set[out] {
				set[out] = true
				from[out] = e.opt.Site.Prefix + f
			}
		}
	}
	return slices.Sorted(maps.Keys(set)), from
}

// source returns the folder an output file is copied from and its path
// there, or nil when no file is there any more.
func (e *Engine) source(f string) (fs.FS, string) {
	if e.files[f] {
		return e.opt.Content, f
	}
	if i, ok := e.static[f]; ok {
		return e.opt.Static[i].FS, f
	}
	if rest, ok := strings.CutPrefix(f, resolve.OutsidePrefix); ok && e.opt.Site.FS != nil {
		for _, linked := range e.outside {
			if slices.Contains(linked, rest) {
				return e.opt.Site.FS, rest
			}
		}
	}
	return nil, ""
}

func (e *Engine) markStale(f string) {
	if e.stale == nil {
		e.stale = map[string]bool{}
	}
	e.stale[f] = true
}

// failed keeps the last site and findings, with the error that stopped
// the update.
func (e *Engine) failed(err error) (*Result, error) {
	snap := &Snapshot{Err: err}
	if e.snap != nil {
		snap.files, snap.Findings, snap.Site, snap.Pages, snap.Sources = e.snap.files, e.snap.Findings, e.snap.Site, e.snap.Pages, e.snap.Sources
	}
	e.snap = snap
	e.full = e.full || e.keys == nil
	return &Result{Snapshot: snap}, err
}

// cleanPaths makes changed paths content-relative and drops those under
// another; a path outside the content folder stands for all of it.
func cleanPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "/"))
		if p == "." || p == ".." || strings.HasPrefix(p, "../") {
			return []string{"."}
		}
		out = append(out, p)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	var top []string
	for _, p := range out {
		if n := len(top); n > 0 && strings.HasPrefix(p, top[n-1]+"/") {
			continue
		}
		top = append(top, p)
	}
	return top
}

// forEach runs f on every page, using every core, and returns the first
// error, or ctx's when it is cancelled.
func forEach[T any](ctx context.Context, pages []T, f func(T) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan T)
	for range min(runtime.GOMAXPROCS(0), max(len(pages), 1)) {
		wg.Go(func() {
			for p := range next {
				if err := f(p); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for _, p := range pages {
		if ctx.Err() != nil {
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
