// Package parse is the Parse stage: it turns each markdown source into a
// site.Page, with its front matter decoded, its kind and id settled, its
// body parsed once by goldmark, and its title, headings, links and tasks
// read. With a build cache (Options.Cache), what a body reads as is kept,
// and a body the cache has is not parsed again (see readBody). Sources are parsed in parallel across cores. Its input is the
// loaded content and the site configuration; its output is pages and
// findings.
package parse

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/yuin/goldmark/ast"
)

// Options tell Parse how to read pages.
type Options struct {
	Config   *config.Config
	Markdown *markdown.Markdown
	// FilePrefix is put before a source's content path to make the path
	// findings show ("content/"), so that they can be clicked from the
	// folder the command ran in.
	FilePrefix string
	// NavTitles are titles from another tool's navigation (mkdocs.yml),
	// by content path, used when a page has neither title nor H1.
	NavTitles map[string]string
	// Drafts keeps pages with draft: true.
	Drafts bool
	// ReleaseDoc leaves each page without its syntax tree once its
	// title, outline and findings are read: Parsed.Doc, Outline.H1 and
	// the Node of each Outline.Links entry are nil, and Doc makes them
	// again when the page is rendered. A one-shot build of a big site
	// sets it, so that it does not hold every page's tree at once.
	ReleaseDoc bool
	// Cache, when set, keeps each page's decoded front matter (see
	// readFront) and what Parse reads of a body (see readBody):
	// a page whose body the cache has comes without its syntax tree, as
	// with ReleaseDoc, and with its text for search (Parsed.Text). For
	// a one-shot build, which makes the tree again (Doc) only for the
	// pages it renders.
	Cache buildcache.Store
	// Known returns what the content index keeps of the file path (see
	// Known), for a source that Load left unread (load.Source.Known).
	Known func(path string) (Known, bool)
}

// Known is what Page reads of a file's bytes when the build cache has
// the rest (the parsed body under BodyKey; the decoded front matter is
// made again from FrontMatter when the cache lost it): a page made
// from it is the page Page makes from the file (FromKnown). The
// content index of a build keeps it for each file it trusts unchanged
// (see package engine); a page is Indexable when it can be made so.
type Known struct {
	Sum         uint64 // SumOf the file
	FrontMatter []byte
	Format      frontmatter.Format
	BodyLine    int
	BodyKey     buildcache.Key
}

// KnownOf returns what the content index keeps of p; ok is false when p
// is not Indexable.
func KnownOf(p *site.Parsed) (k Known, ok bool) {
	if !p.Indexable {
		return Known{}, false
	}
	return Known{Sum: p.Sum, FrontMatter: p.FrontMatter, Format: p.Format, BodyLine: p.BodyLine, BodyKey: p.BodyKey}, true
}

// SumOf returns site.Parsed.Sum for the file of findings name file (the
// content path after Options.FilePrefix) and bytes data.
func SumOf(file string, data []byte) uint64 {
	h := fnv.New64a()
	h.Write([]byte(file))
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum64()
}

// All parses every source, using every core. Pages come back in the order
// of the sources, drafts included (Parsed.Meta.Draft tells them).
func All(srcs []load.Source, opt Options) []*site.Parsed {
	pages := make([]*site.Parsed, len(srcs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				pages[i] = Page(srcs[i], opt)
			}
		})
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	return pages
}

// Summarize returns findings with the warnings about one unknown front
// matter field made one finding, at its first page, that counts the pages
// (a site from another tool can have a field on every page). Errors that
// suggest a known field stay, one per page.
func Summarize(finds []diag.Finding) []diag.Finding {
	var all []diag.Finding
	unknown := map[string]*unknownField{}
	for _, f := range finds {
		if key, ok := unknownKey(f); ok {
			if u := unknown[key]; u != nil {
				u.pages++
				continue
			}
			unknown[key] = &unknownField{at: len(all), pages: 1}
		}
		all = append(all, f)
	}
	for key, u := range unknown {
		if u.pages > 1 {
			all[u.at].Message = fmt.Sprintf("unknown field %q is kept for templates but not checked (on %d pages; this is the first)", key, u.pages)
		}
	}
	return all
}

// unknownField counts the pages with one unknown front matter field,
// reported once, at its first page.
type unknownField struct {
	at    int // index of the first finding
	pages int
}

// unknownKey returns the key of an unknown-field warning (not of an error
// that suggests a known key, which each page gets).
func unknownKey(f diag.Finding) (string, bool) {
	if f.Check != "frontmatter/unknown-field" || f.Severity != diag.Warning {
		return "", false
	}
	var key string
	if _, err := fmt.Sscanf(f.Message, "unknown field %q", &key); err != nil {
		return "", false
	}
	return key, true
}

// Page parses one source. Its findings are in Parsed.Findings. A source
// that Load left unread (load.Source.Known) is made from what
// Options.Known keeps of it and the build cache (FromKnown): Page
// returns nil when they no longer have it, and the caller reads the
// file.
func Page(src load.Source, opt Options) *site.Parsed {
	if src.Known && src.Data == nil {
		if opt.Known == nil || opt.Cache == nil {
			return nil
		}
		k, ok := opt.Known(src.Path)
		if !ok {
			return nil
		}
		return FromKnown(src.Path, k, opt)
	}
	return page(src.Path, src.Data, nil, opt)
}

// FromKnown returns the page that Page makes from the file path whose
// bytes k tells, without them: nil when the build cache no longer has
// the parsed body. The page is Unread.
func FromKnown(path string, k Known, opt Options) *site.Parsed {
	if opt.Cache == nil {
		return nil
	}
	return page(path, nil, &k, opt)
}

// page is Page, from the file's bytes data or, when k is set, from what
// k keeps of them.
func page(srcPath string, data []byte, k *Known, opt Options) *site.Parsed {
	file := opt.FilePrefix + srcPath
	var out diag.List
	var bp *bodyPart
	var fm, body []byte
	var format frontmatter.Format
	var bodyLine int
	var doc ast.Node
	var key buildcache.Key
	ok, badUTF8 := true, false
	if k != nil {
		fm, format, bodyLine, key = k.FrontMatter, k.Format, k.BodyLine, k.BodyKey
		var hit bool
		if bp, hit = cachedBody(key, opt); !hit {
			return nil
		}
	} else {
		fm, format, body, bodyLine, ok, badUTF8 = split(data)
	}
	if badUTF8 {
		reportUTF8(data, file, &out)
	}
	if !ok {
		open, closing := fences(format)
		out.Errorf("frontmatter/invalid", file, 1, "front matter starts with %s but has no closing %s line", open, closing)
	}
	meta, finds := readFront(file, fm, format, fmLine(format), opt)
	out = append(out, finds...)
	if !ok {
		meta.Unreadable = true
	}
	// Past a limit a body would cost more than a page may: the page is
	// built without it (see readBody).
	if k == nil {
		bp, body, doc, key = readBody(body, bodyLine, erbPage(srcPath), opt)
	}
	if lim := bp.Limit; lim != nil {
		out.Errorf(lim.Check, file, bodyLine+max(lim.Line, 1)-1, "%s; the page is built without its body", lim.Msg)
	}
	for _, n := range bp.Notes {
		out.Warnf(n.Check, file, bodyLine+n.Line-1, "%s", n.Message)
	}

	ref := load.Ref(srcPath)
	p := &site.Parsed{
		Path:        srcPath,
		File:        file,
		Ref:         ref,
		Meta:        meta,
		Body:        body,
		BodyLine:    bodyLine,
		FrontMatter: bytes.Clone(fm),
		Format:      format,
	}
	if k != nil {
		p.Sum = k.Sum
	} else {
		p.Sum = SumOf(file, data)
	}
	if opt.Cache != nil {
		p.BodyKey = key
		if doc == nil {
			// From the cache: the body is made again from the file
			// when it is needed (Body).
			p.Raw, p.Unread = data, k != nil
		}
		// The cache has the parsed body under key: readBody put it.
		p.Indexable = ok && !badUTF8
	}
	p.Kind = kind(p, &out)
	p.ID = id(ref)
	p.URL = load.URL(ref)
	sourceURLs(p, opt.Config)
	if opt.Config.Source == "docusaurus" && meta.Weight == 0 {
		if _, n, ok := StripNumberPrefix(path.Base(strings.TrimSuffix(ref, "/index"))); ok {
			meta.Weight = n // Docusaurus orders by the number prefix
		}
	}
	if w, ok := opt.Config.NavOrder[srcPath]; ok && meta.Weight == 0 {
		meta.Weight = w // mkdocs.yml's nav order
	}
	if p.Kind == site.Alert && meta.Alert != "" {
		p.URL = AlertURL(opt.Config.AlertURL, meta.Alert)
	}

	p.Doc = doc
	p.Outline = bp.outline(doc)
	p.Title = meta.Title
	switch {
	case p.Title != "":
	case bp.H1 && p.Outline.H1Text != "":
		p.Title, p.TitleFromH1 = p.Outline.H1Text, true
	case opt.NavTitles[srcPath] != "":
		p.Title = opt.NavTitles[srcPath]
	case p.Kind == site.Alert && meta.Alert != "":
		p.Title = meta.Alert
	default:
		p.Title, p.TitleFromName = Readable(ref, opt.Config.Title), true
	}
	if bp.H1 && !p.TitleFromH1 && !sameWords(p.Outline.H1Text, p.Title) {
		// The body opens with its own H1: that is the page's heading, as
		// other tools show it, and the page has one h1 (readBody took
		// it out of the tree).
		p.Outline.Heading = p.Outline.H1Text
	}
	for _, n := range bp.HTML {
		out.Warnf(n.Check, file, n.Line, "%s", n.Message)
	}
	p.Findings = out
	p.Iface = iface(p)
	p.IndexAnchors()
	if opt.ReleaseDoc {
		p.Doc, p.Outline.H1 = nil, nil
		for i := range p.Outline.Links {
			p.Outline.Links[i].Node = nil
		}
	}
	return p
}

// split splits a file into its front matter and body as Page reads
// them (frontmatter.SplitAny), with bytes that are not UTF-8 replaced;
// badUTF8 is true when the file has such bytes that are not a UTF-16
// front matter's, which frontmatter reads.
func split(data []byte) (fm []byte, format frontmatter.Format, body []byte, bodyLine int, ok, badUTF8 bool) {
	fm, format, body, bodyLine, ok = frontmatter.SplitAny(data)
	if !utf8.Valid(data) {
		// A UTF-16 front matter is left to frontmatter, which knows
		// its byte-order mark.
		utf16 := bytes.HasPrefix(fm, []byte{0xFF, 0xFE}) || bytes.HasPrefix(fm, []byte{0xFE, 0xFF})
		badUTF8 = !utf16 || !utf8.Valid(body)
		if !utf16 {
			fm = bytes.ToValidUTF8(fm, []byte("\uFFFD"))
		}
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return fm, format, body, bodyLine, ok, badUTF8
}

// erbPage reports whether a page is a Middleman .erb template.
func erbPage(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".erb") }

// Body returns p's body as Page made it: p.Body, or, for a page whose
// body came from the build cache (which keeps p.Raw instead), the body
// made again from the file's bytes, as Page would make it: nil when it
// passes a limit.
func Body(p *site.Parsed) []byte {
	if p.Body != nil || p.Raw == nil {
		return p.Body
	}
	_, _, body, _, _, _ := split(p.Raw)
	body, _, _ = prepareBody(body, erbPage(p.Path))
	return body
}

// Doc parses p's body again, as Page parsed it: its syntax tree, with
// the opening H1 taken out when Page took it out, and the nodes of its
// links, in the order of p.Outline.Links (and so of site.Page.Links).
// It is for pages parsed with Options.ReleaseDoc; md must be the
// converter they were parsed with. goldmark's parse is deterministic,
// so the tree renders to the same bytes as the first one. An error
// says that the body read differently (it never should).
func Doc(p *site.Parsed, md *markdown.Markdown) (ast.Node, []ast.Node, error) {
	body := Body(p)
	doc := md.Parse(body)
	o := markdown.ReadOutline(doc, body, markdown.NewLines(body, p.BodyLine))
	if o.H1 != nil {
		// Page takes the opening H1 out whether it became the title or
		// the page's own heading.
		doc.RemoveChild(doc, o.H1)
	}
	if len(o.Links) != len(p.Outline.Links) {
		return nil, nil, fmt.Errorf("%s: the body parsed again has %d links, not %d", p.File, len(o.Links), len(p.Outline.Links))
	}
	nodes := make([]ast.Node, len(o.Links))
	for i, l := range o.Links {
		nodes[i] = l.Node
	}
	return doc, nodes, nil
}

// iface hashes what other pages show of p: everything but its body text.
func iface(p *site.Parsed) uint64 {
	h := fnv.New64a()
	for _, s := range []string{p.File, p.Ref, p.URL, string(p.Kind), p.ID, p.Title, p.Outline.H1Text} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(p.FrontMatter)
	h.Write([]byte{0, b2b(p.TitleFromH1), b2b(p.TitleFromName), b2b(p.Meta.Unreadable)})
	for _, hd := range p.Outline.Headings {
		h.Write([]byte(hd.ID))
		h.Write([]byte{0, byte(hd.Level)})
		h.Write([]byte(hd.Text))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func b2b(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// sameWords reports whether two titles are the same but for case, spaces
// and punctuation: "KettleLidOpen" and "Kettle Lid Open".
func sameWords(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	return norm(a) == norm(b)
}

// fences names the opening and closing lines of front matter in a
// message.
func fences(f frontmatter.Format) (open, closing string) {
	switch f {
	case frontmatter.TOML:
		return "+++", "+++"
	case frontmatter.JSON:
		return "{", "}"
	}
	return "---", "---"
}

// fmLine is the file line on which front matter of a format starts: JSON
// includes its opening brace on line 1.
func fmLine(f frontmatter.Format) int {
	if f == frontmatter.JSON {
		return 1
	}
	return 2
}

// AlertURL returns an alert page's URL from the site's pattern.
func AlertURL(pattern, alert string) string {
	return strings.ReplaceAll(pattern, "{alert}", load.Slug(alert))
}

func kind(p *site.Parsed, out *diag.List) site.Kind {
	if k := strings.ToLower(p.Meta.Kind); k != "" {
		for _, known := range site.Kinds() {
			if site.Kind(k) == known {
				return known
			}
		}
		out.Errorf("frontmatter/invalid", p.File, p.Meta.Line("kind", 1),
			"kind %q is none of guide, runbook, alert, checklist, team, persona", p.Meta.Kind)
	}
	top, _, _ := strings.Cut(p.Path, "/")
	k := site.KindOfFolder(top)
	if k == "" || top == p.Path || isSectionPage(p.Ref) {
		return site.Guide
	}
	return k
}

// isSectionPage reports whether a page introduces its folder rather than
// being one of its kind: _index.md and README.md anywhere, and index.md of
// a kind's own folder ("runbooks/index.md"). Deeper index.md files are
// bundles of the folder's kind ("teams/payments/index.md" is a team).
func isSectionPage(ref string) bool {
	if !load.IsIndex(ref) {
		return false
	}
	base := strings.ToLower(path.Base(ref))
	return base != "index" || !strings.Contains(path.Dir(ref), "/")
}

// id is a team's or persona's id: the file name, or the folder's name for
// an index page.
func id(ref string) string {
	if load.IsIndex(ref) {
		return path.Base(path.Dir(ref))
	}
	return path.Base(ref)
}

// Readable makes a title of a file name: "being_oncall" is "Being oncall".
// The site's home page takes the site's title.
func Readable(ref, siteTitle string) string {
	name := path.Base(ref)
	if load.IsIndex(ref) {
		dir := path.Dir(ref)
		if dir == "." {
			return siteTitle
		}
		name = path.Base(dir)
	}
	name = strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }), " ")
	if name == "" {
		return siteTitle
	}
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}

// Inherit gives pages the front matter that the cascade of the index pages
// of the folders above them (Hugo's cascade, nearest folder first) and
// playbook.yaml's defaults (cfg.Defaults, first matching entry first) set,
// where a page does not set it itself. Pages that inherit something come
// back as copies with their own Meta (parsed pages are shared between
// builds and never written); their dependency keys include what they
// inherited. configFile names playbook.yaml in findings. It returns the
// pages, in the same order, and the findings of the cascades and defaults
// themselves.
func Inherit(pages []*site.Parsed, cfg *config.Config, configFile string) ([]*site.Parsed, []diag.Finding) {
	var out diag.List
	cascades := map[string]*site.Parsed{} // by folder, "" for the root
	for _, p := range pages {
		if p.Meta.Cascade != "" && load.IsIndex(p.Ref) {
			dir := folderOf(path.Dir(p.Ref))
			if prev := cascades[dir]; prev == nil || strings.HasPrefix(path.Base(p.Ref), "_") {
				cascades[dir] = p
			}
		}
	}
	decoded := map[string]*frontmatter.Meta{}
	dirs := make([]string, 0, len(cascades))
	for d := range cascades {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		p := cascades[d]
		text := p.Meta.Cascade
		if strings.HasPrefix(strings.TrimSpace(text), "-") {
			out.Warnf("frontmatter/invalid", p.File, p.Meta.CascadeLine, "cascade with _target entries is not supported: write cascade as a mapping of front matter keys to values")
			continue
		}
		m, finds := frontmatter.Decode(p.File, []byte(text), p.Meta.CascadeLine+1, frontmatter.Options{Allowed: append([]string{"_target"}, cfg.Fields...), Inheritable: true})
		out = append(out, finds...)
		decoded[d] = m
	}
	var defaults []*frontmatter.Meta
	for _, d := range cfg.Defaults {
		m, finds := frontmatter.Decode(configFile, []byte(d.YAML), d.Line, frontmatter.Options{Allowed: cfg.Fields, Inheritable: true})
		out = append(out, finds...)
		defaults = append(defaults, m)
	}
	if len(decoded) == 0 && len(defaults) == 0 {
		return pages, out
	}
	res := make([]*site.Parsed, len(pages))
	for i, p := range pages {
		res[i] = p
		meta := p.Meta.Clone()
		h := fnv.New64a()
		dir := path.Dir(p.Ref)
		if load.IsIndex(p.Ref) {
			dir = path.Dir(dir) // a folder's index page inherits from the folders above
		}
		for {
			dir = folderOf(dir)
			if m := decoded[dir]; m != nil && cascades[dir] != p {
				if frontmatter.Inherit(meta, m, cascades[dir].File) {
					h.Write([]byte(cascades[dir].Meta.Cascade))
				}
			}
			if dir == "" {
				break
			}
			dir = path.Dir(dir)
		}
		for j, m := range defaults {
			if cfg.Defaults[j].Matches(p.Path) && frontmatter.Inherit(meta, m, configFile) {
				h.Write([]byte(cfg.Defaults[j].YAML))
			}
		}
		if len(meta.Inherited) == 0 {
			continue
		}
		cp := *p
		cp.Meta = meta
		cp.Sum ^= h.Sum64()
		cp.Iface ^= h.Sum64()
		if _, ok := meta.Inherited["kind"]; ok {
			var ignored diag.List
			cp.Kind = kind(&cp, &ignored)
		}
		res[i] = &cp
	}
	return res, out
}

// folderOf turns path.Dir's "." into "", the content root.
func folderOf(dir string) string {
	if dir == "." {
		return ""
	}
	return dir
}

// reportUTF8 reports a page that is not valid UTF-8 (saved as Latin-1 or
// Windows-1252, or binary) at the line of its first bad byte; Page then
// replaces each bad sequence with U+FFFD, so that no invalid byte reaches
// the HTML or the search index.
func reportUTF8(data []byte, file string, out *diag.List) {
	i := 0
	for i < len(data) {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	out.Warnf("page/encoding", file, line, "the page is not valid UTF-8 (byte 0x%02X): save it as UTF-8; each bad byte is shown as \uFFFD", data[i])
}

// numberPrefixRE and datePrefixRE are Docusaurus' default number prefix
// parser: "01-intro", "2_setup" and "10. Switch on" lose their number,
// which orders them; "2021-01-notes" and "1.2-notes" keep it
// (docusaurus.io/docs/sidebar/autogenerated#using-number-prefixes).
var (
	numberPrefixRE = regexp.MustCompile(`^(\d+)\s*[-_.]+\s*([^-_.\s].*)$`)
	datePrefixRE   = regexp.MustCompile(`^\d+[-_.]\d+`)
)

// StripNumberPrefix returns a file or folder name without its Docusaurus
// number prefix, and the number (0 and false when it has none).
func StripNumberPrefix(name string) (string, int, bool) {
	if datePrefixRE.MatchString(name) {
		return name, 0, false
	}
	m := numberPrefixRE.FindStringSubmatch(name)
	if m == nil {
		return name, 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 1e6 {
		return name, 0, false
	}
	return m[2], n, true
}

// DocusaurusPath returns the path Docusaurus' docs plugin gives a page of
// ref (a content path without extension) and front matter m, without the
// route base path and slashes around it: number prefixes are dropped from
// every folder and file name, id replaces the file name, slug replaces the
// path (from the docs root when it starts with "/", else from the page's
// folder), and an index, README (or Hugo's _index) or a file named like its
// folder stands for its folder. Case and spaces are kept, as Docusaurus keeps them.
func DocusaurusPath(ref string, m *frontmatter.Meta) string {
	segs := strings.Split(ref, "/")
	for i, s := range segs {
		segs[i], _, _ = StripNumberPrefix(s)
	}
	dir, name := strings.Join(segs[:len(segs)-1], "/"), segs[len(segs)-1]
	if m.Slug != "" {
		if strings.HasPrefix(m.Slug, "/") {
			return strings.Trim(path.Clean(m.Slug), "/")
		}
		return strings.Trim(path.Join(dir, m.Slug), "/")
	}
	if m.DocID == "" {
		if load.IsIndex(name) || len(segs) > 1 && name == segs[len(segs)-2] {
			return dir
		}
	}
	if m.DocID != "" && !strings.Contains(m.DocID, "/") {
		name = m.DocID
	}
	return strings.Trim(path.Join(dir, name), "/")
}

// sourceURLs sets a page's URL and SourceURL by the conventions of the
// tool it was written for: Docusaurus pages get the URL of their
// Docusaurus path (made pretty: lowercase, hyphens); Middleman's
// "page.html.md" under content_url was at content_url + "page.html".
func sourceURLs(p *site.Parsed, cfg *config.Config) {
	base := cfg.ContentURL
	if base == "" {
		base = "/"
	}
	switch cfg.Source {
	case "docusaurus":
		dp := DocusaurusPath(p.Ref, p.Meta)
		p.URL = prettyURL(dp)
		if dp != "" {
			p.SourceURL = base + dp + "/"
		} else if base != "/" {
			p.SourceURL = base
		}
	case "middleman":
		if strings.HasSuffix(strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(p.Path, ".erb"), ".md")), ".html") {
			p.SourceURL = base + p.Ref + ".html"
		}
	}
	if p.SourceURL == p.URL {
		p.SourceURL = ""
	}
}

// prettyURL makes a site path of a slash-separated path: each segment a
// slug, a trailing slash.
func prettyURL(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = load.Slug(s)
	}
	return "/" + strings.Join(segs, "/") + "/"
}
