package frontmatter

import (
	"errors"
	"maps"
	"slices"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/diag"
)

// The cached form of what Decode or DecodeAny returns (a Meta and its
// findings), so that a build cache can keep a page's decoded front
// matter from one build to the next (parse keys it by everything Decode
// reads): the bytes "PBF1", then the fields in the order of EncodeResult,
// as buildcache.Encoder writes them. LastReviewed is kept as written and
// read again, as Decode reads it; a map as a list of its keys, sorted,
// each with its value.
const resultMagic = "PBF1"

// ErrCached is the error of DecodeResult: the bytes are not a whole
// encoded result.
var ErrCached = errors.New("frontmatter: damaged cached front matter")

// EncodeResult encodes a decoded front matter and its findings. A Meta
// decoded with Options.Inheritable holds YAML nodes, which it does not
// encode: it returns an error for one.
func EncodeResult(m *Meta, finds []diag.Finding) ([]byte, error) {
	if m.nodes != nil {
		return nil, errors.New("frontmatter: a front matter decoded for inheritance is not encoded")
	}
	e := &buildcache.Encoder{B: make([]byte, 0, 512)}
	e.B = append(e.B, resultMagic...)
	e.Bool(m.Unreadable)
	for _, s := range []string{m.Title, m.Summary, m.Kind, m.Owner} {
		e.String(s)
	}
	e.Strings(m.Roles)
	e.Strings(m.Tags)
	e.Int(int64(m.Weight))
	e.Strings(m.Aliases)
	e.String(m.reviewedText)
	e.Bool(!m.LastReviewed.IsZero())
	e.Int(int64(m.ReviewEvery.Days))
	e.Int(int64(m.ReviewEvery.Months))
	e.Bool(m.Draft)
	e.Strings(m.Tickets)
	e.Strings(m.Alerts)
	for _, s := range []string{m.Severity, m.Alert, m.Runbook, m.Dashboard, m.Expr, m.For} {
		e.String(s)
	}
	e.List(len(m.Params), m.Params == nil)
	for _, p := range m.Params {
		e.String(p.Name)
		e.String(p.Default)
	}
	for _, s := range []string{m.Slack, m.Email, m.Oncall} {
		e.String(s)
	}
	e.Strings(m.Escalation)
	e.String(m.TicketsProject)
	e.Strings(m.OnboardingPath)
	for _, s := range []string{m.NavLabel, m.DocID, m.Slug, m.OwnerSlack, m.Cascade} {
		e.String(s)
	}
	e.Int(int64(m.CascadeLine))
	e.List(len(m.Extra), m.Extra == nil)
	for _, f := range m.Extra {
		e.String(f.Key)
		e.String(f.Value)
		e.Int(int64(f.Line))
	}
	e.List(len(m.Lines), m.Lines == nil)
	for _, k := range slices.Sorted(maps.Keys(m.Lines)) {
		e.String(k)
		e.Int(int64(m.Lines[k]))
	}
	e.List(len(m.Inherited), m.Inherited == nil)
	for _, k := range slices.Sorted(maps.Keys(m.Inherited)) {
		e.String(k)
		e.String(m.Inherited[k])
	}
	e.List(len(m.OnboardingPathLines), m.OnboardingPathLines == nil)
	for _, l := range m.OnboardingPathLines {
		e.Int(int64(l))
	}
	e.List(len(m.items), m.items == nil)
	for _, it := range m.items {
		e.String(it.key)
		e.String(it.value)
		e.Int(int64(it.line))
	}
	e.List(len(finds), finds == nil)
	for _, f := range finds {
		e.String(f.Check)
		e.Int(int64(f.Severity))
		e.String(f.Path)
		e.Int(int64(f.Line))
		e.String(f.Message)
		e.String(f.Fix)
	}
	return e.B, nil
}

// DecodeResult reads what EncodeResult wrote. Anything else (a value
// cut short, of another format, or whose date no longer reads as one) is
// ErrCached.
func DecodeResult(data []byte) (*Meta, []diag.Finding, error) {
	d := buildcache.NewDecoder(data)
	d.Magic(resultMagic)
	m := &Meta{}
	m.Unreadable = d.Bool()
	for _, s := range []*string{&m.Title, &m.Summary, &m.Kind, &m.Owner} {
		*s = d.String()
	}
	m.Roles = d.Strings()
	m.Tags = d.Strings()
	m.Weight = d.Int32()
	m.Aliases = d.Strings()
	m.reviewedText = d.String()
	if d.Bool() {
		date, err := ParseDate(m.reviewedText)
		if err != nil {
			return nil, nil, ErrCached
		}
		m.LastReviewed = date
	}
	m.ReviewEvery.Days = d.Int32()
	m.ReviewEvery.Months = d.Int32()
	m.Draft = d.Bool()
	m.Tickets = d.Strings()
	m.Alerts = d.Strings()
	for _, s := range []*string{&m.Severity, &m.Alert, &m.Runbook, &m.Dashboard, &m.Expr, &m.For} {
		*s = d.String()
	}
	if n := d.List(2); n >= 0 {
		m.Params = make([]Param, n)
		for i := range m.Params {
			m.Params[i] = Param{Name: d.String(), Default: d.String()}
		}
	}
	for _, s := range []*string{&m.Slack, &m.Email, &m.Oncall} {
		*s = d.String()
	}
	m.Escalation = d.Strings()
	m.TicketsProject = d.String()
	m.OnboardingPath = d.Strings()
	for _, s := range []*string{&m.NavLabel, &m.DocID, &m.Slug, &m.OwnerSlack, &m.Cascade} {
		*s = d.String()
	}
	m.CascadeLine = d.Int32()
	if n := d.List(3); n >= 0 {
		m.Extra = make([]Field, n)
		for i := range m.Extra {
			m.Extra[i] = Field{Key: d.String(), Value: d.String(), Line: d.Int32()}
		}
	}
	if n := d.List(2); n >= 0 {
		m.Lines = make(map[string]int, n)
		for range n {
			k := d.String()
			m.Lines[k] = d.Int32()
		}
	}
	if n := d.List(2); n >= 0 {
		m.Inherited = make(map[string]string, n)
		for range n {
			k := d.String()
			m.Inherited[k] = d.String()
		}
	}
	if n := d.List(1); n >= 0 {
		m.OnboardingPathLines = make([]int, n)
		for i := range m.OnboardingPathLines {
			m.OnboardingPathLines[i] = d.Int32()
		}
	}
	if n := d.List(3); n >= 0 {
		m.items = make([]itemLine, n)
		for i := range m.items {
			m.items[i] = itemLine{key: d.String(), value: d.String(), line: d.Int32()}
		}
	}
	var finds []diag.Finding
	if n := d.List(6); n >= 0 {
		finds = make([]diag.Finding, n)
		for i := range finds {
			f := diag.Finding{Check: d.String()}
			sev := d.Int()
			if sev != int64(diag.Warning) && sev != int64(diag.Error) {
				return nil, nil, ErrCached
			}
			f.Severity = diag.Severity(sev)
			f.Path, f.Line, f.Message, f.Fix = d.String(), d.Int32(), d.String(), d.String()
			finds[i] = f
		}
	}
	if d.Err() != nil {
		return nil, nil, ErrCached
	}
	return m, finds, nil
}
