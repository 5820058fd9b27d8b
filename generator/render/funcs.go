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
		// alertPrefix is the path under which alert pages live: the
		// alert_url before its {alert}.
		"alertPrefix": func() string {
			prefix, _, _ := strings.Cut(r.site.Config.AlertURL, "{alert}")
			return r.base + strings.TrimPrefix(prefix, "/")
		},
	}
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
