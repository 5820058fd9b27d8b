package render

import (
	"html/template"
	"slices"
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
		"url": func(u string) string {
			if strings.HasPrefix(u, "/") {
				return r.base + strings.TrimPrefix(u, "/")
			}
			return u
		},
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
		"byKind": byKind,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2 January 2006")
		},
		"daysUntil": func(t time.Time) int {
			return int(t.Sub(r.opt.Now).Hours() / 24)
		},
		"dueSoon": func(p *site.Page) bool {
			return !p.ReviewDue.IsZero() && !p.Stale && p.ReviewDue.Sub(r.opt.Now) < 30*24*time.Hour
		},
		"roleTitle": func(id string) string {
			if p := r.site.Personas[id]; p != nil {
				return p.Title
			}
			return id
		},
		"personaPages": func(persona *site.Page) []Group {
			var pages []*site.Page
			for _, p := range r.site.Pages {
				if slices.Contains(p.Meta.Roles, persona.ID) {
					pages = append(pages, p)
				}
			}
			return byKind(pages)
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
		// pathNav is where page p stands on each persona's path that
		// includes it: its step, and the pages before and after it.
		"pathNav": func(p *site.Page) []PathStep { return r.pathNav(p) },
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
	Items   []NavItem
}

// NavItem is one link of the sidebar: a page, or a sub-folder's heading
// (Folder) followed by its pages.
type NavItem struct {
	Page    *site.Page
	Depth   int
	Folder  bool
	Current bool
	Roles   string
}

func (r *Renderer) sidebar(cur *site.Page) []NavSection {
	var out []NavSection
	for _, sec := range r.sd.Sections {
		ns := NavSection{Page: sec, Current: sec == cur}
		var walk func(children []*site.Page, depth int)
		walk = func(children []*site.Page, depth int) {
			for _, c := range children {
				it := NavItem{Page: c, Depth: depth, Folder: len(c.Children) > 0, Current: c == cur}
				if c.Meta != nil {
					it.Roles = strings.Join(c.Meta.Roles, " ")
				}
				if c == cur {
					ns.Current = true
				}
				ns.Items = append(ns.Items, it)
				walk(c.Children, depth+1)
			}
		}
		walk(sec.Children, 0)
		out = append(out, ns)
	}
	return out
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
		for _, q := range persona.PathPages {
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
	var out []Group
	for _, k := range append(site.Kinds(), site.Section) {
		var g []*site.Page
		for _, p := range pages {
			if p.Kind == k {
				g = append(g, p)
			}
		}
		if len(g) > 0 {
			out = append(out, Group{Kind: k, Pages: g})
		}
	}
	return out
}
