package engine_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator/engine"
)

var (
	diffSeed  = flag.Int64("diff.seed", 1, "seed of TestRandomEditsLeaveTheSiteAFullBuildMakes")
	diffSteps = flag.Int("diff.steps", 0, "edits of TestRandomEditsLeaveTheSiteAFullBuildMakes (0: 200, 60 with -short)")
)

// editSite is a site folder being edited at random.
type editSite struct {
	dir    string
	r      *rand.Rand
	drafts bool // the --drafts option
	n      int  // a counter that makes each edit's text new
}

func (s *editSite) path(p string) string { return filepath.Join(s.dir, filepath.FromSlash(p)) }

func (s *editSite) read(p string) string {
	b, _ := os.ReadFile(s.path(p))
	return string(b)
}

func (s *editSite) write(p, text string) {
	if err := writeFile(s.path(p), []byte(text)); err != nil {
		panic(err)
	}
}

func (s *editSite) next() int { s.n++; return s.n }

// files returns the site's files under folder top whose names end in ext,
// relative to top, sorted.
func (s *editSite) files(top, ext string) []string {
	var out []string
	filepath.WalkDir(s.path(top), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ext) {
			rel, _ := filepath.Rel(s.path(top), p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func (s *editSite) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[s.r.Intn(len(list))]
}

// page picks a content page, preferring those in folder prefix.
func (s *editSite) page(prefix string) string {
	pages := s.files("content", ".md")
	var in []string
	for _, p := range pages {
		if strings.HasPrefix(p, prefix) {
			in = append(in, p)
		}
	}
	if len(in) > 0 {
		return s.pick(in)
	}
	return s.pick(pages)
}

// editPage rewrites content page p with f and returns it as the change.
func (s *editSite) editPage(p string, f func(string) string) change {
	if p == "" {
		return change{}
	}
	s.write("content/"+p, f(s.read("content/"+p)))
	return change{content: []string{p}}
}

// setField sets a front matter field of a page (adding front matter when
// it has none), dropping the field's old value, block values too.
func setField(text, key, value string) string {
	text = dropField(text, key)
	line := key + ": " + value + "\n"
	if rest, ok := strings.CutPrefix(text, "---\n"); ok {
		return "---\n" + line + rest
	}
	return "---\n" + line + "---\n" + text
}

// dropField removes a front matter field, with its indented or list
// lines.
func dropField(text, key string) string {
	rest, ok := strings.CutPrefix(text, "---\n")
	if !ok {
		return text
	}
	end := strings.Index(rest, "\n---\n")
	if end < 0 {
		return text
	}
	fm, body := rest[:end+1], rest[end+1:]
	var out []string
	dropping := false
	for _, l := range strings.SplitAfter(fm, "\n") {
		if dropping && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "-")) {
			continue
		}
		dropping = strings.HasPrefix(l, key+":")
		if !dropping {
			out = append(out, l)
		}
	}
	return "---\n" + strings.Join(out, "") + body
}

// change is what an edit changed: content paths, and whether the site's
// options (configuration, layouts, assets, rules) must be read again.
type change struct {
	content []string
	site    bool
}

type edit struct {
	name string
	do   func(s *editSite) change
}

var teams = []string{"payments", "platform", "data", "security", "service-desk", "nobody"}

// layoutNames are the embedded layouts a site may override.
func layoutNames() []string {
	var out []string
	fs.WalkDir(playbook.Layouts(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// markLayout puts a marker after the first {{define ...}} of a template.
func markLayout(text string, n int) string {
	i := strings.Index(text, "{{define ")
	if i < 0 {
		return fmt.Sprintf("<i data-m=\"%d\"></i>", n) + text
	}
	j := strings.Index(text[i:], "}}")
	return text[:i+j+2] + fmt.Sprintf("<i data-m=\"%d\"></i>", n) + text[i+j+2:]
}

// overrideLayout writes the site's own copy of layout name, with f applied
// to its current text (the site's copy, else the embedded one).
func (s *editSite) overrideLayout(name string, f func(string) string) {
	text := s.read("layouts/" + name)
	if text == "" {
		b, _ := fs.ReadFile(playbook.Layouts(), name)
		text = string(b)
	}
	s.write("layouts/"+name, f(text))
}

func (s *editSite) overrideAsset(name string, f func(string) string) {
	text := s.read("assets/" + name)
	if text == "" {
		b, _ := fs.ReadFile(playbook.Assets(), name)
		text = string(b)
	}
	s.write("assets/"+name, f(text))
}

var (
	exprLine  = regexp.MustCompile(`(?m)^(\s+expr: )'.*'$`)
	alertLine = regexp.MustCompile(`(?m)^(\s+)- alert: (\S+)\n`)
)

// ruleFile picks one of the site's rule files that has rules.
func (s *editSite) ruleFile() string {
	var with []string
	for _, f := range s.files("rules", ".yaml") {
		if alertLine.MatchString(s.read("rules/" + f)) {
			with = append(with, "rules/"+f)
		}
	}
	return s.pick(with)
}

// configState is playbook.yaml, written from its fields.
type configState struct {
	title, baseURL, every, pattern string
	failStale, noindex, broken     bool
	pagerSize                      int // 0: not set
}

func (c configState) text() string {
	if c.broken {
		return "title: [unclosed\nbase_url: " + c.baseURL + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\nbase_url: %s\nedit_url: https://github.com/opsplaybook/playbook/edit/main/content/\n", c.title, c.baseURL)
	fmt.Fprintf(&b, "tickets:\n  pattern: '%s'\n  url: https://larkspur.atlassian.example/browse/{id}\n", c.pattern)
	fmt.Fprintf(&b, "review:\n  every: %s\n  fail_when_stale: %v\n", c.every, c.failStale)
	if c.noindex {
		b.WriteString("noindex: true\n")
	}
	if c.pagerSize > 0 {
		fmt.Fprintf(&b, "pager_size: %d\n", c.pagerSize)
	}
	b.WriteString("rules: [rules/*.yaml]\n")
	return b.String()
}

var exampleConfig = configState{
	title: "Larkspur Operations Playbook", baseURL: "https://playbook.example.org/", every: "12 months",
	pattern: "^(OPS|PAY|PLAT|DATA|SEC|DOCS)-[0-9]+$", pagerSize: diffPagerSize,
}

// diffPagerSize is the differential test's pager_size: small, so that
// the example's listings run over several pages and edits move entries
// from one page to another.
const diffPagerSize = 3

func (s *editSite) config(f func(*configState)) change {
	c := exampleConfig
	if cur := s.read("playbook.yaml"); cur != "" && cur != string(playbook.Config()) {
		c = parseConfigState(cur)
	}
	c.broken = false
	f(&c)
	s.write("playbook.yaml", c.text())
	return change{site: true}
}

// parseConfigState reads back what configState.text wrote.
func parseConfigState(text string) configState {
	c := exampleConfig
	for _, l := range strings.Split(text, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(l), ": ")
		switch k {
		case "title":
			if !strings.HasPrefix(v, "[") {
				c.title = v
			}
		case "base_url":
			c.baseURL = v
		case "pattern":
			c.pattern = strings.Trim(v, "'")
		case "every":
			c.every = v
		case "fail_when_stale":
			c.failStale = v == "true"
		case "noindex":
			c.noindex = v == "true"
		case "pager_size":
			fmt.Sscan(v, &c.pagerSize)
		}
	}
	return c
}

// edits are every kind of edit a writer makes while `playbook serve`
// runs.
var edits = []edit{
	// Bodies.
	{"body word", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return strings.TrimRight(t, "\n") + fmt.Sprintf(" edited%d\n", s.next()) })
	}},
	{"heading", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return t + fmt.Sprintf("\n## Added heading %d\n\nText.\n", s.next()) })
	}},
	{"link to another page", func(s *editSite) change {
		q := strings.TrimSuffix(s.page(""), ".md")
		return s.editPage(s.page(""), func(t string) string { return t + "\nSee [that page](/" + q + "/).\n" })
	}},
	{"relative link to a heading", func(s *editSite) change {
		q := s.page("guides/")
		return s.editPage(s.page("guides/"), func(t string) string { return t + "\nSee [there](/" + q + "#added-heading-1).\n" })
	}},
	{"broken link", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return t + "\nSee [nothing](nothing-here.md).\n" })
	}},
	{"task list item", func(s *editSite) change {
		return s.editPage(s.page("checklists/"), func(t string) string { return t + fmt.Sprintf("\n- [ ] New step %d\n", s.next()) })
	}},

	// Front matter.
	{"title", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return setField(t, "title", fmt.Sprintf("Retitled %d", s.next())) })
	}},
	{"title of a team", func(s *editSite) change {
		return s.editPage(s.page("teams/"), func(t string) string { return setField(t, "title", fmt.Sprintf("Team %d", s.next())) })
	}},
	{"title removed", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return dropField(t, "title") })
	}},
	{"summary", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return setField(t, "summary", fmt.Sprintf("Now about thing %d.", s.next())) })
	}},
	{"tags", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return setField(t, "tags", fmt.Sprintf("[tag%d, shared]", s.r.Intn(4))) })
	}},
	{"roles", func(s *editSite) change {
		role := s.pick([]string{"on-call", "new-starter", "delivery-team", "data-analyst", "nobody"})
		return s.editPage(s.page(""), func(t string) string { return setField(t, "roles", "["+role+"]") })
	}},
	{"weight", func(s *editSite) change {
		return s.editPage(s.page("guides/"), func(t string) string { return setField(t, "weight", fmt.Sprint(s.r.Intn(20)-5)) })
	}},
	{"last_reviewed", func(s *editSite) change {
		date := s.pick([]string{"2024-01-31", "2026-11-30", "2026-02-29", "not a date"})
		return s.editPage(s.page(""), func(t string) string { return setField(t, "last_reviewed", date) })
	}},
	{"review_every", func(s *editSite) change {
		every := s.pick([]string{"90d", "6 months", "2 years", "sometimes"})
		return s.editPage(s.page("runbooks/"), func(t string) string { return setField(t, "review_every", every) })
	}},
	{"unknown field", func(s *editSite) change {
		key := s.pick([]string{"colour", "titel", "ownr"})
		return s.editPage(s.page(""), func(t string) string { return setField(t, key, "x") })
	}},
	{"broken front matter", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return strings.Replace(t, "\n---\n", "\n", 1) })
	}},
	{"front matter repaired", func(s *editSite) change {
		return s.editPage(s.page(""), func(t string) string { return setField(t, "title", fmt.Sprintf("Whole again %d", s.next())) })
	}},
	{"owner", func(s *editSite) change {
		team := s.pick(teams)
		return s.editPage(s.page(s.pick([]string{"runbooks/", "alerts/", "checklists/", "guides/"})), func(t string) string { return setField(t, "owner", team) })
	}},
	{"owner removed", func(s *editSite) change {
		return s.editPage(s.page("runbooks/"), func(t string) string { return dropField(t, "owner") })
	}},
	{"team contact", func(s *editSite) change {
		return s.editPage(s.page("teams/"), func(t string) string { return setField(t, "slack", fmt.Sprintf(`"#team-%d"`, s.next())) })
	}},
	{"ticket", func(s *editSite) change {
		ticket := s.pick([]string{"OPS-1", "PAY-77", "NOPE-3", "bad"})
		return s.editPage(s.page("runbooks/"), func(t string) string { return setField(t, "ticket", ticket) })
	}},
	{"aliases", func(s *editSite) change {
		a := fmt.Sprintf("/old/page-%d/", s.r.Intn(5))
		return s.editPage(s.page(""), func(t string) string { return setField(t, "aliases", "["+a+"]") })
	}},
	{"aliases removed", func(s *editSite) change {
		var with []string
		for _, p := range s.files("content", ".md") {
			if strings.Contains(s.read("content/"+p), "\naliases:") {
				with = append(with, p)
			}
		}
		return s.editPage(s.pick(with), func(t string) string { return dropField(t, "aliases") })
	}},
	{"alert's runbook", func(s *editSite) change {
		rb := strings.TrimSuffix(s.page("runbooks/"), ".md")
		return s.editPage(s.page("alerts/"), func(t string) string { return setField(t, "runbook", rb) })
	}},
	{"alert's own expr", func(s *editSite) change {
		n := s.next()
		return s.editPage(s.page("alerts/"), func(t string) string {
			if n%2 == 0 {
				return dropField(t, "expr")
			}
			return setField(t, "expr", fmt.Sprintf("'up == %d'", n))
		})
	}},
	{"runbook's alerts", func(s *editSite) change {
		alert := strings.TrimSuffix(path.Base(s.page("alerts/")), ".md")
		return s.editPage(s.page("runbooks/"), func(t string) string { return setField(t, "alerts", "["+alert+"]") })
	}},
	{"severity", func(s *editSite) change {
		sev := s.pick([]string{"critical", "warning", "info", "loud"})
		return s.editPage(s.page(s.pick([]string{"runbooks/", "alerts/"})), func(t string) string { return setField(t, "severity", sev) })
	}},
	{"persona's path", func(s *editSite) change {
		a, b := strings.TrimSuffix(s.page("guides/"), ".md"), strings.TrimSuffix(s.page("checklists/"), ".md")
		return s.editPage(s.page("personas/"), func(t string) string { return setField(t, "path", "["+a+", "+b+", guides/missing]") })
	}},
	{"kind", func(s *editSite) change {
		kind := s.pick([]string{"guide", "runbook", "checklist"})
		return s.editPage(s.page("guides/"), func(t string) string { return setField(t, "kind", kind) })
	}},
	{"draft", func(s *editSite) change {
		ch := s.editPage(s.page(""), func(t string) string { return setField(t, "draft", "true") })
		ch.site, s.drafts = s.drafts, false // without --drafts, to be seen
		return ch
	}},
	{"draft published", func(s *editSite) change {
		var drafts []string
		for _, p := range s.files("content", ".md") {
			if strings.Contains(s.read("content/"+p), "\ndraft: true\n") {
				drafts = append(drafts, p)
			}
		}
		if len(drafts) == 0 {
			return s.editPage(s.page(""), func(t string) string { return setField(t, "draft", "false") })
		}
		return s.editPage(s.pick(drafts), func(t string) string { return dropField(t, "draft") })
	}},
	{"drafts option", func(s *editSite) change {
		s.drafts = !s.drafts
		return change{site: true}
	}},

	// Files and folders.
	{"delete", func(s *editSite) change {
		p := s.page("")
		os.Remove(s.path("content/" + p))
		return change{content: []string{p}}
	}},
	{"new page", func(s *editSite) change {
		p := fmt.Sprintf("%s/new-%d.md", s.pick([]string{"guides/new", "guides/on-call", "runbooks/payments"}), s.r.Intn(20))
		q := strings.TrimSuffix(s.page(""), ".md")
		s.write("content/"+p, fmt.Sprintf("---\ntitle: A new page %d\nowner: %s\nticket: OPS-%d\n---\n\nLinks to [a page](/%s/).\n", s.next(), s.pick(teams), s.n, q))
		return change{content: []string{p}}
	}},
	{"new alert page", func(s *editSite) change {
		name := s.pick([]string{"NewAlert1", "NewAlert2", "VaultSealed"})
		p := "alerts/" + name + ".md"
		rb := strings.TrimSuffix(s.page("runbooks/"), ".md")
		s.write("content/"+p, fmt.Sprintf("---\nalert: %s\nowner: %s\nticket: OPS-2\nrunbook: %s\n---\nAlert text %d.\n", name, s.pick(teams), rb, s.next()))
		return change{content: []string{p}}
	}},
	{"new team", func(s *editSite) change {
		p := fmt.Sprintf("teams/team-%d.md", s.r.Intn(3))
		s.write("content/"+p, fmt.Sprintf("---\ntitle: Team %d\nslack: \"#t\"\n---\nA team.\n", s.next()))
		return change{content: []string{p}}
	}},
	{"rename file", func(s *editSite) change {
		p := s.page("")
		q := strings.TrimSuffix(p, ".md") + "-moved.md"
		os.Rename(s.path("content/"+p), s.path("content/"+q))
		return change{content: []string{p, q}}
	}},
	{"rename folder", func(s *editSite) change {
		p := path.Dir(s.page(""))
		if p == "." {
			return change{}
		}
		q := p + "-moved"
		os.Rename(s.path("content/"+p), s.path("content/"+q))
		return change{content: []string{p, q}}
	}},
	{"image", func(s *editSite) change {
		p := fmt.Sprintf("guides/img-%d.png", s.r.Intn(3))
		s.write("content/"+p, string([]byte{byte(s.next())}))
		return change{content: []string{p}}
	}},
	{"image removed", func(s *editSite) change {
		p := s.pick(s.files("content", ".png"))
		if p == "" {
			return change{}
		}
		os.Remove(s.path("content/" + p))
		return change{content: []string{p}}
	}},

	// Layouts: the site's own over the embedded ones.
	{"layout", func(s *editSite) change {
		n := s.next()
		s.overrideLayout(s.pick(layoutNames()), func(t string) string { return markLayout(t, n) })
		return change{site: true}
	}},
	{"layout removed", func(s *editSite) change {
		p := s.pick(s.files("layouts", ".html"))
		if p == "" {
			return change{}
		}
		os.Remove(s.path("layouts/" + p))
		return change{site: true}
	}},
	{"partial override", func(s *editSite) change {
		var partials []string
		for _, l := range layoutNames() {
			if strings.HasPrefix(l, "partials/") {
				partials = append(partials, l)
			}
		}
		n := s.next()
		s.overrideLayout(s.pick(partials), func(t string) string { return markLayout(t, n) })
		return change{site: true}
	}},

	// Assets: the site's own over the embedded ones.
	{"stylesheet", func(s *editSite) change {
		n := s.next()
		s.overrideAsset("style.css", func(t string) string { return t + fmt.Sprintf("\n.marker-%d { color: #%03d; }\n", n, n%1000) })
		return change{site: true}
	}},
	{"script", func(s *editSite) change {
		n := s.next()
		s.overrideAsset(s.pick([]string{"theme.js", "search.js"}), func(t string) string { return t + fmt.Sprintf("\n// edit %d\n", n) })
		return change{site: true}
	}},
	{"asset removed", func(s *editSite) change {
		p := s.pick(s.files("assets", ""))
		if p == "" {
			return change{}
		}
		os.Remove(s.path("assets/" + p))
		return change{site: true}
	}},

	// playbook.yaml.
	{"config title", func(s *editSite) change {
		return s.config(func(c *configState) { c.title = fmt.Sprintf("Playbook %d", s.next()) })
	}},
	{"config base_url", func(s *editSite) change {
		u := s.pick([]string{"https://playbook.example.org/", "https://docs.example.com/pb/", "https://x.example/"})
		return s.config(func(c *configState) { c.baseURL = u })
	}},
	{"config review", func(s *editSite) change {
		every := s.pick([]string{"12 months", "6 months", "30d", "3 years"})
		stale := s.r.Intn(2) == 0
		return s.config(func(c *configState) { c.every, c.failStale = every, stale })
	}},
	{"config tickets", func(s *editSite) change {
		p := s.pick([]string{"^(OPS|PAY|PLAT|DATA|SEC|DOCS)-[0-9]+$", "^(OPS|PAY)-[0-9]+$"})
		return s.config(func(c *configState) { c.pattern = p })
	}},
	{"config noindex", func(s *editSite) change {
		return s.config(func(c *configState) { c.noindex = !c.noindex })
	}},
	{"config pager_size", func(s *editSite) change {
		n := []int{0, 2, diffPagerSize, 5}[s.r.Intn(4)]
		return s.config(func(c *configState) { c.pagerSize = n })
	}},
	{"config broken", func(s *editSite) change {
		return s.config(func(c *configState) { c.broken = true })
	}},

	// Prometheus rule files.
	{"rule expr", func(s *editSite) change {
		f := s.ruleFile()
		if f == "" {
			return change{}
		}
		text := s.read(f)
		lines := exprLine.FindAllStringIndex(text, -1)
		if len(lines) == 0 {
			return change{}
		}
		at := lines[s.r.Intn(len(lines))]
		m := exprLine.FindStringSubmatch(text[at[0]:at[1]])
		s.write(f, text[:at[0]]+m[1]+fmt.Sprintf("'up{job=\"e%d\"} < %d'", s.next(), s.n)+text[at[1]:])
		return change{site: true}
	}},
	{"rule added", func(s *editSite) change {
		f := s.ruleFile()
		if f == "" {
			return change{}
		}
		text := s.read(f)
		m := alertLine.FindAllStringSubmatch(text, -1)
		ind := m[len(m)-1][1]
		name := s.pick([]string{"VaultSealed", "RuleOnly1", "RuleOnly2", "NewAlert1"})
		s.write(f, strings.TrimRight(text, "\n")+fmt.Sprintf("\n%s- alert: %s\n%s  expr: 'rate(x_total[5m]) > %d'\n%s  labels:\n%s    team: %s\n",
			ind, name, ind, s.next(), ind, ind, s.pick(teams)))
		return change{site: true}
	}},
	{"rule removed", func(s *editSite) change {
		f := s.ruleFile()
		if f == "" {
			return change{}
		}
		text := s.read(f)
		m := alertLine.FindAllStringSubmatchIndex(text, -1)
		i := s.r.Intn(len(m))
		end := len(text)
		if i+1 < len(m) {
			end = m[i+1][0]
		}
		s.write(f, text[:m[i][0]]+text[end:])
		return change{site: true}
	}},
	{"rule file broken", func(s *editSite) change {
		s.write("rules/zz-broken.yaml", fmt.Sprintf("groups:\n  - name: broken\n    rules: [\n      - alert: X%d\n", s.next()))
		return change{site: true}
	}},
	{"rule file removed", func(s *editSite) change {
		files := s.files("rules", ".yaml")
		if len(files) < 2 {
			return change{} // rules: [rules/*.yaml] matching nothing stops serve
		}
		f := s.pick(files)
		os.Remove(s.path("rules/" + f))
		return change{site: true}
	}},
}

// TestRandomEditsLeaveTheSiteAFullBuildMakes edits a copy of the example
// site at random, every kind of edit in turn, and after each checks that
// the engine's site (files, findings, page count) is what a fresh full
// build of the same files makes, and that the update's Changed and
// Removed name exactly the files that changed. Edits of the
// configuration, layouts, assets and rule files reach the engine as
// `playbook serve` passes them: new options read from the site folder.
func TestRandomEditsLeaveTheSiteAFullBuildMakes(t *testing.T) {
	steps := *diffSteps
	if steps == 0 {
		steps = 200
		if testing.Short() {
			steps = 60
		}
	}
	s := &editSite{dir: copyExample(t), r: rand.New(rand.NewSource(*diffSeed))}
	// Listings of a few entries a page (see diffPagerSize).
	s.write("playbook.yaml", strings.TrimRight(s.read("playbook.yaml"), "\n")+fmt.Sprintf("\npager_size: %d\n", diffPagerSize))
	// Half the alert pages show their rule's expression, not their own,
	// so that rule edits reach pages.
	for i, p := range s.files("content/alerts", ".md") {
		if i%2 == 0 {
			s.editPage("alerts/"+p, func(t string) string { return dropField(t, "expr") })
		}
	}
	opt, err := siteOptions(s.dir, false)
	if err != nil {
		t.Fatal(err)
	}
	eng, _, err := engine.New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	sameAsBuild(t, eng.Snapshot(), opt, "first build")
	ran, effective := map[string]int{}, map[string]int{}
	partial, patched := 0, 0
	var order []int
	done := 0
	for i := range steps {
		if d, ok := t.Deadline(); ok && time.Until(d) < time.Minute && i >= len(edits) {
			// A loaded machine: stop before go test's timeout kills the
			// run, once every kind of edit ran.
			t.Logf("stopping after %d of %d edits: the test's deadline is near", i, steps)
			break
		}
		done++
		if len(order) == 0 {
			order = s.r.Perm(len(edits))
		}
		e := edits[order[0]]
		order = order[1:]
		ch := e.do(s)
		if len(ch.content) == 0 && !ch.site {
			continue
		}
		ran[e.name]++
		c := engine.Change{Content: ch.content}
		if ch.site {
			o, err := siteOptions(s.dir, s.drafts)
			if err != nil {
				t.Fatalf("step %d (%s): %v", i, e.name, err)
			}
			opt = o
			c.Options = &o
		}
		prev := eng.Snapshot()
		res, _ := eng.Update(context.Background(), c)
		step := fmt.Sprintf("step %d (%s %v)", i, e.name, ch.content)
		sameAsBuild(t, res.Snapshot, opt, step)
		sameChanges(t, prev, res, step)
		if len(res.Changed)+len(res.Removed) > 0 || findingsText(prev.Findings) != findingsText(res.Snapshot.Findings) || (prev.Err == nil) != (res.Snapshot.Err == nil) {
			effective[e.name]++
		}
		if testing.Verbose() {
			t.Logf("%s: %d rendered, %d changed, %d removed, err %v", step, res.Rendered, len(res.Changed), len(res.Removed), res.Snapshot.Err)
		}
		if res.Snapshot.Err == nil && res.Rendered < len(res.Snapshot.Site.Pages) {
			partial++
		}
		if res.Patched {
			patched++
		}
	}
	for _, e := range edits {
		// Some edits find nothing to do (no image to remove yet): in a
		// short run, a kind may not have run.
		if ran[e.name] == 0 && done >= 3*len(edits) {
			t.Errorf("no %q edit ran", e.name)
		} else if effective[e.name] == 0 && ran[e.name] >= 3 {
			t.Errorf("none of the %d %q edits changed the site's files or findings", ran[e.name], e.name)
		}
	}
	if partial == 0 {
		t.Errorf("every update rendered every page")
	}
	if patched == 0 {
		t.Errorf("no update patched the site graph: every one resolved the whole site")
	}
	t.Logf("%d edits of %d kinds; %d updates rendered only some pages, %d patched the graph", done, len(edits), partial, patched)
}
