// Package generator is the library face of playbook's build: Check and
// Build run the one build engine (package engine) once over every file,
// and Overlay layers a site's own theme files over the embedded ones. The
// engine runs the stages of DESIGN.md:
//
//	Load -> Parse -> Resolve -> Validate -> Render -> Index -> Write
//
// Each stage is a package of its own (load, parse, resolve, validate,
// render, the module's search package, output). It reads only the fs.FS
// values it is given and writes only through the output.Writer, so the
// same engine builds to a folder, to memory for tests, and for the live
// preview.
package generator

import (
	"context"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Options are the inputs of a build (see engine.Options).
type Options = engine.Options

// Result is what a build or a check found.
type Result struct {
	Site     *site.Site
	Findings []diag.Finding
	// Pages is the number of pages made from markdown files (not the
	// listings made for folders); Sources the number of markdown files
	// read, drafts included.
	Pages   int
	Sources int
	// Rules are the alerting rules read from the rule files.
	Rules []*rules.Rule
}

// Errors returns the number of findings of error severity.
func (r *Result) Errors() int { e, _ := diag.Count(r.Findings); return e }

// Check runs the engine once, up to Validate.
func Check(opt Options) (*Result, error) {
	opt.CheckOnly, opt.Out = true, nil
	_, res, err := engine.New(context.Background(), opt)
	if err != nil {
		return nil, err
	}
	return result(res, opt), nil
}

// Build runs the engine once and writes the site to w, also when there
// are findings: the caller decides whether to keep what was written. It
// writes each page as it is made and keeps none of them; the pages of
// Result.Site have no syntax tree or markdown left (site.Parsed.Doc and
// Body are nil), released as they were rendered (see package engine's
// release.go), so that memory does not grow with them.
func Build(opt Options, w output.Writer) (*Result, error) {
	opt.CheckOnly, opt.Out = false, w
	_, res, err := engine.New(context.Background(), opt)
	if res == nil || res.Snapshot == nil {
		return nil, err
	}
	return result(res, opt), err
}

func result(res *engine.Result, opt Options) *Result {
	s := res.Snapshot
	rs, _ := rules.Parse(opt.Rules)
	return &Result{Site: s.Site, Findings: s.Findings, Pages: s.Pages, Sources: s.Sources, Rules: rs}
}
