// Package resolve is the Resolve stage: it builds the site graph from the
// parsed pages. It assigns URLs, indexes pages by URL, reference, team,
// persona and alert name, resolves every link and page reference, links
// owners to teams, alerts to runbooks, personas to their paths, and folders
// to their pages (making listing pages for folders that have none). Its
// input is parsed pages and the content's other files; its output is a
// site.Site. It reports nothing: Validate reads what could not be resolved.
package resolve

import (
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"math"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Site builds the site graph over the parsed pages (drafts already left
// out, as the caller decides), making a new Page for each; it changes
// none of them. now decides which pages are due for review.
func Site(cfg *config.Config, parsed []*site.Parsed, files []string, now time.Time) *site.Site {
	return New(cfg, parsed, files, now, nil).Site
}

// Graph is a site graph with the indexes that resolving links reads, so
// that Patch can bring it up to date in place.
type Graph struct {
	Site   *site.Site
	files  map[string]bool       // the other files, lowercased
	docs   map[string]*site.Page // by Docusaurus path, lowercased (Docusaurus sites)
	byPath map[string]*site.Page // by content path
	// runbooks are the runbook pages of runbook_urls (ruleRunbook), kept
	// while the graph's shape stays as it is: as long as the Graph
	// lives, since Patch keeps every URL and kind.
	runbooks map[string]*site.Page
	// rules are the rules that Rules linked the pages to last, linked
	// true once it has.
	rules  []*rules.Rule
	linked bool
}

// New builds the site graph as Site does. prev, when not nil, is a graph
// made before some pages changed: a page whose parse is the same, in a
// site whose LinkSum is the same, takes its resolved links from prev
// instead of resolving them again. prev is only read.
func New(cfg *config.Config, parsed []*site.Parsed, files []string, now time.Time, prev *Graph) *Graph {
	pages := make([]*site.Page, len(parsed))
	nodes := make([]site.Page, len(parsed))
	for i, p := range parsed {
		nodes[i].Parsed = p
		pages[i] = &nodes[i]
	}
	s := &site.Site{
		Config:   cfg,
		Files:    files,
		ByURL:    map[string]*site.Page{},
		ByRef:    map[string]*site.Page{},
		Teams:    map[string]*site.Page{},
		Personas: map[string]*site.Page{},
		Alerts:   map[string]*site.Page{},
	}
	slices.SortStableFunc(pages, func(a, b *site.Page) int {
		return cmp.Or(strings.Compare(a.URL, b.URL), strings.Compare(a.Path, b.Path))
	})
	for _, p := range pages {
		if _, taken := s.ByURL[p.URL]; !taken {
			s.ByURL[p.URL] = p
		}
		s.ByRef[refKey(p.Ref)] = p
		if load.IsIndex(p.Ref) {
			if _, taken := s.ByRef[refKey(path.Dir(p.Ref))]; !taken || !strings.HasPrefix(path.Base(p.Ref), "_") {
				s.ByRef[refKey(path.Dir(p.Ref))] = p
			}
		}
		switch p.Kind {
		case site.Team:
			if _, dup := s.Teams[p.ID]; !dup {
				s.Teams[p.ID] = p
			}
		case site.Persona:
			if _, dup := s.Personas[p.ID]; !dup {
				s.Personas[p.ID] = p
			}
		case site.Alert:
			if a := p.Meta.Alert; a != "" {
				if _, dup := s.Alerts[a]; !dup {
					s.Alerts[a] = p
				}
			}
		}
	}
	s.Pages = pages
	fileSet := map[string]bool{}
	for _, f := range files {
		fileSet[strings.ToLower(f)] = true
	}
	s.LinkSum = linkSum(cfg, pages, files)
	var before, byPath map[string]*site.Page
	byPath = make(map[string]*site.Page, len(pages))
	for _, p := range pages {
		byPath[p.Path] = p
	}
	if prev != nil && prev.Site.LinkSum == s.LinkSum {
		before = prev.byPath
	}

	docs := map[string]*site.Page{} // by Docusaurus path, lowercased
	if cfg.Source == "docusaurus" {
		for _, p := range pages {
			k := strings.ToLower(parse.DocusaurusPath(p.Ref, p.Meta))
			if _, dup := docs[k]; !dup {
				docs[k] = p
			}
		}
	}
	for _, p := range pages {
		if old := before[p.Path]; old != nil && old.Parsed == p.Parsed {
			p.Links = make([]site.Link, len(old.Links))
			for i, l := range old.Links {
				if l.Target != nil {
					l.Target = byPath[l.Target.Path]
				}
				p.Links[i] = l
			}
		} else {
			p.Links = make([]site.Link, 0, len(p.Outline.Links))
			for _, l := range p.Outline.Links {
				p.Links = append(p.Links, link(s, fileSet, docs, p, l))
			}
		}
		if o := p.Meta.Owner; o != "" {
			p.OwnerTeam = s.Teams[site.TeamID(o)]
		}
		for _, r := range p.Meta.Roles {
			if per := s.Personas[r]; per != nil {
				p.Personas = append(p.Personas, per)
			}
		}
		if p.Kind == site.Alert && p.Meta.Runbook != "" {
			p.RunbookOf = Ref(s, p.Meta.Runbook)
		}
		if p.Kind == site.Persona {
			for _, r := range p.Meta.OnboardingPath {
				p.OnboardingPages = append(p.OnboardingPages, Ref(s, r))
			}
		}
		p.ReviewDue, p.Stale = reviewDue(s, p.Parsed, now)
	}
	for _, p := range pages {
		if p.OwnerTeam != nil {
			p.OwnerTeam.Owned = append(p.OwnerTeam.Owned, p)
		}
		if rb := p.RunbookOf; rb != nil && rb.Kind == site.Runbook {
			rb.AlertPages = appendOnce(rb.AlertPages, p)
		}
		if p.Kind == site.Runbook {
			for _, a := range p.Meta.Alerts {
				if ap := s.Alerts[a]; ap != nil {
					p.AlertPages = appendOnce(p.AlertPages, ap)
				}
			}
		}
	}
	for _, p := range pages {
		slices.SortFunc(p.AlertPages, byURL)
	}
	sections(s)
	s.Home = s.ByURL["/"]
	return &Graph{Site: s, files: fileSet, docs: docs, byPath: byPath}
}

func byURL(a, b *site.Page) int { return strings.Compare(a.URL, b.URL) }

// linkSum hashes what resolving a link reads of the whole site: every
// page's URL, reference, path, heading ids and (for a Docusaurus site)
// Docusaurus path, the other files, and base_url.
func linkSum(cfg *config.Config, pages []*site.Page, files []string) uint64 {
	h := fnv.New64a()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(cfg.BaseURL)
	var b [8]byte
	for _, p := range pages {
		w(p.URL)
		w(p.Ref)
		w(p.Path)
		binary.LittleEndian.PutUint64(b[:], p.AnchorSum)
		h.Write(b[:])
		if cfg.Source == "docusaurus" {
			// Links may name a page by its Docusaurus path (id, slug).
			w(parse.DocusaurusPath(p.Ref, p.Meta))
		}
	}
	for _, f := range files {
		w(f)
	}
	return h.Sum64()
}

func appendOnce(l []*site.Page, p *site.Page) []*site.Page {
	if slices.Contains(l, p) {
		return l
	}
	return append(l, p)
}

func refKey(ref string) string {
	ref = strings.ToLower(strings.Trim(ref, "/"))
	if ref == "." {
		return ""
	}
	return ref
}

// Ref finds the page a front matter reference names: a content path with
// or without its extension ("runbooks/db/failover" or
// "runbooks/db/failover.md"), a site URL ("/runbooks/db/failover/"), or an
// absolute URL under the site's base_url. It returns nil when there is none.
func Ref(s *site.Site, ref string) *site.Page {
	ref = strings.TrimSpace(ref)
	if b := s.Config.BaseURL; b != "" && strings.HasPrefix(ref, b) {
		ref = "/" + strings.TrimPrefix(ref, b)
	}
	ref, _, _ = strings.Cut(ref, "#")
	if p := s.ByRef[refKey(load.Ref(ref))]; p != nil {
		return p
	}
	if strings.HasPrefix(ref, "/") {
		return byURLPath(s, ref)
	}
	return nil
}

// byURLPath finds a page by its URL, with or without the trailing slash and
// "index.html".
func byURLPath(s *site.Site, p string) *site.Page {
	p = strings.TrimSuffix(p, "index.html")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if pg := s.ByURL[p]; pg != nil {
		return pg
	}
	return s.ByURL[strings.ToLower(p)]
}

// ParseLocal is url.Parse for the common destination of a link within a
// site, a path with at most a fragment, made only of characters that
// neither url.Parse nor an escape changes: letters, digits and "-._~/".
// It returns the URL's Path and Fragment, parts of dest. Other
// destinations, and a path that starts with "//" (an authority), are not
// ok, and go to url.Parse.
func ParseLocal(dest string) (urlPath, fragment string, ok bool) {
	p, frag, hasFrag := strings.Cut(dest, "#")
	if strings.HasPrefix(p, "//") || !plainURLPart(p) || !plainURLPart(frag) || (hasFrag && frag == "") {
		return "", "", false
	}
	return p, frag, true
}

// JoinRel is path.Join(dir, target) for dir a clean relative path (as
// path.Dir returns) and target a relative one, with one allocation at
// most: the leading "../" of target take the last folders off dir, and
// what is left is joined as it is when it is clean.
func JoinRel(dir, target string) string {
	for dir != "." && strings.HasPrefix(target, "../") {
		dir, target = path.Dir(dir), target[len("../"):]
	}
	if target == "" || target == "." || target == ".." || strings.HasPrefix(target, "../") ||
		strings.HasPrefix(target, "/") || path.Clean(target) != target {
		return path.Join(dir, target)
	}
	if dir == "." {
		return target
	}
	return dir + "/" + target
}

// plainURLPart reports whether s has only letters, digits and "-._~/".
func plainURLPart(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}

// link resolves a link of page p.
func link(s *site.Site, files map[string]bool, docs map[string]*site.Page, p *site.Page, l markdown.Link) site.Link {
	out := site.Link{Link: l, URL: l.Dest}
	dest := strings.TrimSpace(l.Dest)
	if b := s.Config.BaseURL; b != "" && strings.HasPrefix(dest, b) {
		dest = "/" + strings.TrimPrefix(dest, b)
	}
	if dest == "" || strings.HasPrefix(dest, "//") {
		return out
	}
	target, fragment, ok := ParseLocal(dest)
	if !ok {
		u, err := url.Parse(dest)
		if err != nil || u.Scheme != "" || u.Host != "" {
			return out
		}
		target, fragment = u.Path, u.Fragment
	}
	out.Local = true
	out.Fragment = fragment
	if target == "" {
		out.Target = p
		out.URL = "#" + fragment
		if id, ok := p.Anchor(fragment); ok {
			out.URL = "#" + id
		}
		return out
	}
	if cu := s.Config.ContentURL; strings.HasPrefix(target, "/") && cu != "" && cu != "/" {
		// The tool served the content under content_url: a site-absolute
		// link under it is a link into the content folder; one outside it
		// is to another part of the old site, not checked.
		rest, under := strings.CutPrefix(target, cu)
		if !under && target+"/" != cu {
			out.Local = false
			return out
		}
		target = "/" + rest
		out.ByRule = true
	}
	var resolved string
	if len(docs) > 0 {
		// Docusaurus resolves URL-form links against the page's URL.
		dp := target
		if !strings.HasPrefix(dp, "/") {
			dp = path.Join(path.Dir("/"+parse.DocusaurusPath(p.Ref, p.Meta)), dp)
		}
		if pg := docs[strings.ToLower(strings.Trim(path.Clean(dp), "/"))]; pg != nil {
			out.Target = pg
		} else if !strings.HasPrefix(target, "/") {
			// or against its folder, for a page that a slug moved
			folder := parse.DocusaurusPath(path.Dir(p.Ref)+"/index", &frontmatter.Meta{})
			out.Target = docs[strings.ToLower(strings.Trim(path.Join("/"+folder, target), "/"))]
		}
	}
	switch {
	case out.Target != nil:
		out.ByRule = true
	case strings.HasPrefix(target, "/"):
		if pg := byURLPath(s, target); pg != nil {
			out.Target = pg
		}
		resolved = strings.TrimPrefix(path.Clean(target), "/")
	default:
		resolved = JoinRel(path.Dir(p.Path), target)
		if strings.HasPrefix(resolved, "../") || resolved == ".." {
			f, ok := outside(s.Config, resolved)
			if !ok || !isFile(resolved) {
				return out // outside the content folder: broken
			}
			resolved = f // a file of the site folder (OutsidePrefix)
		}
	}
	if out.Target == nil {
		out.Target = s.ByRef[refKey(load.Ref(resolved))]
	}
	if out.Target == nil && strings.HasSuffix(strings.ToLower(resolved), ".html") {
		out.Target = s.ByRef[refKey(strings.TrimSuffix(resolved, path.Ext(resolved)))]
	}
	if out.Target != nil {
		out.URL = out.Target.URL
		if fragment != "" {
			id, ok := out.Target.Anchor(fragment)
			if !ok {
				id = fragment
			}
			out.URL += "#" + id
		}
		return out
	}
	if isFile(resolved) {
		out.File = true
		out.Missing = !files[strings.ToLower(resolved)]
		out.URL = (&url.URL{Path: "/" + resolved}).EscapedPath()
		if fragment != "" {
			out.URL += "#" + fragment
		}
	}
	return out
}

// sections gives every folder a page: its index page when it has one,
// otherwise a listing page made here. Each page's Parent is its folder's
// page and each folder page lists its Children.
func sections(s *site.Site) {
	folderPage := map[string]*site.Page{} // by folder ref, "" for the root
	for _, p := range s.Pages {
		if load.IsIndex(p.Ref) {
			dir := path.Dir(p.Ref)
			if dir == "." {
				dir = ""
			}
			if _, ok := folderPage[dir]; !ok {
				folderPage[dir] = p
			}
		}
	}
	if h := s.ByURL["/"]; h != nil && folderPage[""] == nil {
		folderPage[""] = h // a page made the home page by its slug
	}
	var made []*site.Page
	var ensure func(dir string) *site.Page
	ensure = func(dir string) *site.Page {
		if fp, ok := folderPage[dir]; ok {
			return fp
		}
		url := load.URL(dir + "/index")
		if s.Config.Source == "docusaurus" {
			url = load.URL(parse.DocusaurusPath(dir+"/index", &frontmatter.Meta{}) + "/index")
		}
		pp := &site.Parsed{
			Ref:   dir + "/index",
			URL:   url,
			Kind:  site.Section,
			ID:    path.Base(dir),
			Meta:  &frontmatter.Meta{Lines: map[string]int{}},
			Title: sectionTitle(dir, s.Config),
		}
		if dir == "" {
			pp.Ref, pp.URL = "index", "/"
		}
		fp := &site.Page{Parsed: pp}
		if _, taken := s.ByURL[fp.URL]; taken {
			return nil
		}
		folderPage[dir] = fp
		s.ByURL[fp.URL] = fp
		made = append(made, fp)
		if dir != "" {
			parent := path.Dir(dir)
			if parent == "." {
				parent = ""
			}
			if pp := ensure(parent); pp != nil {
				fp.Parent = pp
				pp.Children = append(pp.Children, fp)
			}
		}
		return fp
	}
	for _, p := range s.Pages {
		dir := path.Dir(p.Ref)
		if load.IsIndex(p.Ref) {
			if dir == "." {
				continue // the home page has no parent
			}
			dir = path.Dir(dir)
		}
		if dir == "." {
			dir = ""
		}
		if fp := ensure(dir); fp != nil && fp != p {
			p.Parent = fp
			fp.Children = append(fp.Children, p)
		}
	}
	s.Pages = append(s.Pages, made...)
	slices.SortStableFunc(s.Pages, byURL)
	for dir, fp := range folderPage {
		if c, ok := s.Config.Categories[dir]; ok {
			if c.Label != "" && dir != "" {
				fp.NavLabel = c.Label
			}
			if c.HasPos {
				fp.Order = c.Position
			}
		} else if s.Config.Source == "docusaurus" && dir != "" && fp.Kind != site.Section {
			// A category is labelled by its folder, not by its index
			// page's title.
			name, _, _ := parse.StripNumberPrefix(path.Base(dir))
			fp.NavLabel = parse.Readable(name, "")
		}
	}
	for _, p := range s.Pages {
		if p.Order == 0 && p.Meta.Weight != 0 {
			p.Order = float64(p.Meta.Weight)
		}
		if p.NavLabel == "" {
			p.NavLabel = p.Meta.NavLabel
		}
	}
	// In a site from another tool, a listing made here for a folder sorts
	// where its first page does (as MkDocs' nav and Docusaurus' categories
	// place it).
	var orderOf func(p *site.Page) float64
	orderOf = func(p *site.Page) float64 {
		if p.Order != 0 || p.Kind != site.Section {
			return p.Order
		}
		for _, c := range p.Children {
			if o := orderOf(c); o != 0 && (p.Order == 0 || o < p.Order) {
				p.Order = o
			}
		}
		return p.Order
	}
	if s.Config.Source != "" {
		for _, p := range made {
			orderOf(p)
		}
	}
	for _, p := range s.Pages {
		sortPages(p.Children)
	}
}

// sortPages sorts a folder's pages: by weight, with the pages that have
// none after the weighted ones (as in Hugo and Docusaurus), then by title
// with case ignored, then by URL. A title is lowered once, not at every
// comparison: a title edit sorts its folder again, which can hold
// thousands of pages.
func sortPages(pages []*site.Page) {
	if len(pages) < 2 {
		return
	}
	type entry struct {
		p     *site.Page
		order float64
		lower string
	}
	es := make([]entry, len(pages))
	for i, p := range pages {
		es[i] = entry{p, sortOrder(p), strings.ToLower(p.Title)}
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.order, b.order), strings.Compare(a.lower, b.lower), strings.Compare(a.p.URL, b.p.URL))
	})
	for i := range es {
		pages[i] = es[i].p
	}
}

// sortOrder is a page's Order, with none after every other.
func sortOrder(p *site.Page) float64 {
	if p.Order == 0 {
		return math.MaxFloat64
	}
	return p.Order
}

func sectionTitle(dir string, cfg *config.Config) string {
	if dir == "" {
		return cfg.Title
	}
	if c := cfg.Categories[dir]; c.Label != "" {
		return c.Label
	}
	if k := site.KindOfFolder(dir); k != "" {
		return k.Plural()
	}
	if cfg.Source == "docusaurus" {
		name, _, _ := parse.StripNumberPrefix(path.Base(dir))
		return parse.Readable(name, cfg.Title)
	}
	return parse.Readable(dir, cfg.Title)
}

// isFile reports whether a link target names a file rather than a page: it
// has an extension, and not one of a page.
func isFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case "", ".md", ".mdx", ".markdown", ".html", ".htm", ".erb":
		return false
	}
	return true
}

// Rules links each alert page to the first alerting rule that defines its
// alert (Page.Rule), so that a page without an expr of its own shows the
// rule's. It changes only the pages of s, which Site made.
func Rules(s *site.Site, rs []*rules.Rule) {
	linkRules(s, rs, func(raw string) *site.Page { return ruleRunbook(s, raw) })
}

// linkRules is Rules, with find as ruleRunbook.
func linkRules(s *site.Site, rs []*rules.Rule, find func(raw string) *site.Page) {
	for _, r := range rs {
		if r.Alert != "" {
			if s.RuleAlertNames == nil {
				s.RuleAlertNames = map[string]bool{}
			}
			s.RuleAlertNames[r.Alert] = true
		}
		if p := s.Alerts[r.Alert]; p != nil && r.Alert != "" && p.Rule == nil {
			p.Rule = r
		}
		// A runbook that a rule's runbook_url leads to handles the alert.
		if rb := find(r.RunbookURL()); rb != nil && r.Alert != "" && !slices.Contains(rb.RuleAlerts, r.Alert) {
			rb.RuleAlerts = append(rb.RuleAlerts, r.Alert)
			slices.Sort(rb.RuleAlerts)
		}
	}
}

// ruleRunbook returns the runbook page that a runbook_url under the site's
// base_url (or a site path) leads to, or nil. validate.RunbookURL says why
// when there is none.
func ruleRunbook(s *site.Site, raw string) *site.Page {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	if b := s.Config.BaseURL; b != "" && strings.HasPrefix(strings.ToLower(raw), strings.ToLower(b)) {
		raw = "/" + raw[len(b):]
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return nil
	}
	p := byURLPath(s, u.Path)
	if p == nil || p.Kind != site.Runbook {
		return nil
	}
	return p
}
