// Package site is the content model that the stages of the pipeline share:
// pages with their typed front matter and parsed body (filled in by Parse),
// and the graph between them (owners, runbooks, alerts, personas, links,
// filled in by Resolve). It does no work of its own beyond small lookups.
package site

import (
	"strings"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/yuin/goldmark/ast"
)

// Kind is what a page is for.
type Kind string

const (
	Guide     Kind = "guide"
	Runbook   Kind = "runbook"
	Alert     Kind = "alert"
	Checklist Kind = "checklist"
	Team      Kind = "team"
	Persona   Kind = "persona"
	// Section is a listing of a folder's pages that has no index page of
	// its own; the generator makes it.
	Section Kind = "section"
)

// Kinds returns the kinds a page may declare, in the order sites list them.
func Kinds() []Kind {
	return []Kind{Guide, Runbook, Alert, Checklist, Team, Persona}
}

// KindOfFolder returns the kind that a top-level folder implies, or "".
func KindOfFolder(folder string) Kind {
	switch folder {
	case "runbooks":
		return Runbook
	case "alerts":
		return Alert
	case "checklists":
		return Checklist
	case "teams":
		return Team
	case "personas":
		return Persona
	}
	return ""
}

// Label returns the kind as a heading word: "Runbook".
func (k Kind) Label() string {
	if k == "" {
		return ""
	}
	return strings.ToUpper(string(k[:1])) + string(k[1:])
}

// Plural returns the kind's heading for a list: "Runbooks".
func (k Kind) Plural() string { return k.Label() + "s" }

// Parsed is one markdown file as the Parse stage leaves it: its place in
// the site, its typed front matter and its parsed body. No later stage
// writes to it, so an engine can keep it from one build to the next and
// hand it to Resolve again.
type Parsed struct {
	// Path is the content-relative, slash-separated source path
	// ("runbooks/payments/high-error-rate.md"); "" for generated pages.
	Path string
	// File is the path findings name: the source as the user wrote it on
	// the command line ("content/runbooks/payments/high-error-rate.md").
	File string
	// Ref is Path without its extensions: the form page references use
	// ("runbooks/payments/high-error-rate"). Folder pages keep their file
	// name ("guides/index"); Resolve also accepts the folder.
	Ref  string
	URL  string // site path with a trailing slash: "/runbooks/payments/high-error-rate/"
	Kind Kind
	// ID is a team's or a persona's id: its file name without extension,
	// or the folder name for index pages.
	ID string

	Meta  *frontmatter.Meta
	Title string
	// TitleFromH1 is true when the title came from the body's first
	// heading, which the page then does not print twice.
	TitleFromH1 bool
	// TitleFromName is true when the page has no title, no H1 and no
	// navigation title, so its title was made from its file name.
	TitleFromName bool

	Body     []byte // markdown after the front matter
	BodyLine int    // file line of the body's first line
	// Raw is the file's bytes, kept instead of Body by a page whose body
	// came from the build cache: parse.Body makes the body again from
	// them for the few such pages that are rendered. BodyKey is the
	// build cache's key of the parsed body (its bytes and what it was
	// parsed with), when there is a cache; zero otherwise.
	Raw     []byte
	BodyKey [32]byte
	// Format is the front matter's format. Indexable is true when the
	// page can be made again from the build cache and what Sum,
	// FrontMatter, Format, BodyLine and BodyKey keep of its file,
	// without the rest of its bytes: a build's content index may keep
	// those, and parse.FromKnown make the page from them without
	// reading the file. Unread is true for a page so made: it keeps no Raw, and its
	// file is read again when its body is needed (its bytes must then
	// still have the page's Sum, see parse.SumOf).
	Format    frontmatter.Format
	Indexable bool
	Unread    bool
	// Doc is the parsed body. Render reads it and never changes it: link
	// destinations resolved by Resolve reach the renderer at render time.
	Doc     ast.Node
	Outline markdown.Outline

	// FrontMatter is the front matter's bytes as written; Findings are
	// the findings of parsing this file (front matter, kind).
	FrontMatter []byte
	Findings    []diag.Finding
	// anchors are the heading ids by their squashed form (Anchor);
	// AnchorSum is a hash of the heading ids.
	anchors   map[string]string
	AnchorSum uint64
	// plainAnchors is true when every heading id is in its squashed
	// form, and anchors nil.
	plainAnchors bool

	// Sum is a hash of the file's name and bytes; Iface is a hash of
	// what other pages show of it (front matter, title, URL, kind, id,
	// headings), which an edit of its body alone leaves as it is. Both
	// are dependency keys.
	Sum, Iface uint64

	// Text is the body's plain text (markdown.PlainText), which search
	// reads, when Parse made it without leaving the syntax tree (a page
	// from the build cache); TextKept is true when it is set.
	Text     string
	TextKept bool

	// SourceURL is the URL the tool the page was written for gave it
	// (Docusaurus' /Folder/Page Name/, Middleman's /manual/page.html),
	// when that is not URL: it redirects to URL.
	SourceURL string
}

// Page is one page of the site graph, as Resolve makes it: a parsed file
// (or a generated listing) and its edges to other pages. Each build makes
// new Pages; the Parsed under them are shared between builds.
type Page struct {
	*Parsed

	// Filled in by Resolve.
	Links           []Link
	OwnerTeam       *Page    // the team that owns it, for any kind with an owner
	RunbookOf       *Page    // an alert page's runbook
	AlertPages      []*Page  // a runbook's alert pages, by alert name
	NavLabel        string   // the page's name in navigation, when not its title (sidebar_label, _category_.json label)
	Order           float64  // place among its folder's pages: weight, sidebar_position, number prefix, category position; 0 is none
	RuleAlerts      []string // alerts whose rule's runbook_url leads to this runbook, sorted
	Owned           []*Page  // a team's pages, sorted by URL
	OnboardingPages []*Page  // a persona's onboarding path, in order; nil entries are broken
	Personas        []*Page  // the personas named in roles that exist
	Children        []*Page  // a folder page's pages, sorted by weight then title
	Parent          *Page    // the folder page above it, if any
	ReviewDue       frontmatter.Date
	Stale           bool
	// Rule is the Prometheus alerting rule of an alert page, when the
	// rule files define its alert.
	Rule *rules.Rule
}

// Expression is an alert page's PromQL expression: its own expr, or else
// its rule's.
func (p *Page) Expression() string {
	if p.Meta.Expr != "" || p.Rule == nil {
		return p.Meta.Expr
	}
	return p.Rule.Expr
}

// Link is a link in a page's body, resolved.
type Link struct {
	markdown.Link
	// Local is true for links into the site (not http:, mailto: and so on).
	Local bool
	// Target is the page the link leads to, when it leads to a page.
	Target *Page
	// File is true when the link leads to a file that is not a page (an
	// image, a PDF); Missing is true when that file is not in the content
	// folder.
	File    bool
	Missing bool
	// Fragment is the #anchor, without '#'.
	Fragment string
	// ByRule is true when the link was resolved by the rules of the tool
	// the page was written for (a Docusaurus URL, Middleman's content
	// URL), which the exact-spelling check leaves to that tool.
	ByRule bool
	// URL is the rewritten destination, for rendering.
	URL string
}

// Anchor finds the heading a #fragment names and returns its id. A
// fragment matches an id exactly, or else when both are the same with runs
// of hyphens taken as one: MkDocs and GitHub spell "A - B" as "a-b" and
// "a---b".
func (p *Parsed) Anchor(fragment string) (string, bool) {
	for _, h := range p.Outline.Headings {
		if h.ID == fragment {
			return h.ID, true
		}
	}
	if p.anchors != nil {
		id, ok := p.anchors[squash(fragment)]
		return id, ok
	}
	want := squash(fragment)
	if p.plainAnchors {
		// Every id is its own squashed form.
		for _, h := range p.Outline.Headings {
			if h.ID == want {
				return h.ID, true
			}
		}
		return "", false
	}
	for _, h := range p.Outline.Headings {
		if squash(h.ID) == want {
			return h.ID, true
		}
	}
	return "", false
}

// IndexAnchors makes Anchor a map lookup and sets AnchorSum (the FNV-1a
// hash of the heading ids, each followed by a zero byte). Parse calls it
// once, before the page is shared. A page whose heading ids are all in
// the form Anchor compares in (squash), as the ids Parse makes are, needs
// no map: Anchor compares the fragment's form with each id.
func (p *Parsed) IndexAnchors() {
	const offset64, prime64 = 14695981039346656037, 1099511628211
	sum := uint64(offset64)
	plain := true
	for _, hd := range p.Outline.Headings {
		for i := 0; i < len(hd.ID); i++ {
			sum ^= uint64(hd.ID[i])
			sum *= prime64
		}
		sum *= prime64 // the zero byte
		plain = plain && squashed(hd.ID)
	}
	p.AnchorSum = sum
	p.anchors, p.plainAnchors = nil, plain
	if plain {
		return
	}
	p.anchors = make(map[string]string, len(p.Outline.Headings))
	for _, h := range p.Outline.Headings {
		if k := squash(h.ID); p.anchors[k] == "" {
			p.anchors[k] = h.ID
		}
	}
}

// squashed reports whether squash(id) is id, for an id of ASCII
// characters; an id with others is never squashed, as ToLower may change
// them.
func squashed(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 0x80 || 'A' <= c && c <= 'Z' || c == '_':
			return false
		case c == '-' && (i == 0 || i == len(id)-1 || id[i-1] == '-'):
			return false
		}
	}
	return true
}

func squash(id string) string {
	var b strings.Builder
	prev := false
	for _, r := range strings.ToLower(id) {
		if r == '-' || r == '_' {
			if !prev {
				b.WriteByte('-')
			}
			prev = true
			continue
		}
		prev = false
		b.WriteRune(r)
	}
	return strings.Trim(b.String(), "-")
}

// Summary returns the page's summary.
func (p *Parsed) Summary() string { return p.Meta.Summary }

// Site is every page and the indexes between them.
type Site struct {
	Config *config.Config
	Pages  []*Page // sorted by URL
	// Files are the content folder's files that are not pages (images and
	// the like), as content-relative paths; they are copied as they are.
	Files []string
	// FileFrom names, for the Files that do not come from the content
	// folder (a static folder's, or a file of the site folder that a page
	// links to under resolve.OutsidePrefix), the file as findings name it
	// ("static/img/logo.png").
	FileFrom map[string]string

	ByURL    map[string]*Page
	ByRef    map[string]*Page // Ref, lowercased, without extension
	Teams    map[string]*Page // by team id
	Personas map[string]*Page // by persona id
	Alerts   map[string]*Page // by exact alert name
	// RuleAlertNames are the names of the alerting rules in the rule
	// files (set by resolve.Rules), whether or not they have a page.
	RuleAlertNames map[string]bool
	// Drafts are the pages left out of the site as drafts (draft: true),
	// sorted by path, so that a reference to one can say so. The caller
	// that leaves them out sets them.
	Drafts []*Parsed
	Home   *Page
	// LinkSum is a hash of what resolving a link reads of the whole site
	// (URLs, references, paths and heading ids of every page, the other
	// files, base_url): in two sites with the same LinkSum, the same
	// parsed page's links lead to the same places.
	LinkSum uint64
}

// TeamID returns the team id in an owner reference: "payments", also for
// the Backstage forms "group:payments" and "group:default/payments".
func TeamID(owner string) string {
	s := strings.TrimSpace(owner)
	if i := strings.Index(s, ":"); i >= 0 && !strings.Contains(s[:i], "/") {
		s = s[i+1:]
	}
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return s
}
