package render

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"time"

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

// Keys is what the dependency keys of one site graph share (what each
// page shows of itself to the others, the sidebar's sums, the site-wide
// files' keys), made on the first key. An engine keeps it from one
// update to the next (Options.Keys) and brings it up to date with
// Renderer.PatchKeys after resolve.Graph.Patch; the zero value is ready
// to use, for a new graph.
type Keys struct{ keyData }

// keyData is what every key of one render shares, made on first use.
type keyData struct {
	once sync.Once
	// byFile is the page of each file; readers are, by page, the pages
	// whose AlertPages or alerts: name it; paths the personas whose
	// onboarding path has it; teams the team pages.
	byFile   map[string]*site.Page
	readers  map[*site.Page][]*site.Page
	paths    map[*site.Page][]*site.Page
	teams    []*site.Page
	personas map[string]*site.Page
	// at is each page's index in Site.Pages; cat is what catalog.json
	// and llms.txt show of each page, pages pages.json's entries.
	at       map[*site.Page]int
	cat      catState
	pages    pagesState
	global   uint64
	ifaces   map[*site.Page]uint64
	findings map[string]uint64 // by file: the findings on it
	// pos is each page's index among its parent's children; navs are
	// what the sidebar shows of each page (navOf); prefix are, by folder
	// page, running sums of its children's navs, so that a window of the
	// sidebar hashes in constant time.
	pos    map[*site.Page]int
	navs   map[*site.Page]uint64
	prefix map[*site.Page][]uint64
	// byRole are the pages of each role, in site order: roles are part
	// of a graph's shape, so a patch leaves them as they are.
	byRole map[string][]*site.Page
	// steps are, by page, its places on the personas' paths.
	steps map[*site.Page]uint64
	// The keys of the site-wide files (SiteParts).
	redirects, sitemap, searchPage uint64
	// notFound is the key of 404.html: its layout's and notFoundList,
	// that of what it shows (the site, the teams).
	notFound, notFoundList uint64
	// now is the time reviews are measured against (Options.Now).
	now time.Time
	// nfTerms are, by team page and incident page, what 404.html shows
	// of it (the teams and the incident pages it lists, see
	// incidentPages: which three depends on their kind, weight and
	// title), hashed with its place; nfSum is their sum.
	nfTerms map[*site.Page]uint64
	nfSum   uint64
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

func (h *hasher) bytes(b []byte) {
	for len(b) >= 8 {
		h.u64(binary.LittleEndian.Uint64(b))
		b = b[8:]
	}
	var v uint64
	for i := 0; i < len(b); i++ {
		v |= uint64(b[i]) << (8 * i)
	}
	h.u64(v ^ uint64(len(b))<<56 ^ 0xFF)
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
	h.str(q.NavLabel) // a _category_.json label, or a folder's name
	h.flag(q.Stale)
	h.str(q.ReviewDue.String())
	// What layouts show of the time to its review (dueSoon,
	// daysUntil), which the day of Now changes: the keys hold these,
	// not Now, so a build on another day, or the same day, keeps what
	// did not change (see siteKeys).
	h.flag(dueSoon(q, k.now))
	if !q.ReviewDue.IsZero() {
		h.u64(uint64(daysUntil(q.ReviewDue.Time, k.now)))
	}
	h.u64(k.findings[q.File])
	h.flag(len(q.Children) > 0)
	return h.sum()
}

// navOf is what the sidebar shows of page q, a line of its list (see
// Renderer.navLine): its URL, title, label and roles, and whether it is a
// folder. An edit that leaves these, such as a runbook's owner, leaves the
// sidebars that list q as they were.
func navOf(q *site.Page) uint64 {
	h := newHasher()
	h.str(q.URL)
	h.str(q.Title)
	h.str(q.NavLabel)
	if q.Meta != nil {
		h.u64(uint64(len(q.Meta.Roles)))
		for _, role := range q.Meta.Roles {
			h.str(role)
		}
	}
	h.flag(len(q.Children) > 0)
	return h.sum()
}

// prepareKeys computes the shared part of the keys: once per graph.
func (r *Renderer) prepareKeys() *keyData {
	k := r.keys
	k.once.Do(func() {
		k.now = r.opt.Now
		k.findings = r.findingSums()
		k.ifaces = make(map[*site.Page]uint64, len(r.site.Pages))
		k.byFile = make(map[string]*site.Page, len(r.site.Pages))
		k.readers = map[*site.Page][]*site.Page{}
		k.paths = map[*site.Page][]*site.Page{}
		k.teams = nil
		k.personas = r.site.Personas
		for _, p := range r.site.Pages {
			k.ifaces[p] = k.ifaceOf(p)
			if p.File != "" {
				if _, dup := k.byFile[p.File]; !dup {
					k.byFile[p.File] = p
				}
			}
			if p.Kind == site.Team {
				k.teams = append(k.teams, p)
			}
			for _, q := range p.AlertPages {
				k.readers[q] = append(k.readers[q], p)
			}
			for _, a := range p.Meta.Alerts {
				if q := r.site.Alerts[a]; q != nil {
					k.readers[q] = append(k.readers[q], p)
				}
			}
		}
		for _, persona := range r.sd.Personas {
			for _, q := range persona.OnboardingPages {
				if q != nil {
					k.paths[q] = append(k.paths[q], persona)
				}
			}
		}
		k.at = make(map[*site.Page]int, len(r.site.Pages))
		for i, p := range r.site.Pages {
			k.at[p] = i
		}
		k.pos = make(map[*site.Page]int, len(r.site.Pages))
		k.navs = make(map[*site.Page]uint64, len(r.site.Pages))
		k.prefix = map[*site.Page][]uint64{}
		k.byRole = map[string][]*site.Page{}
		for _, p := range r.site.Pages {
			if len(p.Children) > 0 {
				k.sums(p)
			}
			if p.Meta != nil {
				for _, role := range p.Meta.Roles {
					if l := k.byRole[role]; len(l) == 0 || l[len(l)-1] != p { // a role named twice
						k.byRole[role] = append(l, p)
					}
				}
			}
		}
		k.steps = r.stepSums()
		k.nfTerms, k.nfSum = map[*site.Page]uint64{}, 0
		for _, p := range r.site.Pages {
			k.renotFound(p)
		}
		r.siteKeys(true)
		rd, sm := newHasher(), newHasher()
		for _, h := range []*hasher{&rd, &sm} {
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
		}
		rd.str(r.site.Config.AlertURL)
		k.redirects, k.sitemap = rd.sum(), sm.sum()
	})
	return &k.keyData
}

// findingSums hashes the findings of each file.
func (r *Renderer) findingSums() map[string]uint64 {
	sums := map[string]uint64{}
	for _, f := range r.opt.Findings {
		h, ok := hasher(sums[f.Path]), true
		if _, ok = sums[f.Path]; !ok {
			h = newHasher()
		}
		h.str(f.Check)
		h.u64(uint64(f.Severity))
		h.u64(uint64(f.Line))
		h.str(f.Message)
		sums[f.Path] = h.sum()
	}
	return sums
}

// sums makes the sidebar's running sums of folder p's children.
func (k *keyData) sums(p *site.Page) {
	sums := make([]uint64, len(p.Children)+1)
	for i, c := range p.Children {
		k.pos[c] = i
		k.navs[c] = navOf(c)
		// Mixed with its place, so that pages that swap places
		// change the sum.
		sums[i+1] = sums[i] + mix(k.navs[c]^uint64(i)*0x9E3779B97F4A7C15)
	}
	k.prefix[p] = sums
}

// stepSums hashes, by page, its places on the personas' onboarding paths.
func (r *Renderer) stepSums() map[*site.Page]uint64 {
	k := &r.keys.keyData
	steps := map[*site.Page]uint64{}
	for _, persona := range r.sd.Personas {
		var path []*site.Page
		for _, q := range persona.OnboardingPages {
			if q != nil {
				path = append(path, q)
			}
		}
		for i, q := range path {
			h := newHasher()
			h.u64(steps[q])
			h.u64(k.iface(persona))
			h.u64(uint64(i))
			h.u64(uint64(len(path)))
			if i > 0 {
				h.u64(k.iface(path[i-1]))
			}
			if i+1 < len(path) {
				h.u64(k.iface(path[i+1]))
			}
			steps[q] = h.sum()
		}
	}
	return steps
}

// siteKeys makes the keys that read what every page shows: the part
// every page shares (global), the 404 page and the results page
// (pages.json's is pagesKey).
//
// lists is false when no page's iface changed since the last call: the
// keys that list every page then change only with global.
func (r *Renderer) siteKeys(lists bool) {
	k := &r.keys.keyData
	was := k.global
	h := newHasher()
	h.u64(r.Theme.Shared)
	h.u64(r.opt.Salt)
	h.str(r.opt.Version)
	if r.Theme.readsNow {
		// A layout may show the time of the build itself.
		h.str(r.opt.Now.String())
	}
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
	// The results page is made only when no page of the site has
	// its URL.
	h.flag(r.site.ByURL["/search/"] != nil)
	h.u64(r.layoutSums["search.html"])
	k.searchPage = h.sum()
	defer func() {
		nf := newHasher()
		nf.u64(k.notFoundList)
		nf.u64(r.layoutSums["404.html"])
		k.notFound = nf.sum()
	}()
	if !lists && k.global == was {
		return
	}
	nf := newHasher()
	nf.u64(k.global)
	nf.u64(k.nfSum)
	k.notFoundList = nf.sum()
}

// PatchKeys brings the keys' shared part up to date after
// resolve.Graph.Patch changed the pages touched in place (r is a
// Renderer of that graph, with Options.Keys as the last update left
// it), and returns the pages whose key may have changed: the touched
// pages and every page that shows something of them. all is true when
// that is every page (the theme or the configuration changed, or a
// page that every page shows).
func (r *Renderer) PatchKeys(touched []*site.Page) (pages []*site.Page, all bool) {
	k := &r.keys.keyData
	done := false
	k.once.Do(func() { done = true })
	if done {
		// Not made before: made now, for every page.
		r.keys.once = sync.Once{}
		r.prepareKeys()
		return nil, true
	}
	global, lists := k.global, false
	set := map[*site.Page]bool{}
	add := func(p *site.Page) {
		if p != nil {
			set[p] = true
		}
	}
	// What a page shows of itself: of the touched pages, and of those
	// whose findings changed.
	sums := r.findingSums()
	dirty := slices.Clone(touched)
	for f, v := range sums {
		if old, ok := k.findings[f]; !ok || old != v {
			if p := k.byFile[f]; p != nil {
				dirty = append(dirty, p)
			}
		}
	}
	for f := range k.findings {
		if _, ok := sums[f]; !ok {
			if p := k.byFile[f]; p != nil {
				dirty = append(dirty, p)
			}
		}
	}
	k.findings = sums
	folders := map[*site.Page][2]int{} // folder -> range of its children's places that changed
	mark := func(folder *site.Page, i int) {
		rg, ok := folders[folder]
		if !ok {
			rg = [2]int{i, i}
		}
		folders[folder] = [2]int{min(rg[0], i), max(rg[1], i)}
	}
	for _, p := range touched {
		// The page's own file: its key, and the alert pages that show
		// a runbook's body.
		add(p)
		for _, q := range p.AlertPages {
			if q.RunbookOf == p {
				add(q)
			}
		}
		// Its place among its folder's pages moves only with its title,
		// which is part of its iface: the loop below marks its folder
		// then. A page touched for its rule, or for the pages it owns,
		// keeps its place.
	}
	for _, p := range dirty {
		k.cat.mark(p)
		k.pages.mark(p)
		v := k.ifaceOf(p)
		if v == k.ifaces[p] {
			continue
		}
		k.ifaces[p] = v
		k.renotFound(p)
		lists = true
		k.showers(p, add)
		if f := p.Parent; f != nil {
			// The sidebars that list it: when what they show of it
			// changed, or its place among its folder's pages did (its
			// title or weight).
			at := k.pos[p]
			if navOf(p) != k.navs[p] || at >= len(f.Children) || f.Children[at] != p {
				mark(f, at)
			}
		}
	}
	for folder, rg := range folders {
		old := slices.Clone(folder.Children)
		before := map[*site.Page]int{}
		for _, c := range old {
			before[c] = k.pos[c]
		}
		k.sums(folder)
		for i, c := range folder.Children {
			if before[c] != i {
				rg = [2]int{min(rg[0], i, before[c]), max(rg[1], i, before[c])}
			}
		}
		// The pages whose sidebar shows a window of this folder that
		// holds a place in the range.
		add(folder)
		n := len(folder.Children)
		for i := max(0, rg[0]-navLimit); i <= min(n-1, rg[1]+navLimit); i++ {
			descend(folder.Children[i], add)
		}
	}
	steps := r.stepSums()
	for q, v := range steps {
		if k.steps[q] != v {
			add(q)
		}
	}
	for q := range k.steps {
		if _, ok := steps[q]; !ok {
			add(q)
		}
	}
	k.steps = steps
	r.siteKeys(lists)
	if k.global != global {
		return nil, true
	}
	pages = make([]*site.Page, 0, len(set))
	for p := range set {
		pages = append(pages, p)
	}
	slices.SortFunc(pages, func(a, b *site.Page) int { return strings.Compare(a.URL, b.URL) })
	return pages, false
}

// renotFound works out page p's term of the 404 page's key again.
func (k *keyData) renotFound(p *site.Page) {
	old, t := k.nfTerms[p], uint64(0)
	if p.Kind == site.Team || isIncidentPage(p) {
		t = placed(k.at[p], k.ifaces[p])
		k.nfTerms[p] = t
	} else {
		delete(k.nfTerms, p)
	}
	k.nfSum += t - old
}

// showers calls add with every page whose key reads what p shows of
// itself (its iface): the reverse of what Key reads.
func (k *keyData) showers(p *site.Page, add func(*site.Page)) {
	descend(p, add) // its crumbs are on every page under it
	for _, q := range p.Owned {
		add(q) // their owner
	}
	for _, q := range p.AlertPages {
		add(q) // their runbook
	}
	for _, q := range k.readers[p] {
		add(q) // their alert pages
	}
	for _, role := range p.Meta.Roles {
		add(k.personas[role]) // the persona's list of its role's pages
	}
	for _, persona := range k.paths[p] {
		add(persona) // its onboarding path
	}
	add(p.OwnerTeam) // the team's list of its pages
	add(p.Parent)    // the folder's list
	for a := p.Parent; a != nil; a = a.Parent {
		if a.Kind == site.Section {
			add(a) // a section's listing of every page under it
		}
	}
	if p.Kind == site.Team {
		for _, q := range p.Owned {
			for a := q.Parent; a != nil; a = a.Parent {
				if a.Kind == site.Section {
					add(a) // listings name each page's owner
				}
			}
		}
	}
}

// descend calls add with p and every page under it.
func descend(p *site.Page, add func(*site.Page)) {
	add(p)
	for _, c := range p.Children {
		descend(c, add)
	}
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
	// The number of the folder's pages too: the sidebar says how many
	// it does not show.
	h := newHasher()
	h.u64(sums[to] - sums[from])
	h.u64(uint64(from))
	h.u64(uint64(to))
	h.u64(uint64(n))
	return h.sum()
}

// combine hashes two keys into one.
func combine(a, b uint64) uint64 {
	h := newHasher()
	h.u64(a)
	h.u64(b)
	return h.sum()
}

// pageKey returns the two parts of the dependency key of page p's output
// file, but for the entries of its list (see Outputs, which adds them):
// nav is what its sidebar shows (the windows of the folders on its way),
// rest all else.
func (r *Renderer) pageKey(p *site.Page) (rest, nav uint64) {
	k := r.prepareKeys()
	h := newHasher()
	h.u64(k.global)
	h.u64(r.Theme.layoutSum(p))
	h.u64(p.Sum)
	h.u64(k.iface(p))
	h.str(p.Expression())
	h.str(ruleFor(p))
	h.u64(dayKey(r.updated(p)))
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
	lists := [][]*site.Page{p.OnboardingPages}
	if !r.listed(p) {
		// A layout with a list shows its entries a page at a time:
		// Outputs hashes each page's part. Other layouts may show
		// these whole.
		lists = append(lists, p.Owned, p.Children)
	}
	for _, list := range lists {
		h.u64(uint64(len(list)))
		for _, q := range list {
			h.u64(k.iface(q))
		}
	}
	h.u64(k.steps[p])
	rest = h.sum()
	// The sidebar: the sections p is in show the folders on its way
	// open, each a window of its children around the one on the way.
	h = newHasher()
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
	return rest, h.sum()
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
