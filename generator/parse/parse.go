// Package parse is the Parse stage: it turns each markdown source into a
// site.Page, with its front matter decoded, its kind and id settled, its
// body parsed once by goldmark, and its title, headings, links and tasks
// read. Sources are parsed in parallel across cores. Its input is the
// loaded content and the site configuration; its output is pages and
// findings.
package parse

import (
	"path"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
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
}

// All parses every source, using every core. Pages come back in the order
// of the sources; drafts are left out unless opt.Drafts.
func All(srcs []load.Source, opt Options) ([]*site.Page, []diag.Finding) {
	pages := make([]*site.Page, len(srcs))
	finds := make([][]diag.Finding, len(srcs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				pages[i], finds[i] = Page(srcs[i], opt)
			}
		})
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []*site.Page
	var all []diag.Finding
	for i, p := range pages {
		all = append(all, finds[i]...)
		if p.Meta.Draft && !opt.Drafts {
			continue
		}
		out = append(out, p)
	}
	return out, all
}

// Page parses one source.
func Page(src load.Source, opt Options) (*site.Page, []diag.Finding) {
	file := opt.FilePrefix + src.Path
	var out diag.List
	yml, body, bodyLine, ok := frontmatter.Split(src.Data)
	if !ok {
		out.Errorf("frontmatter/invalid", file, 1, "front matter starts with --- but has no closing --- line")
	}
	meta, finds := frontmatter.Decode(file, yml, 2, frontmatter.Options{Allowed: opt.Config.Fields})
	out = append(out, finds...)

	ref := load.Ref(src.Path)
	p := &site.Page{
		Path:     src.Path,
		File:     file,
		Ref:      ref,
		Meta:     meta,
		Body:     body,
		BodyLine: bodyLine,
	}
	p.Kind = kind(p, &out)
	p.ID = id(ref)
	p.URL = load.URL(ref)
	if p.Kind == site.Alert && meta.Alert != "" {
		p.URL = AlertURL(opt.Config.AlertURL, meta.Alert)
	}

	p.Doc = opt.Markdown.Parse(body)
	p.Outline = markdown.ReadOutline(p.Doc, body, markdown.NewLines(body, bodyLine))
	p.Title = meta.Title
	switch {
	case p.Title != "":
	case p.Outline.H1 != nil && p.Outline.H1Text != "":
		p.Title, p.TitleFromH1 = p.Outline.H1Text, true
	case opt.NavTitles[src.Path] != "":
		p.Title = opt.NavTitles[src.Path]
	case p.Kind == site.Alert && meta.Alert != "":
		p.Title = meta.Alert
	default:
		p.Title, p.TitleFromName = Readable(ref, opt.Config.Title), true
	}
	if p.TitleFromH1 {
		p.Doc.RemoveChild(p.Doc, p.Outline.H1)
	}
	return p, out
}

// AlertURL returns an alert page's URL from the site's pattern.
func AlertURL(pattern, alert string) string {
	return strings.ReplaceAll(pattern, "{alert}", load.Slug(alert))
}

func kind(p *site.Page, out *diag.List) site.Kind {
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
