package render

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/site"
)

// # Entries kept from one build to the next
//
// What catalog.json, llms.txt and pages.json show of each page (its
// catEntry and its pages.json element) is kept in the BodyCache by the
// page's term, a hash of everything the entry shows (entryTerm,
// pageTerm): the live preview makes an entry again only when its term
// changes. A one-shot build starts with an empty BodyCache; with
// Options.Cache it starts instead from the entries the last build of the
// same configuration left in the build cache (loadSaved), by content
// path, each used only when its page's term is the one it was made under,
// exactly as the BodyCache uses it; and when it made entries anew, it
// leaves them all there for the next build (saveEntries). So a build
// after a one-page edit encodes the entries of the pages whose terms
// changed, not those of every page.

// savedFormat is the format of the encoded entries, named in their key.
const savedFormat = "render entries/1"

// savedKey is the build cache's key of the entries of a site built with
// r's configuration (Options.Salt) and catGlobal: what an entry shows
// beside its term.
func (r *Renderer) savedKey() buildcache.Key {
	h := buildcache.NewHasher(savedFormat)
	h.String(strconv.FormatUint(r.opt.Salt, 16))
	h.String(strconv.FormatUint(r.catGlobal(), 16))
	h.String(r.base)
	return h.Sum()
}

// catGlobal hashes what every entry of catalog.json and llms.txt shows
// beside its page's term: the base path, the site's URL and the tickets'
// URL pattern.
func (r *Renderer) catGlobal() uint64 {
	g := newHasher()
	g.str(r.base)
	g.str(r.site.Config.URL())
	g.str(r.site.Config.Tickets.URL)
	return g.sum()
}

// savedEntry is what the build cache keeps of one page's entries: its
// catEntry (when cat) and its pages.json element (when page).
type savedEntry struct {
	cat, page bool
	catEntry
	pageTerm uint64
	pageJSON string
}

// savable is 1 for a page whose entries the build cache keeps: one made
// from a file (a listing of a folder is made again by every build).
func savable(p *site.Parsed) int {
	if p == nil || p.Path == "" {
		return 0
	}
	return 1
}

// loadSaved fills the BodyCache, the first time only and when it has no
// entries, with the entries the build cache has for the site's pages.
func (r *Renderer) loadSaved() {
	bc, store := r.opt.Bodies, r.opt.Cache
	if bc == nil || store == nil {
		return
	}
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.savedRead || len(bc.cat) > 0 || len(bc.entries) > 0 {
		return
	}
	bc.savedRead = true
	var saved map[string]savedEntry
	var err error
	// decodeSaved copies what it keeps: the cache's bytes are lent.
	if !buildcache.View(store, r.savedKey(), func(data []byte) { saved, err = decodeSaved(data) }) || err != nil {
		return
	}
	bc.cat, bc.catGlobal = make(map[*site.Parsed]catEntry, len(saved)), r.catGlobal()
	bc.entries = make(map[*site.Parsed]cachedEntry, len(saved))
	for _, p := range r.site.Pages {
		if p.Parsed == nil || p.Path == "" {
			continue
		}
		s, ok := saved[p.Path]
		if !ok {
			continue
		}
		if s.cat {
			bc.cat[p.Parsed] = s.catEntry
		}
		if s.page {
			bc.entries[p.Parsed] = cachedEntry{s.pageTerm, s.pageJSON}
		}
	}
	bc.made = 0
}

// saveEntries puts the entries of the site's pages in the build cache
// when the BodyCache made any since loadSaved.
func (r *Renderer) saveEntries() {
	bc, store := r.opt.Bodies, r.opt.Cache
	if bc == nil || store == nil {
		return
	}
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.made == 0 || bc.catGlobal != r.catGlobal() {
		return
	}
	saved := map[string]savedEntry{}
	for _, p := range r.site.Pages {
		if p.Parsed == nil || p.Path == "" {
			continue
		}
		var s savedEntry
		s.catEntry, s.cat = bc.cat[p.Parsed]
		var ce cachedEntry
		ce, s.page = bc.entries[p.Parsed]
		s.pageTerm, s.pageJSON = ce.term, ce.json
		if s.cat || s.page {
			saved[p.Path] = s
		}
	}
	store.Put(r.savedKey(), encodeSaved(saved))
	bc.made = 0
}

// The encoded entries: the bytes "PBRE", the number of pages, then for
// each, in path order: its path; a byte of flags (1: a catEntry follows,
// 2: a pages.json element follows); the catEntry's term, kind, element
// and line; the element's term and bytes. Strings are a uvarint length
// and the bytes, terms uvarints.
const savedMagic = "PBRE"

func encodeSaved(m map[string]savedEntry) []byte {
	b := binary.AppendUvarint([]byte(savedMagic), uint64(len(m)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, path := range slices.Sorted(maps.Keys(m)) {
		s := m[path]
		str(path)
		var flags byte
		if s.cat {
			flags |= 1
		}
		if s.page {
			flags |= 2
		}
		b = append(b, flags)
		if s.cat {
			b = binary.AppendUvarint(b, s.term)
			str(string(s.kind))
			str(s.elem)
			str(s.line)
		}
		if s.page {
			b = binary.AppendUvarint(b, s.pageTerm)
			str(s.pageJSON)
		}
	}
	return b
}

var errSaved = errors.New("render: damaged saved entries")

// decodeSaved reads what encodeSaved wrote; anything else, or anything
// cut short or followed by more, is an error. The strings it returns
// share one copy of data, and the catEntries' elements share data.
func decodeSaved(data []byte) (map[string]savedEntry, error) {
	d := buildcache.NewSharingDecoder(data)
	d.Magic(savedMagic)
	// Each page takes at least 2 bytes.
	count := d.Count(2)
	m := make(map[string]savedEntry, count)
	for range count {
		path := d.String()
		flags := d.Byte()
		if flags&^3 != 0 {
			return nil, errSaved
		}
		var s savedEntry
		if flags&1 != 0 {
			s.cat = true
			s.term = d.Uint()
			s.kind = site.Kind(d.String())
			s.elem = d.String()
			s.line = d.String()
		}
		if flags&2 != 0 {
			s.page = true
			s.pageTerm = d.Uint()
			s.pageJSON = d.String()
		}
		m[path] = s
	}
	if d.Err() != nil {
		return nil, errSaved
	}
	return m, nil
}
