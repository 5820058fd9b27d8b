package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
)

// Doc is what the index knows of one page.
type Doc struct {
	URL      string
	Title    string
	Kind     string
	Owner    string // team id
	Roles    []string
	Tags     []string
	Alerts   []string // an alert page's rule, or the alerts a runbook handles
	Headings []string
	Summary  string
	Body     string // the body as plain text
	// Excerpt is the snippet shown under a result: the summary, or the
	// start of the body.
	Excerpt string
}

// excerptLen is the longest excerpt, in characters.
const excerptLen = 180

// Docs returns the searchable pages of a site, sorted by URL: every page
// made from a source file.
func Docs(s *site.Site) []Doc {
	var docs []Doc
	for _, p := range s.Pages {
		if d, ok := DocOf(p); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// DocOf returns what the index knows of a page, and false for a page not
// made from a source file, which is not searched.
func DocOf(p *site.Page) (Doc, bool) {
	d, ok := docFields(p.Parsed)
	if !ok {
		return Doc{}, false
	}
	switch {
	case p.Doc != nil:
		d.Body = markdown.PlainText(p.Doc, p.Body)
	case p.TextKept:
		d.Body = p.Text
	}
	d.Excerpt = excerpt(d.Summary, d.Body, d.Title)
	return d, true
}

// docFields returns DocOf(p) without its body and excerpt.
func docFields(p *site.Parsed) (Doc, bool) {
	if p.Path == "" || p.Meta == nil {
		return Doc{}, false
	}
	d := Doc{
		URL:     p.URL,
		Title:   p.Title,
		Kind:    string(p.Kind),
		Roles:   p.Meta.Roles,
		Tags:    p.Meta.Tags,
		Summary: p.Meta.Summary,
	}
	if p.Meta.Owner != "" {
		d.Owner = site.TeamID(p.Meta.Owner)
	}
	if p.Meta.Alert != "" {
		d.Alerts = append(d.Alerts, p.Meta.Alert)
	}
	d.Alerts = append(d.Alerts, p.Meta.Alerts...)
	for _, h := range p.Outline.Headings {
		d.Headings = append(d.Headings, h.Text)
	}
	return d, true
}

// excerpt returns the summary, or else the start of the body without its
// title, cut at a word boundary: its words (strings.Fields) one space
// apart, without the bytes that are not UTF-8 (strings.ToValidUTF8),
// at most excerptLen characters, else cut at the last space of them
// past the half and marked "…". It is made in one pass over at most
// 4*excerptLen bytes, for every page of every build.
func excerpt(summary, body, title string) string {
	text := summary
	if text == "" {
		text = strings.TrimSpace(body)
		if rest, ok := strings.CutPrefix(text, title); ok {
			text = rest
		}
	}
	if len(text) > 4*excerptLen {
		text = text[:4*excerptLen]
	}
	// strings.Join(strings.Fields(text), " ").
	b := make([]byte, 0, len(text))
	space := false
	for i := 0; i < len(text); {
		r, n := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(text[i:])
		}
		if unicode.IsSpace(r) {
			space = len(b) > 0
		} else {
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, text[i:i+n]...)
		}
		i += n
	}
	if !utf8.Valid(b) {
		b = []byte(strings.ToValidUTF8(string(b), ""))
	}
	// The byte offset of each of the first excerptLen+1 characters.
	var at [excerptLen + 1]int
	n := 0
	for i := range string(b) {
		if n > excerptLen {
			break
		}
		at[n] = i
		n++
	}
	if n <= excerptLen {
		return string(b)
	}
	cut := excerptLen
	for cut > excerptLen/2 && b[at[cut]] != ' ' {
		cut--
	}
	return strings.TrimSpace(string(b[:at[cut]])) + "…"
}
