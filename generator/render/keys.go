package render

import (
	"slices"
	"sync"

	"github.com/opsplaybook/playbook/generator/site"
)

// A page's dependency key is a hash of everything its output file reads:
// the page's own file and findings, and of every other page only what the
// layouts show of it (its Iface: title, URL, front matter, headings; its
// review state and its number of findings). Two renders of a page with
// the same key write the same bytes, so an engine that kept the key of
// each output file renders again only the pages whose key changed. The
// inputs below mirror what the layouts and template functions read; the
// engine's differential test (random edits, then the same bytes as a
// full build) holds them to it.

// keyData is what every key of one render shares, made on first use.
type keyData struct {
	once     sync.Once
	global   uint64
	ifaces   map[*site.Page]uint64
	findings map[string]uint64 // by file: the findings on it
	// pos is each page's index among its parent's children; prefix are,
	// by folder page, running sums of its children's sidebar entries, so
	// that a window of the sidebar hashes in constant time.
	pos    map[*site.Page]int
	prefix map[*site.Page][]uint64
	byRole map[string][]*site.Page
	// steps are, by page, its places on the personas' paths.
	steps map[*site.Page]uint64
	// The keys of the site-wide files (SiteParts).
	redirects, sitemap, pagesJSON, searchPage uint64
	// notFound is the key of 404.html, which lists the teams.
	notFound uint64
}

// hasher hashes the parts of one key, eight bytes at a time with a
// multiply-xorshift mix: the same in every process, so keys could be kept
// from one build to the next.
type hasher uint64

func newHasher() hasher { return 0x9E3779B97F4A7C15 }

func mix(x uint64) uint64 {
	x ^= x >> 32
	x *= 0xD6E8FEB86659FD93
	x ^= x >> 32
	x *= 0xD6E8FEB86659FD93
	x ^= x >> 32
	return x
}

func (h *hasher) u64(v uint64) { *h = hasher(mix(uint64(*h)^v) + 0x9E3779B97F4A7C15) }

func (h *hasher) str(s string) {
	for len(s) >= 8 {
		h.u64(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56)
		s = s[8:]
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]) << (8 * i)
	}
	h.u64(v ^ uint64(len(s))<<56 ^ 0xFF)
}

func (h *hasher) flag(b bool) {
	if b {
		h.u64(1)
	} else {
		h.u64(2)
	}
}

func (h hasher) sum() uint64 { return uint64(h) }

// iface is what other pages' outputs show of q.
func (k *keyData) iface(q *site.Page) uint64 {
	if q == nil {
		return 0
	}
	if v, ok := k.ifaces[q]; ok {
		return v
	}
	return k.ifaceOf(q)
}

func (k *keyData) ifaceOf(q *site.Page) uint64 {
	h := newHasher()
	if q.Path != "" {
		h.u64(q.Iface)
	} else {
		h.str(q.URL)
		h.str(q.Title)
		h.str(string(q.Kind))
		h.str(q.ID)
	}
	h.flag(q.Stale)
	h.str(q.ReviewDue.String())
	h.u64(k.findings[q.File])
	h.flag(len(q.Children) > 0)
	return h.sum()
}

// prepare computes the shared part of the keys: once per Renderer.
func (r *Renderer) prepareKeys() *keyData {
	k := r.keys
	k.once.Do(func() {
		k.findings = map[string]uint64{}
		for _, f := range r.opt.Findings {
			h, ok := hasher(k.findings[f.Path]), true
			if _, ok = k.findings[f.Path]; !ok {
				h = newHasher()
			}
			h.str(f.Check)
			h.u64(uint64(f.Severity))
			h.u64(uint64(f.Line))
			h.str(f.Message)
			k.findings[f.Path] = h.sum()
		}
		k.ifaces = make(map[*site.Page]uint64, len(r.site.Pages))
		for _, p := range r.site.Pages {
			k.ifaces[p] = k.ifaceOf(p)
		}
		k.pos = make(map[*site.Page]int, len(r.site.Pages))
		k.prefix = map[*site.Page][]uint64{}
		k.byRole = map[string][]*site.Page{}
		for _, p := range r.site.Pages {
			if len(p.Children) > 0 {
				sums := make([]uint64, len(p.Children)+1)
				for i, c := range p.Children {
					k.pos[c] = i
					sums[i+1] = sums[i] + k.iface(c)*0x9E3779B97F4A7C15 + uint64(i)
				}
				k.prefix[p] = sums
			}
			if p.Meta != nil {
				for _, role := range p.Meta.Roles {
					k.byRole[role] = append(k.byRole[role], p)
				}
			}
		}
		k.steps = map[*site.Page]uint64{}
		for _, persona := range r.sd.Personas {
			var path []*site.Page
			for _, q := range persona.OnboardingPages {
				if q != nil {
					path = append(path, q)
				}
			}
			for i, q := range path {
				h := newHasher()
				h.u64(k.steps[q])
				h.u64(k.iface(persona))
				h.u64(uint64(i))
				h.u64(uint64(len(path)))
				if i > 0 {
					h.u64(k.iface(path[i-1]))
				}
				if i+1 < len(path) {
					h.u64(k.iface(path[i+1]))
				}
				k.steps[q] = h.sum()
			}
		}
		h := newHasher()
		h.u64(r.Theme.Sum)
		h.u64(r.opt.Salt)
		h.str(r.opt.Version)
		h.str(r.opt.Now.String())
		h.u64(k.iface(r.site.Home))
		for _, p := range r.sd.Personas {
			h.u64(k.iface(p))
		}
		for _, sec := range r.sd.Sections {
			// A section the page shown is not in: one link to it (see
			// sidebar).
			h.u64(k.iface(sec))
		}
		k.global = h.sum()
		nf := newHasher()
		nf.u64(k.global)
		for _, p := range r.site.Pages {
			// The teams and the incident pages it lists (see
			// incidentPages: which three depends on their kind, weight
			// and title).
			if p.Kind == site.Team || isIncidentPage(p) {
				nf.u64(k.iface(p))
			}
		}
		k.notFound = nf.sum()
		// The results page is made only when no page of the site has
		// its URL.
		h.flag(r.site.ByURL["/search/"] != nil)
		k.searchPage = h.sum()
		rd, sm, pj := newHasher(), newHasher(), newHasher()
		for _, h := range []*hasher{&rd, &sm, &pj} {
			h.str(r.base)
		}
		sm.str(r.site.Config.URL())
		sm.flag(r.site.Config.NoIndex)
		for _, p := range r.site.Pages {
			rd.str(p.URL)
			rd.str(p.Ref)
			rd.str(p.Path)
			rd.str(string(p.Kind))
			rd.str(p.Meta.Alert)
			for _, a := range p.Meta.Aliases {
				rd.str(a)
			}
			sm.str(p.URL)
			pj.u64(k.iface(p))
			pj.str(day(r.updated(p)))
		}
		rd.str(r.site.Config.AlertURL)
		k.redirects, k.sitemap, k.pagesJSON = rd.sum(), sm.sum(), pj.sum()
	})
	return k
}

// window hashes the sidebar entries of folder's children that a page
// shows when the child on its way is at index at (-1: none): the same
// window as sidebar.
func (k *keyData) window(folder *site.Page, at int) uint64 {
	sums := k.prefix[folder]
	n := len(folder.Children)
	from, to := 0, n
	if to > navLimit {
		from = max(0, min(at-navLimit/2, n-navLimit))
		to = from + navLimit
	}
	if sums == nil {
		return uint64(n)
	}
	return (sums[to]-sums[from])*31 + uint64(from)<<32 + uint64(to)
}

// Key returns the dependency key of page p's output file.
func (r *Renderer) Key(p *site.Page) uint64 {
	k := r.prepareKeys()
	h := newHasher()
	h.u64(k.global)
	h.u64(p.Sum)
	h.u64(k.iface(p))
	h.str(p.Expression())
	h.str(ruleFor(p))
	h.str(day(r.updated(p)))
	r.bodyKey(&h, p)
	for c := p.Parent; c != nil; c = c.Parent {
		h.u64(k.iface(c))
	}
	h.u64(k.iface(p.OwnerTeam))
	if rb := p.RunbookOf; rb != nil {
		h.u64(rb.Sum)
		h.u64(k.iface(rb))
		r.bodyKey(&h, rb)
	}
	for _, q := range p.AlertPages {
		h.u64(k.iface(q))
	}
	for _, a := range p.Meta.Alerts {
		h.u64(k.iface(r.site.Alerts[a]))
	}
	for _, role := range p.Meta.Roles {
		h.u64(k.iface(r.site.Personas[role]))
	}
	for _, list := range [][]*site.Page{p.Owned, p.Children, p.OnboardingPages} {
		h.u64(uint64(len(list)))
		for _, q := range list {
			h.u64(k.iface(q))
		}
	}
	if p.Kind == site.Section {
		// A section's listing shows every page under it, with its
		// owner's name.
		for _, g := range sectionGroups(p) {
			h.u64(k.iface(g.Folder))
			for _, q := range g.Pages {
				h.u64(k.iface(q))
				h.u64(k.iface(q.OwnerTeam))
			}
		}
	}
	if p.Kind == site.Persona {
		for _, q := range k.byRole[p.ID] {
			h.u64(k.iface(q))
		}
	}
	h.u64(k.steps[p])
	// The sidebar: the sections p is in show the folders on its way
	// open, each a window of its children around the one on the way.
	var path [16]*site.Page
	onPath := path[:0]
	for q := p; q != nil; q = q.Parent {
		onPath = append(onPath, q)
	}
	for _, sec := range r.sd.Sections {
		if !slices.Contains(onPath, sec) {
			continue
		}
		for folder := sec; folder != nil; {
			at, next := -1, (*site.Page)(nil)
			for q := p; q != nil && q.Parent != nil; q = q.Parent {
				if q.Parent == folder {
					at, next = k.pos[q], q
					break
				}
			}
			h.u64(k.window(folder, at))
			if next == nil || len(next.Children) == 0 {
				break
			}
			folder = next
		}
	}
	return h.sum()
}

// bodyKey adds what p's rendered body depends on besides its file: where
// its links lead.
func (r *Renderer) bodyKey(h *hasher, p *site.Page) {
	for _, l := range p.Links {
		h.str(l.URL)
		h.flag(l.Local)
		h.flag(l.Target != nil)
		h.flag(l.File)
		h.flag(l.Missing)
	}
}
