package render

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsplaybook/playbook/generator/site"
)

// Group is a list of pages of one kind, for listings.
type Group struct {
	Kind  site.Kind
	Pages []*site.Page
}

// funcs are the template functions of the layouts.
func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		// url makes a site URL absolute to the site's base path.
		"url": r.siteURL,
		// asset returns the hashed URL of an asset file.
		"asset": func(name string) (string, error) {
			if u, ok := r.assets[name]; ok {
				return u, nil
			}
			return "", errMissingAsset(name)
		},
		"ticketURL": func(id string) string { return r.site.Config.Tickets.Link(id) },
		"editURL": func(p *site.Page) string {
			if r.site.Config.EditURL == "" || p.Path == "" {
				return ""
			}
			return r.site.Config.EditURL + p.Path
		},
		"byKind":     byKind,
		"hasDetails": hasDetails,
		// findingCount is the number of findings on a page, of every
		// stage, in the live preview (Options.LivePreview); 0 in a published
		// build.
		"findingCount": r.findingCount,
		// day is a time as its day in UTC, 2006-01-02.
		"day":       day,
		"date":      longDate,
		"daysUntil": func(t time.Time) int { return daysUntil(t, r.opt.Now) },
		"dueSoon":   func(p *site.Page) bool { return dueSoon(p, r.opt.Now) },
		"roleTitle": func(id string) string {
			if p := r.site.Personas[id]; p != nil {
				return p.Title
			}
			return id
		},
		// personaPages are the pages for a persona's role, by kind:
		// those of this page of the list when called with the page's
		// data (.), all of them with a page (.Page).
		"personaPages": func(x any) []Group {
			persona, pg := listArg(x)
			if persona == nil {
				return nil
			}
			if _, ok := x.(*Page); !ok || r.layoutName(persona) != "persona.html" {
				return byKind(r.rolePages(persona)) // the whole list
			}
			var out []Group
			for _, it := range r.shown(persona, pg) {
				if len(out) == 0 || out[len(out)-1].Kind != it.kind {
					out = append(out, Group{Kind: it.kind})
				}
				out[len(out)-1].Pages = append(out[len(out)-1].Pages, it.page)
			}
			return out
		},
		"kindPages": func(k string) []*site.Page {
			var pages []*site.Page
			for _, p := range r.site.Pages {
				if string(p.Kind) == k {
					pages = append(pages, p)
				}
			}
			return pages
		},
		// incidentPages are the pages tagged incident or incidents,
		// guides first, by weight then title, at most three: the 404
		// page's incident process.
		"incidentPages": func() []*site.Page {
			var pages []*site.Page
			for _, p := range r.site.Pages {
				if isIncidentPage(p) {
					pages = append(pages, p)
				}
			}
			slices.SortStableFunc(pages, func(a, b *site.Page) int {
				if (a.Kind == site.Guide) != (b.Kind == site.Guide) {
					if a.Kind == site.Guide {
						return -1
					}
					return 1
				}
				if a.Meta.Weight != b.Meta.Weight {
					return a.Meta.Weight - b.Meta.Weight
				}
				return strings.Compare(a.Title, b.Title)
			})
			return pages[:min(3, len(pages))]
		},
		"alertPage": func(name string) *site.Page { return r.site.Alerts[name] },
		// roles is a page's persona ids, space separated, for the
		// sidebar's persona filter.
		"roles": func(p *site.Page) string {
			if p == nil || p.Meta == nil {
				return ""
			}
			return strings.Join(p.Meta.Roles, " ")
		},
		// sidebar is the site's navigation as seen from page p: one
		// entry per section of the home page, with its pages in order.
		"sidebar": func(p *site.Page) []NavSection { return r.sidebar(p) },
		// sidebarMark notes where the sidebar starts and ends in the
		// page being written (see PageSidebar); it writes nothing. The
		// theme wraps the "sidebar" template in two.
		"sidebarMark": func(x any) string {
			if d, ok := x.(*Page); ok && d.out != nil {
				d.marks = append(d.marks, d.out.Len())
			}
			return ""
		},
		// navSection is the HTML of a section of the sidebar. A section
		// the page shown is not in is the same on every page, so it is
		// written once per build.
		"navSection": func(ns NavSection) template.HTML { return r.navSection(ns) },
		// navSections is the HTML of every section of page p's sidebar:
		// {{range sidebar p}}{{navSection .}}{{end}} in one call, which
		// a template runs several times slower, on every page.
		"navSections": func(p *site.Page) template.HTML { return r.navSections(p) },
		"navLabel":    navLabel,
		// pathNav is where page p stands on each persona's path that
		// includes it: its step, and the pages before and after it.
		"pathNav": func(p *site.Page) []PathStep { return r.pathNav(p) },
		// breakable is a title with line-break opportunities (<wbr>)
		// between the words of a CamelCase name, such as an alert's.
		"breakable": breakable,
		// ruleFor is an alert page's for: duration, its own or its
		// rule's.
		"ruleFor": ruleFor,
		// onThisPage is a page's h2 and h3 headings (and its runbook's,
		// on an alert page), for its contents.
		"onThisPage": onThisPage,
		// tocList is onThisPage as an ordered list, <ol> of <li
		// class="toc-2|3"><a href="#id">, or nothing when the page has
		// fewer than two headings to list. Written once per page, it
		// is what both the wide screen's and the phone's contents show.
		"tocList": tocList,
		// firstStep is the id of the heading where an on-call page's
		// steps start.
		"firstStep": firstStep,
		"chatURL":   chatURL,
		// ownedByUrgency is what a team owns, most urgent review first;
		// like personaPages, this page of the list or all of it.
		"ownedByUrgency": func(x any) []OwnedRow {
			team, pg := listArg(x)
			if team == nil {
				return nil
			}
			rows := ownedByUrgency(team, r.opt.Now)
			if pg != nil && r.layoutName(team) == "team.html" {
				rows = rows[pg.From:pg.To]
			}
			return rows
		},
		// sectionGroups is the pages under a section, by folder; like
		// personaPages, this page of the list or all of it.
		"sectionGroups": func(x any) []SectionGroup {
			sec, pg := listArg(x)
			if sec == nil {
				return nil
			}
			if _, ok := x.(*Page); !ok || r.layoutName(sec) != "section.html" {
				return sectionGroups(sec) // the whole list
			}
			var out []SectionGroup
			for i, it := range r.shown(sec, pg) {
				if i == 0 || out[len(out)-1].Folder != it.folder {
					out = append(out, SectionGroup{Folder: it.folder})
				}
				out[len(out)-1].Pages = append(out[len(out)-1].Pages, it.page)
			}
			return out
		},
		// partialCached is template name as the page's layout defines
		// it, run once per variant and site graph: every later call
		// returns the HTML of the first. As Hugo's partialCached, it is
		// for parts of a page that show the site, not the page (the
		// site's title, its sections, the assets): the template sees
		// .Site, and the page's own fields are empty. Its HTML is
		// written as HTML, so it is called where the page's markup
		// expects elements, not inside an attribute.
		"partialCached": func(name string, d *Page, variants ...any) (template.HTML, error) {
			return r.partialCached(name, d, variants)
		},
		// pageList, richList and ownedRows are the rows of the
		// listing pages (see lists.go): a plain list of pages, a list
		// with each page's facts, and a team's table of what it owns.
		"pageList":  r.pageList,
		"richList":  r.richList,
		"ownedRows": r.ownedRows,
		// paramsJSON is the page's declared placeholders, as JSON.
		"paramsJSON": paramsJSON,
		// alertPrefix is the path under which alert pages live: the
		// alert_url before its {alert}.
		"alertPrefix": func() string {
			prefix, _, _ := strings.Cut(r.site.Config.AlertURL, "{alert}")
			return r.base + strings.TrimPrefix(prefix, "/")
		},
	}
}

// NavSection is a top-level section of the sidebar.
type NavSection struct {
	Page    *site.Page
	Current bool // the page shown is in this section
	Here    bool // the page shown is the section's own page
	Items   []NavItem
}

// NavItem is one link of the sidebar: a page, or a sub-folder's heading
// (Folder) followed by its pages when the page shown is in it. More,
// when not 0, makes the item a link to the folder Page for the More of
// its pages the list leaves out.
type NavItem struct {
	Page    *site.Page
	Depth   int
	Folder  bool
	Current bool
	More    int
}

// Roles is the persona ids of the item's page, space separated, for the
// sidebar's persona filter; "" when it names none.
func (it NavItem) Roles() string {
	if it.Page == nil || it.Page.Meta == nil {
		return ""
	}
	return strings.Join(it.Page.Meta.Roles, " ")
}

// navLimit is the most pages one list of the sidebar shows; a longer
// folder shows the navLimit around the page shown, then a link to the
// folder for the rest. Every page carries the sidebar, so without a
// limit a site's size would grow with the square of its pages.
const navLimit = 40

// sidebar is the navigation seen from page cur: every section; the
// section cur is in shows its first level of pages and the folders on the
// way down to cur open, each with its pages. The other sections show only
// a link to their section page, which lists their pages (also without
// JavaScript): listing them on every page made each page grow with the
// number of sections, 24 KB of a 33 KB page on a 10,000-page site.
func (r *Renderer) sidebar(cur *site.Page) []NavSection {
	var buf [16]*site.Page
	path := buf[:0] // cur and the folders above it
	for p := cur; p != nil; p = p.Parent {
		path = append(path, p)
	}
	onPath := func(p *site.Page) bool { return slices.Contains(path, p) }
	var out []NavSection
	for _, sec := range r.sd.Sections {
		if !onPath(sec) {
			if ns, ok := r.navCache.Load(sec); ok {
				out = append(out, ns.(NavSection))
				continue
			}
		}
		ns := NavSection{Page: sec, Current: onPath(sec), Here: sec == cur}
		var walk func(folder *site.Page, depth int)
		walk = func(folder *site.Page, depth int) {
			children := folder.Children
			from, to := 0, len(children)
			if to > navLimit {
				at := -1
				for _, q := range path {
					if q.Parent == folder {
						at = slices.Index(children, q)
						break
					}
				}
				from = max(0, min(at-navLimit/2, len(children)-navLimit))
				to = from + navLimit
			}
			for _, c := range children[from:to] {
				it := NavItem{Page: c, Depth: depth, Folder: len(c.Children) > 0, Current: c == cur}
				if c == cur {
					ns.Current = true
				}
				ns.Items = append(ns.Items, it)
				if len(c.Children) > 0 && onPath(c) {
					walk(c, depth+1)
				}
			}
			if hidden := len(children) - (to - from); hidden > 0 {
				ns.Items = append(ns.Items, NavItem{Page: folder, Depth: depth, More: hidden})
			}
		}
		if ns.Current {
			ns.Items = make([]NavItem, 0, navLimit+8)
			walk(sec, 0)
		}
		if !ns.Current {
			r.navCache.Store(sec, ns)
		}
		out = append(out, ns)
	}
	return out
}

func (r *Renderer) navSection(ns NavSection) template.HTML {
	if ns.Current {
		return r.navHTML(ns)
	}
	if h, ok := r.navHTMLCache.Load(ns.Page); ok {
		return h.(template.HTML)
	}
	h := r.navHTML(ns)
	r.navHTMLCache.Store(ns.Page, h)
	return h
}

// navSections joins the HTML of the sections of cur's sidebar.
func (r *Renderer) navSections(cur *site.Page) template.HTML {
	secs := r.sidebar(cur)
	parts := make([]template.HTML, len(secs))
	size := 0
	for i, ns := range secs {
		parts[i] = r.navSection(ns)
		size += len(parts[i])
	}
	var b strings.Builder
	b.Grow(size)
	for _, h := range parts {
		b.WriteString(string(h))
	}
	return template.HTML(b.String())
}

// navHTML writes one section of the sidebar: a disclosure with the
// section's title, open when the page shown is in it, and its list of
// links. It is written here rather than in a template because every page
// carries it: a template takes several times as long.
func (r *Renderer) navHTML(ns NavSection) template.HTML {
	var b strings.Builder
	esc := html.EscapeString

	current := func(yes bool) string {
		if yes {
			return ` aria-current="page"`
		}
		return ""
	}
	title := esc(navLabel(ns.Page))
	// The lines first, so that the section is written into a buffer of
	// its size: a current section is kilobytes, on every page.
	lines := make([]string, len(ns.Items))
	size := 256 + 3*len(title) + 2*len(ns.Page.URL) + len(r.base)
	for i, it := range ns.Items {
		lines[i] = r.navLine(it)
		size += len(lines[i])
	}
	b.Grow(size)
	if len(ns.Page.Children) == 0 {
		// A page at the content root: a link of its own.
		fmt.Fprintf(&b, "<p class=\"nav-page\"><a href=\"%s\"%s>%s</a></p>\n", r.href(ns.Page.URL), current(ns.Here), title)
		return template.HTML(b.String())
	}
	if ns.Current {
		b.WriteString(`<details class="nav-section" open><summary class="in-section">`)
	} else {
		b.WriteString(`<details class="nav-section"><summary>`)
	}
	fmt.Fprintf(&b, "%s</summary>\n<ul>\n<li class=\"depth-0 nav-all\"><a href=\"%s\"%s>All %s</a></li>\n",
		title, r.href(ns.Page.URL), current(ns.Here), title)
	for _, l := range lines {
		b.WriteString(l)
	}
	b.WriteString("</ul>\n</details>\n")
	return template.HTML(b.String())
}

// navLine is one item of the sidebar's list, an <li>. The line of a page
// that is not the one shown is the same on every page that lists it at
// that depth: it is made once per renderer.
func (r *Renderer) navLine(it NavItem) string {
	// A page is at one depth of the sidebar's tree, the same on every
	// page: the page alone keys its line.
	cache := !it.Current && it.More == 0
	if cache {
		if v, ok := r.navLines.Load(it.Page); ok {
			return v.(string)
		}
	}
	esc := html.EscapeString
	var line string
	if it.More > 0 {
		line = fmt.Sprintf("<li class=\"depth-%d nav-more\"><a href=\"%s\">%d more in %s</a></li>\n",
			it.Depth, r.href(it.Page.URL), it.More, esc(it.Page.Title))
	} else {
		folder, roles, current := "", "", ""
		if it.Folder {
			folder = " nav-folder"
		}
		if ids := it.Roles(); ids != "" {
			roles = ` data-roles="` + esc(ids) + `"`
		}
		if it.Current {
			current = ` aria-current="page"`
		}
		line = "<li class=\"depth-" + strconv.Itoa(it.Depth) + folder + "\"" + roles + "><a href=\"" + r.href(it.Page.URL) +
			"\" title=\"" + esc(it.Page.Title) + "\"" + current + ">" + esc(navLabel(it.Page)) + "</a></li>\n"
	}
	if cache {
		r.navLines.Store(it.Page, line)
	}
	return line
}

// PathStep is a page's place on one persona's path.
type PathStep struct {
	Persona    *site.Page
	Step, Of   int
	Prev, Next *site.Page
}

func (r *Renderer) pathNav(p *site.Page) []PathStep {
	var out []PathStep
	for _, persona := range r.sd.Personas {
		var path []*site.Page
		for _, q := range persona.OnboardingPages {
			if q != nil {
				path = append(path, q)
			}
		}
		for i, q := range path {
			if q != p {
				continue
			}
			st := PathStep{Persona: persona, Step: i + 1, Of: len(path)}
			if i > 0 {
				st.Prev = path[i-1]
			}
			if i+1 < len(path) {
				st.Next = path[i+1]
			}
			out = append(out, st)
			break
		}
	}
	return out
}

type errMissingAsset string

func (e errMissingAsset) Error() string { return "no asset " + string(e) + " in assets/" }

// byKind groups pages by kind, in the order of site.Kinds.
func byKind(pages []*site.Page) []Group {
	kinds := append(site.Kinds(), site.Section)
	// One pass to count each kind's pages, one to place them: a
	// persona's list has thousands.
	at := func(k site.Kind) int {
		for i, x := range kinds {
			if x == k {
				return i
			}
		}
		return -1
	}
	idx := make([]int8, len(pages))
	counts := make([]int, len(kinds))
	for i, p := range pages {
		k := at(p.Kind)
		idx[i] = int8(k)
		if k >= 0 {
			counts[k]++
		}
	}
	groups := make([][]*site.Page, len(kinds))
	for k, n := range counts {
		if n > 0 {
			groups[k] = make([]*site.Page, 0, n)
		}
	}
	for i, p := range pages {
		if k := idx[i]; k >= 0 {
			groups[k] = append(groups[k], p)
		}
	}
	var out []Group
	for k, g := range groups {
		if len(g) > 0 {
			out = append(out, Group{Kind: kinds[k], Pages: g})
		}
	}
	return out
}

// navLabel is a page's name in the sidebar: its sidebar_label (or Hugo
// linkTitle, or its folder's _category_ label), else its title.
func navLabel(p *site.Page) string {
	if p.NavLabel != "" {
		return p.NavLabel
	}
	return p.Title
}

// isIncidentPage reports whether a page is tagged incident or incidents,
// which the 404 page lists (incidentPages).
func isIncidentPage(p *site.Page) bool {
	return p.Meta != nil && (slices.Contains(p.Meta.Tags, "incidents") || slices.Contains(p.Meta.Tags, "incident"))
}

// hasDetails reports whether a runbook or alert page has anything for its
// Details card (tickets, alerts, dashboard, roles, review date, severity,
// runbook), so that a page without any, such as another tool's page in a
// runbooks/ folder, shows no empty card and no link to it.
func hasDetails(p *site.Page) bool {
	m := p.Meta
	switch p.Kind {
	case site.Alert:
		return m.Alert != "" || m.Severity != "" || len(m.Tickets) > 0 || m.Dashboard != "" || p.RunbookOf != nil
	case site.Runbook:
		return len(m.Tickets) > 0 || len(p.AlertPages) > 0 || len(m.Alerts) > 0 || len(p.RuleAlerts) > 0 ||
			m.Dashboard != "" || len(m.Roles) > 0 || !m.LastReviewed.IsZero()
	}
	return false
}

// daysUntil is the number of whole days from now to t, as layouts show
// it: 0 within a day either side.
func daysUntil(t, now time.Time) int { return int(t.Sub(now).Hours() / 24) }

// dueSoon reports whether p's review is due within 30 days of now and is
// not already overdue.
func dueSoon(p *site.Page, now time.Time) bool {
	return !p.ReviewDue.IsZero() && !p.Stale && p.ReviewDue.Sub(now) < 30*24*time.Hour
}

// maxCachedDepth is the most partialCached calls that may run inside
// each other.
const maxCachedDepth = 16

// cachedDepthError is the error of partialCached calls more than
// maxCachedDepth deep: a template that calls itself.
type cachedDepthError struct{ name string }

func (e *cachedDepthError) Error() string {
	return fmt.Sprintf("partialCached %q: more than %d calls inside each other (does the template call itself?)", e.name, maxCachedDepth)
}

// partialCached runs template name of page data d's layout with the site
// alone (see the function of that name), once per variant and graph.
func (r *Renderer) partialCached(name string, d *Page, variants []any) (template.HTML, error) {
	if d == nil {
		return "", fmt.Errorf("partialCached %q: its second argument is not the page's data (.)", name)
	}
	if d.cached >= maxCachedDepth {
		// A template that calls itself through partialCached would
		// otherwise recurse until the stack runs out: text/template
		// bounds only the depth of one execution.
		return "", &cachedDepthError{name}
	}
	key := d.layout + "\x00" + name + "\x00" + fmt.Sprint(variants...)
	if h, ok := r.partials.Load(key); ok {
		return h.(template.HTML), nil
	}
	t := r.tmpl[d.layout]
	if t == nil {
		return "", fmt.Errorf("partialCached %q: no layout %q", name, d.layout)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, &Page{Site: d.Site, layout: d.layout, cached: d.cached + 1}); err != nil {
		if deep, ok := errors.AsType[*cachedDepthError](err); ok {
			return "", deep // once, not once per call
		}
		return "", err
	}
	h := template.HTML(b.String())
	r.partials.Store(key, h)
	return h, nil
}
