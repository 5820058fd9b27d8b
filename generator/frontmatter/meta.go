package frontmatter

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/yamlline"
	"go.yaml.in/yaml/v3"
)

// Meta is a page's front matter, typed. Fields that accept either one value
// or a list ("ticket: OPS-1" or "tickets: [OPS-1, OPS-2]") are lists here.
type Meta struct {
	// Unreadable is true when the front matter could not be read at all
	// (not YAML, or not a mapping): its fields are then unknown, not
	// missing, and checks of them would only repeat that finding.
	Unreadable bool

	Title        string
	Summary      string // also read from "description", as MkDocs and Docusaurus name it
	Kind         string
	Roles        []string
	Owner        string
	Tags         []string
	Weight       int
	Aliases      []string
	LastReviewed Date
	// reviewedText is LastReviewed as written, from which a Meta read
	// from the build cache makes it again (codec.go): a date with an
	// offset can be read in the local time zone (time.Parse).
	reviewedText string
	ReviewEvery  Period
	Draft        bool

	// Runbooks and alerts.
	Tickets   []string // "ticket" and "tickets" together
	Alerts    []string // the alert names a runbook handles
	Severity  string
	Alert     string // an alert page's rule name, exactly as the rule spells it
	Runbook   string // an alert page's runbook, as a page reference
	Dashboard string
	Expr      string
	// For is the alerting rule's "for:" duration as written ("5m"); the
	// theme shows the rule's own when the page has none.
	For string
	// Params are the placeholders the page declares ("params:" mapping a
	// name to its default), in file order. The theme fills "{{name}}" in
	// the page's code with the firing alert's label of that name, from
	// the page's query string (Alertmanager's runbook_url), or with the
	// default.
	Params []Param

	// Teams.
	Slack          string
	Email          string
	Oncall         string
	Escalation     []string
	TicketsProject string

	// Personas: the onboarding path, as page references.
	OnboardingPath []string

	// Fields of other documentation tools that mean something to us.
	//
	// NavLabel is the page's label in navigation, where it differs from
	// its title: Docusaurus sidebar_label, Hugo linkTitle.
	NavLabel string
	// DocID and Slug are Docusaurus' id and slug, which decide a page's
	// URL; Slug is also Hugo's slug (the last segment of the URL).
	DocID string
	Slug  string
	// OwnerSlack is the owning team's Slack channel (GOV.UK tech docs'
	// owner_slack).
	OwnerSlack string
	// Cascade is Hugo's cascade: front matter that a folder's _index.md
	// gives every page below it, as YAML; CascadeLine is its line.
	Cascade     string
	CascadeLine int

	// Extra holds the keys the content model does not know, in file order,
	// for templates to use.
	Extra []Field

	// Lines maps each key to the line of the file it stands on.
	Lines map[string]int
	// Inherited maps each key that a folder's cascade or playbook.yaml's
	// defaults supplied to where it was set ("content/runbooks/_index.md:3").
	Inherited map[string]string
	// nodes holds each key's YAML value, for Inherit (with
	// Options.Inheritable).
	nodes map[string]*yaml.Node
	// OnboardingPathLines holds the line of each entry of OnboardingPath.
	OnboardingPathLines []int
	// items holds the line of each value of a list key, sorted by key and
	// value, one entry each (the first, when a value is written twice),
	// for ItemLine: a slice, not a map of maps, for a site has one Meta a
	// page.
	items []itemLine
}

// itemLine is the line of one value of a list key.
type itemLine struct {
	key, value string
	line       int
}

// sortItems sorts the items recorded in file order for ItemLine, and
// keeps the first of each value of a key.
func (m *Meta) sortItems() {
	slices.SortStableFunc(m.items, compareItems)
	m.items = slices.Clip(slices.CompactFunc(m.items, func(a, b itemLine) bool { return compareItems(a, b) == 0 }))
}

func compareItems(a, b itemLine) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}

// ItemLine returns the file line of one value of a list key ("alerts",
// "tickets"): the line of the entry in a block list, the key's line for a
// flow list or a single value, or fallback when the key does not hold the
// value.
func (m *Meta) ItemLine(key, value string, fallback int) int {
	if i, ok := slices.BinarySearchFunc(m.items, itemLine{key: key, value: value}, compareItems); ok {
		return m.items[i].line
	}
	return fallback
}

// Param is a placeholder a page declares: Name is a label name in
// Prometheus' syntax ([a-zA-Z_][a-zA-Z0-9_]*), Default its value when the
// page is opened without it ("" for none).
type Param struct {
	Name    string
	Default string
}

// Field is a front matter key the content model does not know. Value is its
// scalar text, or the YAML of a list or map.
type Field struct {
	Key   string
	Value string
	Line  int
}

// Param returns the value of an extra field, or "".
func (m *Meta) Param(key string) string {
	for _, f := range m.Extra {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// Line returns the file line of a key, or fallback when the key is absent.
func (m *Meta) Line(key string, fallback int) int {
	if l, ok := m.Lines[key]; ok {
		return l
	}
	return fallback
}

type kindOf int

// maxNumber bounds a whole number or number field (weight,
// sidebar_position): beyond it, a value is an error, so that every
// number fits the 32 bits the build cache keeps.
const maxNumber = 1_000_000_000

const (
	str kindOf = iota
	list
	integer
	boolean
	date
	period
	number // a whole or decimal number, rounded to a whole one
	params
)

// field describes one known key: its type and where it goes.
type field struct {
	kind kindOf
	set  func(m *Meta, s string, l []string, n int, b bool, d Date, p Period)
}

// fields is the content model's front matter schema. It is a function, not a
// package variable, so that nothing global can be changed.
func fields() map[string]field {
	s := func(f func(*Meta) *string) field {
		return field{str, func(m *Meta, v string, _ []string, _ int, _ bool, _ Date, _ Period) { *f(m) = v }}
	}
	l := func(f func(*Meta) *[]string) field {
		return field{list, func(m *Meta, _ string, v []string, _ int, _ bool, _ Date, _ Period) { *f(m) = append(*f(m), v...) }}
	}
	return map[string]field{
		"title":           s(func(m *Meta) *string { return &m.Title }),
		"summary":         s(func(m *Meta) *string { return &m.Summary }),
		"description":     s(func(m *Meta) *string { return &m.Summary }),
		"kind":            s(func(m *Meta) *string { return &m.Kind }),
		"roles":           l(func(m *Meta) *[]string { return &m.Roles }),
		"owner":           s(func(m *Meta) *string { return &m.Owner }),
		"tags":            l(func(m *Meta) *[]string { return &m.Tags }),
		"weight":          {integer, func(m *Meta, _ string, _ []string, n int, _ bool, _ Date, _ Period) { m.Weight = n }},
		"aliases":         l(func(m *Meta) *[]string { return &m.Aliases }),
		"last_reviewed":   {date, func(m *Meta, _ string, _ []string, _ int, _ bool, d Date, _ Period) { m.LastReviewed = d }},
		"review_every":    {period, func(m *Meta, _ string, _ []string, _ int, _ bool, _ Date, p Period) { m.ReviewEvery = p }},
		"draft":           {boolean, func(m *Meta, _ string, _ []string, _ int, b bool, _ Date, _ Period) { m.Draft = b }},
		"ticket":          l(func(m *Meta) *[]string { return &m.Tickets }),
		"tickets":         l(func(m *Meta) *[]string { return &m.Tickets }),
		"alerts":          l(func(m *Meta) *[]string { return &m.Alerts }),
		"severity":        s(func(m *Meta) *string { return &m.Severity }),
		"alert":           s(func(m *Meta) *string { return &m.Alert }),
		"runbook":         s(func(m *Meta) *string { return &m.Runbook }),
		"dashboard":       s(func(m *Meta) *string { return &m.Dashboard }),
		"expr":            s(func(m *Meta) *string { return &m.Expr }),
		"for":             s(func(m *Meta) *string { return &m.For }),
		"params":          {kind: params},
		"slack":           s(func(m *Meta) *string { return &m.Slack }),
		"email":           s(func(m *Meta) *string { return &m.Email }),
		"oncall":          s(func(m *Meta) *string { return &m.Oncall }),
		"escalation":      l(func(m *Meta) *[]string { return &m.Escalation }),
		"tickets_project": s(func(m *Meta) *string { return &m.TicketsProject }),
		"path":            l(func(m *Meta) *[]string { return &m.OnboardingPath }),

		// Other tools' fields that map onto ours.
		"sidebar_label":    s(func(m *Meta) *string { return &m.NavLabel }),
		"linkTitle":        s(func(m *Meta) *string { return &m.NavLabel }),
		"sidebar_position": {number, func(m *Meta, _ string, _ []string, n int, _ bool, _ Date, _ Period) { m.Weight = n }},
		"id":               s(func(m *Meta) *string { return &m.DocID }),
		"slug":             s(func(m *Meta) *string { return &m.Slug }),
		"owner_slack":      s(func(m *Meta) *string { return &m.OwnerSlack }),
		"old_paths":        l(func(m *Meta) *[]string { return &m.Aliases }),
		"last_reviewed_on": {date, func(m *Meta, _ string, _ []string, _ int, _ bool, d Date, _ Period) { m.LastReviewed = d }},
		"review_in":        {period, func(m *Meta, _ string, _ []string, _ int, _ bool, _ Date, p Period) { m.ReviewEvery = p }},
	}
}

// toolFields are front matter keys that Docusaurus, MkDocs (Material), Hugo
// (with the hugo-book and learn themes) and Middleman (GOV.UK tech docs)
// define and that playbook has no use for: they are kept in Meta.Extra,
// without a finding. Sources: docusaurus.io/docs/api/plugins/
// @docusaurus/plugin-content-docs#markdown-front-matter,
// squidfunk.github.io/mkdocs-material/reference/, gohugo.io/content-
// management/front-matter/, tdt-documentation.london.cloudapps.digital/
// (page settings).
func toolFields() []string {
	return []string{
		// Docusaurus docs.
		"sidebar_class_name", "sidebar_custom_props", "displayed_sidebar", "hide_title",
		"hide_table_of_contents", "toc_min_heading_level", "toc_max_heading_level",
		"pagination_label", "pagination_next", "pagination_prev", "parse_number_prefixes",
		"custom_edit_url", "keywords", "image", "unlisted", "last_update", "sidebar_key",
		// MkDocs and Material for MkDocs.
		"template", "hide", "status", "search", "icon", "subtitle", "authors", "date",
		// Hugo.
		"build", "expiryDate", "headless", "isCJKLanguage", "lastmod", "layout", "markup",
		"menu", "menus", "outputs", "params", "publishDate", "resources", "sitemap",
		"translationKey", "type", "url", "categories", "series", "toc", "author",
		"bookToc", "bookHidden", "bookCollapseSection", "bookFlatSection", "bookSearchExclude",
		"bookComments", "BookComments", "chapter", "pre", "post", "alwaysopen", "cascade",
		// Middleman, GOV.UK tech docs.
		"section", "parent", "subsection", "related_repos", "important", "hide_in_navigation",
		"source_url", "review_by",
	}
}

// Known returns the front matter keys of the content model, sorted.
func Known() []string {
	var keys []string
	for k := range fields() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Options tune Decode.
type Options struct {
	// Allowed lists extra keys the site declares (playbook.yaml "fields"):
	// they are kept in Extra without a warning.
	Allowed []string
	// Inheritable keeps each key's YAML value, for Inherit to give to
	// pages: set it for a folder's cascade or a defaults entry. A page's
	// own front matter need not keep them (at 100,000 pages, about
	// 170 MB).
	Inheritable bool
}

// Decode reads front matter YAML into a Meta. path names the file in
// findings; firstLine is the file line on which the YAML starts. Every
// problem becomes a finding; Decode never stops at the first.
func Decode(path string, src []byte, firstLine int, opt Options) (*Meta, []diag.Finding) {
	m := &Meta{Lines: map[string]int{}}
	var out diag.List
	if len(strings.TrimSpace(string(src))) == 0 {
		return m, nil
	}
	if yamlline.UTF16(src) {
		out.Errorf("frontmatter/invalid", path, firstLine, "front matter starts with a UTF-16 byte-order mark: save the file as UTF-8")
		m.Unreadable = true
		return m, out
	}
	lines := yamlline.New(src)
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		out.Errorf("frontmatter/invalid", path, firstLine+lines.Line(max(line, 1))-1, "front matter is not valid YAML: %s", msg)
		m.Unreadable = true
		return m, out
	}
	if len(doc.Content) == 0 {
		return m, nil
	}
	return decodeNode(path, doc.Content[0], firstLine, lines, opt)
}

// decodeNode reads a decoded YAML document's root node into a Meta. lines
// maps the parser's lines to the file's (the zero Map leaves them as
// they are).
func decodeNode(path string, root *yaml.Node, firstLine int, lines yamlline.Map, opt Options) (*Meta, []diag.Finding) {
	m := &Meta{Lines: map[string]int{}}
	var out diag.List
	lineOf := func(n *yaml.Node) int { return firstLine + lines.Line(max(n.Line, 1)) - 1 }
	if root.Kind != yaml.MappingNode {
		out.Errorf("frontmatter/invalid", path, lineOf(root), "front matter must be a mapping of keys to values")
		m.Unreadable = true
		return m, out
	}
	schema := fields()
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key, line := k.Value, lineOf(k)
		if k.Kind != yaml.ScalarNode {
			out.Errorf("frontmatter/invalid", path, line, "front matter keys must be plain words")
			continue
		}
		if prev, dup := m.Lines[key]; dup {
			out.Errorf("frontmatter/invalid", path, line, "%q is set twice (first on line %d)", key, prev)
			continue
		}
		m.Lines[key] = line
		if opt.Inheritable {
			if m.nodes == nil {
				m.nodes = map[string]*yaml.Node{}
			}
			m.nodes[key] = v
		}
		if key == "cascade" {
			m.Cascade, m.CascadeLine = nodeText(v), line
		}
		f, known := schema[key]
		if !known {
			if slices.Contains(opt.Allowed, key) || slices.Contains(toolFields(), key) {
				m.Extra = append(m.Extra, Field{Key: key, Value: nodeText(v), Line: line})
				continue
			}
			if near := suggest(key, schema); near != "" {
				out.Errorf("frontmatter/unknown-field", path, line, "unknown field %q: did you mean %q?", key, near)
			} else {
				out.Warnf("frontmatter/unknown-field", path, line, "unknown field %q is kept for templates but not checked", key)
			}
			m.Extra = append(m.Extra, Field{Key: key, Value: nodeText(v), Line: line})
			continue
		}
		if err := assign(m, f, v); err != nil {
			at := v
			var ie itemError
			if errors.As(err, &ie) {
				at = ie.node
			}
			out.Errorf("frontmatter/invalid", path, lineOf(at), "%s: %v", key, err)
		}
		if f.kind == list {
			m.itemLines(key, v, lineOf)
		}
		if key == "path" && v.Kind == yaml.SequenceNode {
			for _, item := range v.Content {
				m.OnboardingPathLines = append(m.OnboardingPathLines, lineOf(item))
			}
		}
	}
	m.sortItems()
	return m, out
}

// itemLines records the line of each value of the list key's node v, in
// file order (see sortItems).
func (m *Meta) itemLines(key string, v *yaml.Node, lineOf func(*yaml.Node) int) {
	add := func(value string, line int) {
		m.items = append(m.items, itemLine{key, value, line})
	}
	switch v.Kind {
	case yaml.ScalarNode:
		add(strings.TrimSpace(v.Value), lineOf(v))
	case yaml.SequenceNode:
		for _, item := range v.Content {
			if item.Kind == yaml.ScalarNode {
				add(strings.TrimSpace(item.Value), lineOf(item))
			}
		}
	}
}

// Inherit gives m the known fields of from (a folder's cascade or a
// defaults entry, decoded with Decode and Options.Inheritable) that m does not set itself nor has
// inherited already: the page's own values win, then the nearest folder's.
// where names the place that set them, for findings. It reports whether m
// took any.
func Inherit(m, from *Meta, where string) bool {
	took := false
	schema := fields()
	keys := make([]string, 0, len(from.nodes))
	for k := range from.nodes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, known := schema[k]
		if !known || k == "title" || k == "aliases" || k == "id" || k == "slug" {
			continue // these name one page, never a folder of them
		}
		if m.sets(k) {
			continue
		}
		if assign(m, f, from.nodes[k]) != nil {
			continue
		}
		if m.Inherited == nil {
			m.Inherited = map[string]string{}
		}
		m.Inherited[k] = fmt.Sprintf("%s:%d", where, from.Lines[k])
		took = true
	}
	return took
}

// Clone returns a copy of m that Inherit can change without changing m.
func (m *Meta) Clone() *Meta {
	c := *m
	for _, l := range []*[]string{&c.Roles, &c.Tags, &c.Aliases, &c.Tickets, &c.Alerts, &c.Escalation, &c.OnboardingPath} {
		*l = slices.Clone(*l)
	}
	c.Extra = slices.Clone(c.Extra)
	c.OnboardingPathLines = slices.Clone(c.OnboardingPathLines)
	if m.Inherited != nil {
		c.Inherited = maps.Clone(m.Inherited)
	}
	return &c
}

// sets reports whether m has a value for key, its own or inherited, under
// any of the key's spellings.
func (m *Meta) sets(key string) bool {
	same := [][]string{{"ticket", "tickets"}, {"summary", "description"}, {"sidebar_label", "linkTitle"},
		{"weight", "sidebar_position"}, {"aliases", "old_paths"}, {"last_reviewed", "last_reviewed_on"},
		{"review_every", "review_in"}}
	keys := []string{key}
	for _, g := range same {
		if slices.Contains(g, key) {
			keys = g
		}
	}
	for _, k := range keys {
		if _, own := m.Lines[k]; own {
			return true
		}
		if _, done := m.Inherited[k]; done {
			return true
		}
	}
	return false
}

func assign(m *Meta, f field, v *yaml.Node) error {
	if v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil // "owner:" with nothing after it is the same as no owner
	}
	scalar := func() (string, error) {
		if v.Kind != yaml.ScalarNode {
			return "", fmt.Errorf("want a single value, got a %s", nodeKind(v))
		}
		return strings.TrimSpace(v.Value), nil
	}
	switch f.kind {
	case params:
		return assignParams(m, v)
	case str:
		s, err := scalar()
		if err != nil {
			return err
		}
		f.set(m, s, nil, 0, false, Date{}, Period{})
	case list:
		var l []string
		switch v.Kind {
		case yaml.ScalarNode:
			if s := strings.TrimSpace(v.Value); s != "" {
				l = []string{s}
			}
		case yaml.SequenceNode:
			for _, item := range v.Content {
				if item.Kind != yaml.ScalarNode {
					return itemError{item, fmt.Errorf("want a list of single values, got a %s in it", nodeKind(item))}
				}
				if s := strings.TrimSpace(item.Value); s != "" {
					l = append(l, s)
				}
			}
		default:
			return fmt.Errorf("want a value or a list, got a %s", nodeKind(v))
		}
		f.set(m, "", l, 0, false, Date{}, Period{})
	case integer:
		s, err := scalar()
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n > maxNumber || n < -maxNumber {
			return fmt.Errorf("want a whole number from -%d to %d, got %q", maxNumber, maxNumber, s)
		}
		f.set(m, "", nil, n, false, Date{}, Period{})
	case number:
		s, err := scalar()
		if err != nil {
			return err
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) || math.Abs(n) > maxNumber {
			return fmt.Errorf("want a number from -%d to %d, got %q", maxNumber, maxNumber, s)
		}
		f.set(m, "", nil, int(math.Round(n)), false, Date{}, Period{})
	case boolean:
		s, err := scalar()
		if err != nil {
			return err
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		f.set(m, "", nil, 0, b, Date{}, Period{})
	case date:
		s, err := scalar()
		if err != nil {
			return err
		}
		d, err := ParseDate(s)
		if err != nil {
			return err
		}
		f.set(m, "", nil, 0, false, d, Period{})
		m.reviewedText = s // the only date of the schema
	case period:
		s, err := scalar()
		if err != nil {
			return err
		}
		p, err := ParsePeriod(s)
		if err != nil {
			return err
		}
		f.set(m, "", nil, 0, false, Date{}, p)
	}
	return nil
}

// assignParams reads "params:", a mapping of label names to default values.
func assignParams(m *Meta, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("want a mapping of names to default values, got a %s", nodeKind(v))
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, d := v.Content[i], v.Content[i+1]
		if d.Kind == yaml.AliasNode {
			d = d.Alias
		}
		if k.Kind != yaml.ScalarNode || !labelName.MatchString(k.Value) {
			return itemError{k, fmt.Errorf("%q is not a label name (letters, digits and _, not first a digit)", k.Value)}
		}
		if slices.ContainsFunc(m.Params, func(p Param) bool { return p.Name == k.Value }) {
			return itemError{k, fmt.Errorf("%q is set twice", k.Value)}
		}
		def := ""
		switch {
		case d.Kind == yaml.ScalarNode && d.Tag != "!!null":
			def = strings.TrimSpace(d.Value)
		case d.Kind == yaml.ScalarNode:
		default:
			return itemError{d, fmt.Errorf("the default of %q must be a single value, got a %s", k.Value, nodeKind(d))}
		}
		m.Params = append(m.Params, Param{Name: k.Value, Default: def})
	}
	return nil
}

// labelName is Prometheus' syntax of a label name.
var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// itemError is an error in one item of a list, reported at its line.
type itemError struct {
	node *yaml.Node
	error
}

func (e itemError) Unwrap() error { return e.error }

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	}
	return "value"
}

// nodeText returns a scalar's text, or the YAML of anything larger.
func nodeText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlErrorLine takes the line number out of a YAML parser's message.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, msg[len(m[0]):]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// suggest returns the known key closest to key when it is near enough to be
// a slip of the keyboard: one edit for keys of up to four letters, two for
// longer ones. Ties go to the alphabetically first key.
func suggest(key string, schema map[string]field) string {
	limit := 2
	if len([]rune(key)) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for k := range schema {
		if d := diag.Distance(strings.ToLower(key), k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if bestD > limit {
		return ""
	}
	return best
}
