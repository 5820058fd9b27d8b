// Package generator runs the pipeline of DESIGN.md from a content folder to
// an output writer:
//
//	Load -> Parse -> Resolve -> Validate -> Render -> Index -> Write
//
// Each stage is a package of its own (load, parse, resolve, validate,
// render, the module's search package, output); this package only wires
// them together. It reads only the
// fs.FS values it is given and writes only through the output.Writer, so
// the same pipeline builds to a folder, to memory for tests, and for the
// live preview.
package generator

import (
	"fmt"
	"io/fs"
	"time"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/parse"
	"github.com/opsplaybook/playbook/generator/render"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/generator/validate"
	"github.com/opsplaybook/playbook/search"
)

// Options are the inputs of a build.
type Options struct {
	// Content is the content folder.
	Content fs.FS
	// ContentPrefix is put before content paths in findings ("content/").
	ContentPrefix string
	// Config is the bytes of playbook.yaml, or nil when the site has none;
	// ConfigFile names it in findings.
	Config     []byte
	ConfigFile string
	// Layouts and Assets are the theme: the site's own files over the
	// embedded ones (see Overlay).
	Layouts fs.FS
	Assets  fs.FS
	// NavTitles are page titles from another tool's navigation, by content
	// path (see load.MkDocsTitles).
	NavTitles map[string]string
	// Rules are Prometheus rule files to check the alerts against.
	Rules []rules.File
	// Now is the time reviews are measured against.
	Now     time.Time
	Version string
	Drafts  bool
}

// Result is what a build or a check found.
type Result struct {
	Site     *site.Site
	Findings []diag.Finding
	// Sources is the number of markdown files read.
	Sources int
	// Rules are the alerting rules read from the rule files.
	Rules []*rules.Rule
}

// Errors returns the number of findings of error severity.
func (r *Result) Errors() int { e, _ := diag.Count(r.Findings); return e }

// Check runs the pipeline up to Validate.
func Check(opt Options) (*Result, *markdown.Markdown, error) {
	cfg := config.Default()
	var finds []diag.Finding
	if opt.Config != nil {
		cfg, finds = config.Parse(opt.ConfigFile, opt.Config)
	}
	content, err := load.Load(opt.Content)
	if err != nil {
		return nil, nil, fmt.Errorf("reading content: %w", err)
	}
	md := markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML})
	pages, pf := parse.All(content.Sources, parse.Options{
		Config:     cfg,
		Markdown:   md,
		FilePrefix: opt.ContentPrefix,
		NavTitles:  opt.NavTitles,
		Drafts:     opt.Drafts,
	})
	finds = append(finds, pf...)
	s := resolve.Site(cfg, pages, content.Files, opt.Now)
	rs, rf := rules.Parse(opt.Rules)
	finds = append(finds, rf...)
	finds = append(finds, validate.Rules(s, rs)...)
	finds = append(finds, validate.Site(s)...)
	if !cfg.Found {
		// A folder without playbook.yaml is documentation written for
		// another tool: every finding is reported, as a warning, so that
		// it still builds. playbook.yaml makes it a playbook, held to
		// the checks.
		for i := range finds {
			finds[i].Severity = diag.Warning
		}
	}
	diag.Sort(finds)
	return &Result{Site: s, Findings: finds, Sources: len(content.Sources), Rules: rs}, md, nil
}

// Build runs the whole pipeline and writes the site to w, also when there
// are findings: the caller decides whether to keep what was written.
func Build(opt Options, w output.Writer) (*Result, error) {
	res, md, err := Check(opt)
	if err != nil {
		return nil, err
	}
	err = render.Site(res.Site, w, render.Options{
		Layouts:  opt.Layouts,
		Assets:   opt.Assets,
		Content:  opt.Content,
		Markdown: md,
		Findings: res.Findings,
		Now:      opt.Now,
		Version:  opt.Version,
	})
	if err == nil {
		err = search.Export(search.Docs(res.Site), w)
	}
	return res, err
}
