// Package render is the Render stage: it turns the resolved site into
// files. Links in each page's markdown are rewritten to page URLs, bodies
// are rendered by goldmark, and each page is executed through the
// html/template layout of its kind, in parallel across cores. Assets are
// written under content-hashed names. Its input is a site.Site, the layouts
// and assets (an fs.FS each, the site's own files over the embedded ones)
// and the markdown converter; its output goes to a Writer.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/fnv"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/yuin/goldmark/ast"
)

// Writer receives the files Render makes: name is a slash-separated path
// under the site root ("runbooks/db/index.html"), and WriteFile may be
// called from several goroutines at once. The Write stage's writers
// (package output) are Writers; Render does not import that later stage.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// Options are what Render needs besides the site.
type Options struct {
	Layouts  fs.FS // layouts/*.html and layouts/partials/*.html
	Assets   fs.FS // files copied under hashed names
	Content  fs.FS // the content folder, for files that are not pages
	Markdown *markdown.Markdown
	// Theme, when set, is the parsed layouts and assets of an earlier
	// render with the same Layouts, Assets and base_url, which are then
	// not read again.
	Theme *Theme
	// Bodies, when set, keeps rendered bodies for the next build.
	Bodies *BodyCache
	// Keys, when set, is the dependency keys' shared part as the last
	// update of this site graph left it (see Renderer.PatchKeys); a new
	// graph needs a new one.
	Keys     *Keys
	Findings []diag.Finding
	// LivePreview marks each page's findings in listings and team pages
	// (findingCount), for contributors in the live preview; a published
	// site shows readers none.
	LivePreview bool
	Now         time.Time
	// Version is printed in the generator meta tag.
	Version string
	// Salt is mixed into every dependency key: a hash of the inputs that
	// reach the layouts by other ways (the configuration).
	Salt uint64
	// LastUpdated is when each content file last changed, by content
	// path (from git: see package gitinfo), or nil.
	LastUpdated map[string]time.Time
	// Cache, when set with Bodies, keeps what catalog.json, llms.txt and
	// pages.json show of each page from one build to the next (see
	// saved.go): for a one-shot build, whose Bodies start empty.
	Cache buildcache.Store
}

// Theme is the layouts and assets of a site, parsed and hashed once: the
// part of rendering that does not depend on the pages.
type Theme struct {
	base     string            // the path of base_url, "/" by default
	assets   map[string]string // asset name -> hashed URL path
	assetOut map[string][]byte // hashed output name -> bytes
	tmpl     map[string]*template.Template
	// serviceWorker is assets/sw.js, served unhashed from the root.
	serviceWorker []byte
	// Sum is a hash of the layouts, the assets and the base path, for
	// dependency keys; Shared the same of what every page reads (the
	// base path, the assets, base.html and the partials), layoutSums of
	// each layout of layoutNames. A page's output reads Shared and its
	// own layout's sum, so an edit of page.html renders the pages of
	// that layout again, not every page.
	Sum, Shared uint64
	layoutSums  map[string]uint64
	// Input is a hash of the files the theme was made from (see
	// ThemeInput).
	Input uint64
	// readsNow is true when a layout may show the time of the build
	// (its text has "Now", as in .Site.Now): every key then has it.
	readsNow bool
	// splices is, by layout, whether its pages' sidebar can be made
	// alone (see PageSidebar and sidebarAlone). Such a layout's "sidebar"
	// template is the site's, named sidebarBody, between two calls of
	// sidebarMark.
	splices map[string]bool
	// sidebarBodyless is, by splicing layout, whether its sidebar reads
	// none of the bodies (.Content, .Runbook) and calls no other
	// template, which might: SidebarAt then does not make them.
	sidebarBodyless map[string]bool
}

// sidebarBody is the name a splicing layout gives its "sidebar" template.
const sidebarBody = "playbook-sidebar-body"

// ThemeInput hashes the files a theme is made from and the base path:
// an engine whose layouts and assets hash as its theme's Input keeps the
// theme rather than parse it again. Errors are those of reading the
// files.
func ThemeInput(layouts, assets fs.FS, baseURL string) (uint64, error) {
	h := fnv.New64a()
	h.Write([]byte(baseURL))
	h.Write([]byte{0})
	for _, fsys := range []fs.FS{layouts, assets} {
		h.Write([]byte{1})
		if fsys == nil {
			continue
		}
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			h.Write([]byte(p))
			h.Write([]byte{0})
			h.Write(data)
			h.Write([]byte{0})
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return h.Sum64(), nil
}

// layoutSum is the hash of the layout page p is rendered with.
func (t *Theme) layoutSum(p *site.Page) uint64 {
	if p.URL == "/" {
		return t.layoutSums["home.html"]
	}
	return t.layoutSums[layoutFor(p.Kind)]
}

// NewTheme parses the layouts and hashes the assets for a site whose
// base_url is baseURL. Errors name the layout file and line.
func NewTheme(layouts, assets fs.FS, baseURL string) (*Theme, error) {
	t := &Theme{base: "/", assets: map[string]string{}, assetOut: map[string][]byte{}}
	if baseURL != "" {
		if u, err := url.Parse(baseURL); err == nil && u.Path != "" {
			t.base = strings.TrimSuffix(u.Path, "/") + "/"
		}
	}
	in, err := ThemeInput(layouts, assets, baseURL)
	if err != nil {
		in = 0 // loadTemplates below says what is wrong
	}
	t.Input = in
	h := fnv.New64a()
	h.Write([]byte(t.base))
	if err := t.loadAssets(assets, h); err != nil {
		return nil, err
	}
	if err := t.loadTemplates(layouts, h); err != nil {
		return nil, err
	}
	t.Sum = h.Sum64()
	return t, nil
}

// Renderer renders the pages of one site graph.
type Renderer struct {
	*Theme
	opt  Options
	site *site.Site
	tmpl map[string]*template.Template // the theme's, with this renderer's functions
	// The sidebar's sections that do not hold the page shown are the
	// same on every page: their NavSection and HTML, by section page.
	navCache, navHTMLCache sync.Map
	// navLines are the sidebar's list items of the pages not shown, by
	// page (see navLine).
	navLines sync.Map
	// buffers are the buffers pages and bodies are written into: each is
	// copied out once, at its size, rather than grown anew every time.
	buffers  sync.Pool
	sd       *SiteData
	findings map[string][]diag.Finding // by file
	keys     *Keys
	// lists are the pages' lists (see list), made once per graph.
	lists sync.Map
	// sidebarSame is, by layout, whether the sidebar of its pages is
	// written as SidebarAt writes it (see PageSidebar).
	sidebarSame sync.Map
	// partials are the templates partialCached ran, by layout, name and
	// variant: the same on every page of a site graph.
	partials sync.Map
}

// Site renders every page, the listing pages and the assets of s into w.
func Site(s *site.Site, w Writer, opt Options) error {
	r, err := New(s, opt)
	if err != nil {
		return err
	}
	return r.All(w)
}

// New prepares a renderer of s: the theme (opt.Theme, or parsed from
// opt.Layouts and opt.Assets) bound to this site.
func New(s *site.Site, opt Options) (*Renderer, error) {
	th := opt.Theme
	if th == nil {
		var err error
		if th, err = NewTheme(opt.Layouts, opt.Assets, s.Config.URL()); err != nil {
			return nil, err
		}
	}
	r := &Renderer{Theme: th, opt: opt, site: s, tmpl: map[string]*template.Template{}, keys: opt.Keys}
	if r.keys == nil {
		r.keys = &Keys{}
	}
	r.buffers.New = func() any { return new(bytes.Buffer) }
	funcs := r.funcs()
	for name, t := range th.tmpl {
		c, err := t.Clone()
		if err != nil {
			return nil, err
		}
		r.tmpl[name] = c.Funcs(funcs)
	}
	r.Refresh(opt.Findings)
	return r, nil
}

func (t *Theme) loadAssets(assets fs.FS, h hash.Hash64) error {
	add := func(name string, data []byte) {
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		t.assets[name] = t.base + "assets/" + hashed
		t.assetOut["assets/"+hashed] = data
		h.Write([]byte(name))
		h.Write(sum[:])
	}
	add("highlight.css", markdown.HighlightCSS())
	if assets == nil {
		return nil
	}
	return fs.WalkDir(assets, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		add(p, data)
		if p == "sw.js" {
			t.serviceWorker = data
		}
		return nil
	})
}

// layoutFor names the layout file of each kind of page.
func layoutFor(k site.Kind) string {
	switch k {
	case site.Runbook, site.Alert, site.Checklist, site.Team, site.Persona, site.Section:
		return string(k) + ".html"
	}
	return "page.html"
}

// layoutNames are the layouts a theme has, one per kind of page.
func layoutNames() []string {
	return []string{"page.html", "home.html", "runbook.html", "alert.html", "checklist.html", "team.html", "persona.html", "section.html", "404.html", "search.html"}
}

func (t *Theme) loadTemplates(layouts fs.FS, h hash.Hash64) error {
	partials, err := fs.Glob(layouts, "partials/*.html")
	if err != nil {
		return err
	}
	files := append([]string{"base.html"}, partials...)
	t.layoutSums = map[string]uint64{}
	for i, name := range append(slices.Clone(files), layoutNames()...) {
		data, err := fs.ReadFile(layouts, name)
		if err != nil {
			return fmt.Errorf("layouts: %w", err)
		}
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(data)
		t.readsNow = t.readsNow || bytes.Contains(data, []byte("Now"))
		if i == len(files)-1 {
			t.Shared = h.Sum64() // the base path, assets, base.html, partials
		}
		if i >= len(files) {
			l := fnv.New64a()
			l.Write(data)
			t.layoutSums[name] = l.Sum64()
		}
	}
	// The functions are bound to each Renderer (New); these only name them.
	base, err := template.New("base.html").Funcs((&Renderer{}).funcs()).ParseFS(layouts, files...)
	if err != nil {
		return fmt.Errorf("layouts: %w", err)
	}
	t.tmpl = map[string]*template.Template{}
	for _, name := range layoutNames() {
		c, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := c.ParseFS(layouts, name); err != nil {
			return fmt.Errorf("layouts: %w", err)
		}
		t.tmpl[name] = c
	}
	t.splices, t.sidebarBodyless = map[string]bool{}, map[string]bool{}
	for name, c := range t.tmpl {
		if !sidebarAlone(c) {
			continue
		}
		w := treeWalk{}
		w.walk(c.Lookup("sidebar").Tree.Root, false)
		t.sidebarBodyless[name] = !w.content
		// The site's sidebar, between two marks.
		if _, err := c.AddParseTree(sidebarBody, c.Lookup("sidebar").Tree.Copy()); err != nil {
			return fmt.Errorf("layouts/%s: %w", name, err)
		}
		if _, err := c.New("sidebar").Parse(`{{sidebarMark .}}{{template "` + sidebarBody + `" .}}{{sidebarMark .}}`); err != nil {
			return fmt.Errorf("layouts/%s: %w", name, err)
		}
		t.splices[name] = true
	}
	return nil
}

// sidebarAlone reports whether the sidebar of set t's pages can be made
// alone: t has a "sidebar" template, which "base" calls once, outside a
// loop, so that it is written in one context (html/template escapes a
// template in the context of its call), and no other template calls
// sidebar or navSection, the functions that read the sidebar's pages.
func sidebarAlone(t *template.Template) bool {
	if t.Lookup("sidebar") == nil || t.Lookup("base") == nil || t.Lookup(sidebarBody) != nil {
		return false
	}
	calls := 0
	for _, tt := range t.Templates() {
		if tt.Name() == "sidebar" || tt.Tree == nil {
			continue
		}
		w := treeWalk{}
		w.walk(tt.Tree.Root, false)
		if w.nav {
			return false
		}
		if w.calls > 0 && (tt.Name() != "base" || w.inLoop) {
			return false
		}
		calls += w.calls
	}
	return calls == 1
}

// treeWalk looks through a template's tree for calls of the sidebar's
// functions and template.
type treeWalk struct {
	nav    bool // calls sidebar, navSection or navSections
	calls  int  // calls of the "sidebar" template
	inLoop bool // one of them is in a range
	// content is true when the tree names a field that holds a
	// rendered body (bodyFields) or calls another template than
	// "sidebar".
	content bool
}

func (w *treeWalk) walk(n parse.Node, loop bool) {
	switch n := n.(type) {
	case *parse.IdentifierNode:
		w.nav = w.nav || n.Ident == "sidebar" || n.Ident == "navSection" || n.Ident == "navSections"
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				w.walk(c, loop)
			}
		}
	case *parse.ActionNode:
		w.walk(n.Pipe, loop)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				w.walk(c, loop)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			w.walk(a, loop)
		}
	case *parse.FieldNode:
		w.content = w.content || slices.ContainsFunc(n.Ident, bodyField)
	case *parse.VariableNode:
		w.content = w.content || slices.ContainsFunc(n.Ident, bodyField)
	case *parse.ChainNode:
		w.content = w.content || slices.ContainsFunc(n.Field, bodyField)
		w.walk(n.Node, loop)
	case *parse.IfNode:
		w.branch(&n.BranchNode, loop, false)
	case *parse.RangeNode:
		w.branch(&n.BranchNode, loop, true)
	case *parse.WithNode:
		w.branch(&n.BranchNode, loop, false)
	case *parse.TemplateNode:
		if n.Name == "sidebar" {
			w.calls++
			w.inLoop = w.inLoop || loop
		} else {
			w.content = true
		}
		w.walk(n.Pipe, loop)
	}
}

// bodyField reports whether a field of Page is a rendered body, which
// pageData fills from the bodies it is given.
func bodyField(name string) bool { return name == "Content" || name == "Runbook" }

func (w *treeWalk) branch(b *parse.BranchNode, loop, isRange bool) {
	w.walk(b.Pipe, loop)
	w.walk(b.List, loop || isRange)
	w.walk(b.ElseList, loop)
}

// bodies renders the markdown bodies of pages.
func (r *Renderer) bodies(pages []*site.Page) (map[*site.Page]template.HTML, error) {
	bodies := make(map[*site.Page]template.HTML, len(pages))
	var mu sync.Mutex
	err := forEach(pages, func(p *site.Page) error {
		if p.Doc == nil {
			return nil
		}
		h, err := r.body(p)
		if err != nil {
			return err
		}
		mu.Lock()
		bodies[p] = h
		mu.Unlock()
		return nil
	})
	return bodies, err
}

// All renders everything: every page, the site-wide files and the
// content folder's other files.
func (r *Renderer) All(w Writer) error {
	pages := r.site.Pages
	bodies, err := r.bodies(pages)
	if err != nil {
		return err
	}
	r.opt.Bodies.KeepOnly(pages)
	err = forEach(pages, func(p *site.Page) error {
		for n := 1; n <= r.listPages(p); n++ {
			html, err := r.page(p, n, bodies)
			if err != nil {
				return err
			}
			if err := w.WriteFile(OutName(PagerURL(p, n)), html); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := r.SiteFiles(w); err != nil {
		return err
	}
	for _, f := range r.site.Files {
		if resolve.Generated(r.site, f) != "" {
			continue // Validate reports it; what the build writes wins
		}
		data, err := fs.ReadFile(r.opt.Content, f)
		if err != nil {
			return err
		}
		if err := w.WriteFile(f, data); err != nil {
			return err
		}
	}
	return nil
}

// Page renders one page: its layout with its body and, for an alert page,
// its runbook's body. It returns the output file's name and bytes; a
// page whose list has further pages makes them with PageAt.
func (r *Renderer) Page(p *site.Page) (name string, html []byte, err error) {
	html, err = r.PageAt(p, 1)
	return OutName(p.URL), html, err
}

// PageAt renders page n (from 1) of the list on page p (see Outputs).
func (r *Renderer) PageAt(p *site.Page, n int) ([]byte, error) {
	bodies, err := r.pageBodies(p)
	if err != nil {
		return nil, err
	}
	return r.page(p, n, bodies)
}

// PageTo renders page n (from 1) of the list on page p, as PageAt does,
// and gives its bytes to write, which must not keep them once it
// returns: they are the renderer's buffer, used again for the next page.
// It saves a copy of every page a build writes straight to disk.
func (r *Renderer) PageTo(p *site.Page, n int, write func(html []byte) error) error {
	bodies, err := r.pageBodies(p)
	if err != nil {
		return err
	}
	d, name, err := r.pageData(p, n, bodies)
	if err != nil {
		return err
	}
	return r.executeTo(p, d, name, "base", write)
}

// pageBodies renders the bodies page p shows: its own and its runbook's.
func (r *Renderer) pageBodies(p *site.Page) (map[*site.Page]template.HTML, error) {
	bodies := map[*site.Page]template.HTML{}
	for _, q := range []*site.Page{p, p.RunbookOf} {
		if q == nil || q.Doc == nil {
			continue
		}
		var err error
		if bodies[q], err = r.body(q); err != nil {
			return nil, err
		}
	}
	return bodies, nil
}

// SiteFiles writes the files that are not pages of their own: the 404
// page, the search results page, the hashed assets, redirects and their pages, _headers, the
// service worker, sitemap.xml, robots.txt, pages.json, catalog.json and
// llms.txt.
func (r *Renderer) SiteFiles(w Writer) error {
	for _, part := range r.SiteParts() {
		if err := part.Write(w); err != nil {
			return err
		}
	}
	return nil
}

// SitePart is a group of site-wide files that depend on the same inputs.
type SitePart struct {
	Name string
	// Key is the dependency key of the part's files (see keys.go).
	Key   uint64
	Write func(w Writer) error
}

// SiteParts returns the site-wide files in groups, each with its key, so
// that an engine writes again only the groups whose key changed.
func (r *Renderer) SiteParts() []SitePart {
	k := r.prepareKeys()
	r.loadSaved()
	catalog, llms := r.catalogKeys()
	pages := r.pagesKey()
	r.saveEntries()
	return []SitePart{
		{"404", k.notFound, r.notFound},
		{"search page", k.searchPage, r.searchPage},
		{"assets", r.Theme.Sum, r.assetFiles},
		{"redirects", k.redirects, r.redirects},
		{"headers", k.global, r.headers},
		{"sitemap", k.sitemap, r.sitemap},
		{"pages.json", pages, r.pagesJSON},
		{"catalog.json", catalog, r.catalogJSON},
		{"llms.txt", llms, r.llmsTxt},
	}
}

func (r *Renderer) assetFiles(w Writer) error {
	for _, name := range sortedKeys(r.assetOut) {
		if err := w.WriteFile(name, r.assetOut[name]); err != nil {
			return err
		}
	}
	// The service worker is served unhashed from the site's root: its
	// scope is the folder it is served from.
	if r.serviceWorker != nil {
		return w.WriteFile("sw.js", r.serviceWorker)
	}
	return nil
}

// OutName is the file that serves a URL: "/a/b/" is "a/b/index.html".
func OutName(u string) string {
	name := strings.TrimPrefix(u, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	return name
}

// forEach runs f on every page, using every core, and returns the first
// error.
func forEach(pages []*site.Page, f func(*site.Page) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan *site.Page)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for p := range next {
				if err := f(p); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for _, p := range pages {
		next <- p
	}
	close(next)
	wg.Wait()
	return first
}

// linkDests returns the destinations p's links are rendered with: each
// resolved link's target URL under the site's base path.
func linkDests(p *site.Page, base string) map[ast.Node][]byte {
	var m map[ast.Node][]byte
	for _, l := range p.Links {
		if !l.Local || (l.Target == nil && !l.File) || l.Missing {
			continue
		}
		dest := l.URL
		if strings.HasPrefix(dest, "/") {
			dest = base + strings.TrimPrefix(dest, "/")
		}
		if m == nil {
			m = make(map[ast.Node][]byte, len(p.Links))
		}
		m[l.Node] = []byte(dest)
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Page is what a layout receives.
type Page struct {
	*site.Page
	// Title to ReviewDue are the page's own, copied here so that the
	// layouts read them as fields of Page: text/template looks up a
	// promoted field of an embedded struct by a breadth-first search
	// that allocates, every time it is read, a tenth of a page's time.
	Title           string
	URL             string
	Kind            site.Kind
	ID              string
	Meta            *frontmatter.Meta
	Stale           bool
	OwnerTeam       *site.Page
	RunbookOf       *site.Page
	OnboardingPages []*site.Page
	ReviewDue       frontmatter.Date
	Outline         markdown.Outline
	AlertPages      []*site.Page
	RuleAlerts      []string

	Site    *SiteData
	Content template.HTML
	// Runbook is the body of an alert page's runbook, rendered in place.
	Runbook template.HTML
	Crumbs  []*site.Page
	// Findings are the findings on this page, for the review banner.
	Findings []diag.Finding
	// Updated is when the page's file last changed (its last commit), or
	// zero when that is not known.
	Updated time.Time
	// Children are the page's children this page of its list shows (see
	// Pager): all of them when the list fits on one page.
	Children []*site.Page
	// Pager is where this page is among the pages of its list, nil when
	// the list fits on one page (see PagerSize).
	Pager *Pager

	// out is the buffer the page is written into, and marks where the
	// sidebar starts and ends in it (sidebarMark), when PageSidebar
	// renders it.
	out   *bytes.Buffer
	marks []int
	// layout is the layout the page is rendered with, whose templates
	// partialCached runs; cached is how many partialCached calls the
	// data is inside of.
	layout string
	cached int
}

// SiteData is what every layout knows of the site.
type SiteData struct {
	Title    string
	Config   *config.Config
	Home     *site.Page
	Personas []*site.Page
	Sections []*site.Page // the home page's children: folders, and pages at the content root
	Now      time.Time
	Version  string
}

func (r *Renderer) siteData() *SiteData {
	sd := &SiteData{Title: r.site.Config.Title, Config: r.site.Config, Home: r.site.Home, Now: r.opt.Now, Version: r.opt.Version}
	for _, id := range sortedKeys(r.site.Personas) {
		sd.Personas = append(sd.Personas, r.site.Personas[id])
	}
	slices.SortStableFunc(sd.Personas, func(a, b *site.Page) int { return a.Meta.Weight - b.Meta.Weight })
	if root := r.site.ByURL["/"]; root != nil {
		for _, c := range root.Children {
			// Folders, and the pages at the content root, in their order.
			if len(c.Children) > 0 || c.Path != "" && c != root {
				sd.Sections = append(sd.Sections, c)
			}
		}
	}
	return sd
}

// data is what the layouts get of page p, but for its body.
func (r *Renderer) data(p *site.Page) *Page {
	return &Page{Page: p, Site: r.sd, Children: p.Children,
		Title: p.Title, URL: p.URL, Kind: p.Kind, ID: p.ID, Meta: p.Meta, Stale: p.Stale, OwnerTeam: p.OwnerTeam,
		RunbookOf: p.RunbookOf, OnboardingPages: p.OnboardingPages, ReviewDue: p.ReviewDue,
		Outline: p.Outline, AlertPages: p.AlertPages, RuleAlerts: p.RuleAlerts}
}

// layoutName is the layout page p is rendered with.
func (r *Renderer) layoutName(p *site.Page) string {
	if p.URL == "/" {
		return "home.html"
	}
	return layoutFor(p.Kind)
}

// PageSidebar is PageAt, and where in the page its sidebar is:
// html[at[0]:at[1]] is what SidebarAt returns for it. at is nil when the
// page's layout does not show the sidebar as a part of its own (see
// Output.Rest), or its sidebar is not once in the page as it is alone.
func (r *Renderer) PageSidebar(p *site.Page, n int) (html []byte, at []int, err error) {
	bodies, err := r.pageBodies(p)
	if err != nil {
		return nil, nil, err
	}
	d, name, err := r.pageData(p, n, bodies)
	if err != nil {
		return nil, nil, err
	}
	if !r.splices[name] {
		html, err = r.execute(p, d, name, "base")
		return html, nil, err
	}
	b := r.buffers.Get().(*bytes.Buffer)
	defer r.buffers.Put(b)
	b.Reset()
	d.out = b
	if err := r.tmpl[name].ExecuteTemplate(b, "base", d); err != nil {
		return nil, nil, layoutError(p, name, err)
	}
	html = bytes.Clone(b.Bytes())
	if len(d.marks) != 2 || d.marks[0] > d.marks[1] {
		return html, nil, nil
	}
	at = d.marks
	// The layout's sidebar is written in the context of its one call:
	// the first page of each layout checks that this is the context
	// SidebarAt writes it in.
	same, ok := r.sidebarSame.Load(name)
	if !ok {
		d.out, d.marks = nil, nil
		side, err := r.execute(p, d, name, sidebarBody)
		if err != nil {
			return nil, nil, err
		}
		same = bytes.Equal(side, html[at[0]:at[1]])
		r.sidebarSame.Store(name, same)
	}
	if !same.(bool) {
		return html, nil, nil
	}
	return html, at, nil
}

// SidebarAt renders the sidebar of page n (from 1) of page p's list
// alone: the layout's "sidebar" template, with the data the page's
// layout gets.
func (r *Renderer) SidebarAt(p *site.Page, n int) ([]byte, error) {
	var bodies map[*site.Page]template.HTML
	if !r.sidebarBodyless[r.layoutName(p)] {
		var err error
		if bodies, err = r.pageBodies(p); err != nil {
			return nil, err
		}
	}
	d, name, err := r.pageData(p, n, bodies)
	if err != nil {
		return nil, err
	}
	if !r.splices[name] {
		return nil, fmt.Errorf("%s: layouts/%s: the sidebar cannot be rendered alone", p.URL, name)
	}
	return r.execute(p, d, name, sidebarBody)
}

// page renders page n (from 1) of page p's list.
func (r *Renderer) page(p *site.Page, n int, bodies map[*site.Page]template.HTML) ([]byte, error) {
	d, name, err := r.pageData(p, n, bodies)
	if err != nil {
		return nil, err
	}
	return r.execute(p, d, name, "base")
}

// execute runs template tmpl of layout name with d.
func (r *Renderer) execute(p *site.Page, d *Page, name, tmpl string) ([]byte, error) {
	var out []byte
	err := r.executeTo(p, d, name, tmpl, func(b []byte) error {
		out = bytes.Clone(b)
		return nil
	})
	return out, err
}

// executeTo runs template tmpl of layout name with d into one of the
// renderer's buffers, and gives the bytes to write, which must not keep
// them once it returns.
func (r *Renderer) executeTo(p *site.Page, d *Page, name, tmpl string, write func([]byte) error) error {
	b := r.buffers.Get().(*bytes.Buffer)
	defer r.buffers.Put(b)
	b.Reset()
	if err := r.tmpl[name].ExecuteTemplate(b, tmpl, d); err != nil {
		return layoutError(p, name, err)
	}
	return write(b.Bytes())
}

// layoutError is an error of layout name as it rendered page p.
func layoutError(p *site.Page, name string, err error) error {
	file := p.File
	if file == "" {
		file = p.URL
	}
	return fmt.Errorf("%s: layouts/%s: %w", file, name, err)
}

// pageData is what the layout of page p gets for page n (from 1) of its
// list, and the layout's name.
func (r *Renderer) pageData(p *site.Page, n int, bodies map[*site.Page]template.HTML) (*Page, string, error) {
	d := r.data(p)
	d.Content = bodies[p]
	if of := r.listPages(p); n < 1 || n > of {
		return nil, "", fmt.Errorf("%s: no page %d of its list, which has %d", p.URL, n, of)
	}
	if items, ok := r.list(p); ok {
		d.Pager = pagerOf(p, n, len(items), r.pagerSize())
		if pg := d.Pager; pg != nil && len(p.Children) > 0 {
			if l := r.layoutName(p); l == "page.html" || l == "home.html" {
				d.Children = p.Children[pg.From:pg.To]
			}
		}
	}
	if p.RunbookOf != nil {
		d.Runbook = bodies[p.RunbookOf]
	}
	for c := p.Parent; c != nil; c = c.Parent {
		d.Crumbs = append([]*site.Page{c}, d.Crumbs...)
	}
	if p.File != "" {
		d.Findings = r.findings[p.File]
	}
	d.Updated = r.updated(p)
	d.layout = r.layoutName(p)
	return d, d.layout, nil
}

func (r *Renderer) notFound(w Writer) error {
	p := &site.Page{Parsed: &site.Parsed{URL: "/404.html", Kind: site.Guide, Title: "Page not found", Meta: r.siteHome().Meta}}
	d := r.data(p)
	d.layout = "404.html"
	var b bytes.Buffer
	if err := r.tmpl["404.html"].ExecuteTemplate(&b, "base", d); err != nil {
		return fmt.Errorf("layouts/404.html: %w", err)
	}
	return w.WriteFile("404.html", b.Bytes())
}

// searchPage writes the search results page at /search/, unless the site
// has a page of its own there.
func (r *Renderer) searchPage(w Writer) error {
	for _, p := range r.site.Pages {
		if p.URL == "/search/" {
			return nil
		}
	}
	p := &site.Page{Parsed: &site.Parsed{URL: "/search/", Kind: site.Guide, Title: "Search", Meta: r.siteHome().Meta}}
	d := r.data(p)
	d.layout = "search.html"
	var b bytes.Buffer
	if err := r.tmpl["search.html"].ExecuteTemplate(&b, "base", d); err != nil {
		return fmt.Errorf("layouts/search.html: %w", err)
	}
	return w.WriteFile("search/index.html", b.Bytes())
}

func (r *Renderer) siteHome() *site.Page {
	if r.site.Home != nil {
		return r.site.Home
	}
	return &site.Page{Parsed: &site.Parsed{URL: "/", Title: r.site.Config.Title, Meta: &frontmatter.Meta{Lines: map[string]int{}}}}
}

// Refresh readies r, a renderer of a graph that resolve.Graph.Patch has
// since changed in place, for the graph as it is now, with its new
// findings, keeping its templates (opt's Theme, Keys and the rest are
// those r was made with).
func (r *Renderer) Refresh(findings []diag.Finding) {
	r.opt.Findings = findings
	r.sd = r.siteData()
	r.findings = map[string][]diag.Finding{}
	for _, f := range findings {
		r.findings[f.Path] = append(r.findings[f.Path], f)
	}
	r.navCache, r.navHTMLCache, r.navLines = sync.Map{}, sync.Map{}, sync.Map{}
	r.lists = sync.Map{}
	r.partials = sync.Map{}
}
