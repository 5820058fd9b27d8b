package validate

import (
	"net/url"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/resolve"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/generator/site"
)

// Rules checks Prometheus alerting rules against the site: every rule has
// a runbook_url that leads to an alert or runbook page of this site, or at
// least an alert page; every alert page has a rule; a rule's team label
// names the team that owns its page; no rule is defined twice.
func Rules(s *site.Site, rs []*rules.Rule) []diag.Finding {
	var servedPaths map[string]string
	finds, _ := rulesChecks(s, rs, func(raw string) (*site.Page, string) {
		if servedPaths == nil {
			servedPaths = served(s)
		}
		return runbookURL(s, servedPaths, raw)
	}, nil)
	return finds
}

// rulesChecks is Rules, with find as RunbookURL. memo, when not nil,
// holds each rule's own checks from an earlier call (see ruleChecks): it
// returns them for the rules of rs, or nil when memo is nil.
func rulesChecks(s *site.Site, rs []*rules.Rule, find func(raw string) (*site.Page, string), memo map[*rules.Rule]ruleChecks) ([]diag.Finding, map[*rules.Rule]ruleChecks) {
	var out diag.List
	var next map[*rules.Rule]ruleChecks
	if memo != nil {
		next = make(map[*rules.Rule]ruleChecks, len(rs))
	}
	defined := make(map[string]bool, len(rs))
	seen := make(map[string]*rules.Rule, len(rs))
	for _, r := range rs {
		defined[r.Alert] = true
		if r.Alert == "" {
			out.Errorf("rule/invalid", r.File, r.Line, "alerting rule without a name")
			continue
		}
		rc, ok := memo[r]
		if !ok || rc.page != s.Alerts[r.Alert] || rc.page != nil && rc.parsed != rc.page.Parsed {
			rc = checkRule(s, r, find)
		}
		if next != nil {
			next[r] = rc
		}
		if first := seen[rc.key]; first != nil {
			out.Errorf("rule/duplicate", r.File, r.Line, "alert %q with the same labels is already defined at %s:%d", r.Alert, first.File, first.Line)
			continue
		}
		seen[rc.key] = r
		out = append(out, rc.finds...)
	}
	if len(rs) > 0 {
		for _, p := range s.Pages {
			if p.Kind == site.Alert && p.Meta.Alert != "" && !defined[p.Meta.Alert] {
				out.Warnf("alert/not-in-rules", p.File, p.Meta.Line("alert", 1), "no rule file defines alert %q: the rule was renamed or removed, or its file is not under rules:", p.Meta.Alert)
			}
		}
	}
	diag.Sort(out)
	return out, next
}

// ruleChecks are the findings of one rule that do not depend on the
// other rules: its runbook_url, its alert page and its team label. They
// read the rule, the site's shape and the front matter of the rule's
// alert page (parsed, as it was then), so a Checker keeps them for as long
// as those stay as they are.
type ruleChecks struct {
	key    string // the alert's name and LabelKey, to find a rule defined twice
	page   *site.Page
	parsed *site.Parsed
	finds  []diag.Finding
}

// checkRule runs the checks of rule r that read no other rule.
func checkRule(s *site.Site, r *rules.Rule, find func(raw string) (*site.Page, string)) ruleChecks {
	var out diag.List
	label := s.Config.TeamLabel
	page := s.Alerts[r.Alert]
	rc := ruleChecks{key: r.Alert + "\x00" + r.LabelKey(), page: page}
	if page != nil {
		rc.parsed = page.Parsed
	}
	resolved := false
	if u := r.RunbookURL(); u == "" {
		out.Warnf("rule/no-runbook-url", r.File, r.Line, "alert %q has no runbook_url annotation: add runbook_url: %s", r.Alert, suggestURL(s, r.Alert))
	} else if target, why := find(u); target == nil {
		out.Errorf("rule/runbook-url-no-page", r.File, r.RunbookLine, "runbook_url %s of alert %q %s", u, r.Alert, why)
	} else {
		resolved = true
	}
	if page == nil && !resolved {
		out.Errorf("rule/no-page", r.File, r.Line, "alert %q has no alert page and no runbook_url that leads to one: run \"playbook new alerts --from-rules\" or write content/alerts/%s.md", r.Alert, names.FileName(r.Alert))
	}
	if page != nil && label != "" {
		team := r.Labels[label]
		owner := site.TeamID(page.Meta.Owner)
		if team != "" && owner != "" && team != owner {
			line := r.LabelLines[label]
			if line == 0 {
				line = r.Line
			}
			out.Errorf("rule/owner-mismatch", r.File, line, "alert %q has %s=%q, but its page %s is owned by %q%s", r.Alert, label, team, page.File, owner, strings.TrimSuffix(inherited(page.Meta, "owner"), ","))
		}
	}
	rc.finds = out
	return rc
}

// RunbookURL finds the alert or runbook page a runbook_url leads to. The
// URL must be under the site's base_url (or be a site path) and its path
// must be one the built site serves as it is spelt, on a case-sensitive
// host (GitHub Pages, S3, nginx): a page's URL or a redirect the build
// writes, such as the alert's exact-case spelling. A #fragment must name a
// heading of the page. It returns nil and the reason when there is no such
// page, with the URL meant when only the case differs.
func RunbookURL(s *site.Site, raw string) (*site.Page, string) {
	return runbookURL(s, nil, raw)
}

func runbookURL(s *site.Site, servedPaths map[string]string, raw string) (*site.Page, string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, "is not a URL"
	}
	p := u.Path
	var base *url.URL
	if u.Host != "" {
		base, err = url.Parse(s.Config.BaseURL)
		if s.Config.BaseURL == "" || err != nil {
			return nil, "cannot be checked: set base_url in playbook.yaml"
		}
		if !strings.EqualFold(u.Host, base.Host) || !strings.HasPrefix(strings.ToLower(u.Path+"/"), strings.ToLower(base.Path)) {
			return nil, "is not on this site (" + s.Config.BaseURL + ")"
		}
		p = "/" + u.Path[min(len(base.Path), len(u.Path)):]
	}
	p = strings.TrimSuffix(p, "index.html")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if servedPaths == nil {
		servedPaths = served(s)
	}
	var page *site.Page
	exact := false
	if to, ok := servedPaths[p]; ok {
		page = s.ByURL[to]
		exact = page != nil && (base == nil || strings.HasPrefix(u.Path+"/", base.Path))
	}
	if page == nil {
		page = resolve.Ref(s, p)
	}
	if page == nil {
		page = s.ByURL[strings.ToLower(p)]
	}
	if page == nil {
		page = s.ByURL[load.URL(strings.Trim(p, "/")+"/index")]
	}
	if page == nil {
		return nil, "leads to no page"
	}
	if !exact {
		meant := page.URL
		if u.Host != "" {
			meant = strings.TrimSuffix(s.Config.BaseURL, "/") + meant
		}
		if u.Fragment != "" {
			meant += "#" + u.Fragment
		}
		return nil, "leads to no page: the site serves " + page.URL + ", and paths are case-sensitive on static hosts (GitHub Pages, S3, nginx); did you mean " + meant + "?"
	}
	if page.Kind != site.Alert && page.Kind != site.Runbook {
		return nil, "leads to a " + string(page.Kind) + " page, not an alert or a runbook"
	}
	if u.Fragment != "" {
		if _, ok := page.Anchor(strings.ToLower(u.Fragment)); !ok {
			return nil, "leads to " + page.URL + ", which has no heading #" + u.Fragment
		}
	}
	return page, ""
}

func suggestURL(s *site.Site, alert string) string {
	return strings.TrimSuffix(s.Config.BaseURL, "/") + strings.ReplaceAll(s.Config.AlertURL, "{alert}", load.Slug(alert))
}
