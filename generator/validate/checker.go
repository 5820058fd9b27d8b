package validate

import (
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Checker checks a site graph and keeps its findings by page, so that
// after resolve.Graph.Patch changed some pages in place only those are
// checked again.
type Checker struct {
	v      checker
	pages  map[*site.Page][]diag.Finding
	global []diag.Finding
	rules  []diag.Finding
	// lines are, by page with an alert name or aliases, the lines of
	// alert: and aliases: that global's findings name.
	lines map[*site.Page][2]int
	// runbooks are the answers of RunbookURL by runbook_url, kept while
	// the site's shape (URLs, kinds, headings, aliases) stays as it is,
	// which is as long as the Checker lives: a rule file's edit looks up
	// only the URLs it has not seen.
	runbooks map[string]runbookAt
	// ruleMemo are the rules' own checks as the last call of Rules made
	// them, by rule: a rule file's edit checks again only its rules
	// (rules.Parse makes new rules of a file whose bytes changed only).
	ruleMemo map[*rules.Rule]ruleChecks
}

// runbookAt is what RunbookURL returned for a runbook_url.
type runbookAt struct {
	page *site.Page
	why  string
}

// NewChecker runs every check of Site on s.
func NewChecker(s *site.Site) *Checker {
	c := &Checker{v: checker{site: s}, pages: make(map[*site.Page][]diag.Finding, len(s.Pages))}
	for _, p := range s.Pages {
		if p.Path != "" {
			c.page(p)
		}
	}
	c.checkGlobal()
	return c
}

func (c *Checker) page(p *site.Page) {
	c.v.out = nil
	c.v.page(p)
	if len(c.v.out) == 0 {
		delete(c.pages, p)
	} else {
		c.pages[p] = c.v.out
	}
}

func (c *Checker) checkGlobal() {
	c.v.out = nil
	c.v.global()
	c.global = c.v.out
	c.lines = map[*site.Page][2]int{}
	for _, p := range c.v.site.Pages {
		if globalReads(p) {
			c.lines[p] = globalLines(p)
		}
	}
}

// globalReads tells whether the site-wide checks read lines of page p's
// front matter: its alert: or its aliases:.
func globalReads(p *site.Page) bool {
	return p.Kind == site.Alert && p.Meta.Alert != "" || len(p.Meta.Aliases) > 0
}

func globalLines(p *site.Page) [2]int {
	return [2]int{p.Meta.Line("alert", 1), p.Meta.Line("aliases", 1)}
}

// Recheck checks the pages again after resolve.Graph.Patch changed them
// (or their rules), and the site-wide checks when they read what changed:
// the graph's shape is as it was, so no other page's findings change, and
// the site-wide findings only when the line of a page's alert: or
// aliases: moved.
func (c *Checker) Recheck(pages []*site.Page) {
	global := false
	for _, p := range pages {
		if p.Path != "" {
			c.page(p)
		}
		if globalReads(p) {
			l, ok := c.lines[p]
			global = global || !ok || l != globalLines(p)
		}
	}
	if global {
		c.checkGlobal()
	}
}

// Rules runs the checks of the function Rules and keeps their findings
// for Findings.
func (c *Checker) Rules(rs []*rules.Rule) {
	if c.runbooks == nil {
		c.runbooks = map[string]runbookAt{}
	}
	if c.ruleMemo == nil {
		c.ruleMemo = map[*rules.Rule]ruleChecks{}
	}
	c.rules, c.ruleMemo = rulesChecks(c.v.site, rs, func(raw string) (*site.Page, string) {
		at, ok := c.runbooks[raw]
		if !ok {
			at.page, at.why = runbookURL(c.v.site, c.v.servedSet(), raw)
			c.runbooks[raw] = at
		}
		return at.page, at.why
	}, c.ruleMemo)
}

// Findings returns the findings of the checks, sorted.
func (c *Checker) Findings() []diag.Finding {
	n := len(c.global) + len(c.rules)
	for _, f := range c.pages {
		n += len(f)
	}
	out := make([]diag.Finding, 0, n)
	out = append(out, c.rules...)
	out = append(out, c.global...)
	for _, f := range c.pages {
		out = append(out, f...)
	}
	diag.Sort(out)
	return out
}
