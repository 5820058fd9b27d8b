package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A Note is something Prepare changed that the author should know about.
// Line is the 1-based line of the body it is on.
type Note struct {
	Line    int
	Check   string
	Message string
}

// Check ids of the notes Prepare writes.
const (
	// CheckMDXComponent: an MDX (JSX) component that is not rendered;
	// its markdown children are.
	CheckMDXComponent = "mdx/component"
	// CheckShortcode: a Hugo shortcode that playbook does not implement.
	CheckShortcode = "shortcode/unsupported"
	// CheckERB: ERB tags (Middleman templates) that were removed unevaluated.
	CheckERB = "erb/not-evaluated"
	// CheckRawHTML: raw HTML outside the safe list, shown as text.
	CheckRawHTML = "html/escaped"
)

// Prepare rewrites the conventions of other documentation tools in a page
// body into the markdown that this package renders, line for line, so that
// every line keeps its number:
//
//   - MDX (Docusaurus): top-level "import ... from '...'" and "export
//     const|let|var|default|function|class ..." lines are dropped;
//     <Tabs>/<TabItem label="..."> become labelled sections (a "tab"
//     callout per item); <Admonition type="..." title="..."> becomes a
//     callout; any other capitalised component is unwrapped, its children
//     kept, with one note per component name.
//   - MkDocs (pymdownx.tabbed): `=== "Label"` with its indented content
//     becomes a labelled section.
//   - Hugo shortcodes: ref and relref become the path they name (so a link
//     to them is checked like a relative link); hint, notice, details,
//     expand, tab and tabs become callouts and labelled sections;
//     comments ({{/* */}}) are dropped; any other shortcode is removed with
//     a note.
//   - With erb set (a Middleman *.erb page), ERB tags (<% %>, <%= %>,
//     <%# %>) are removed, never evaluated, with one note per page that
//     counts them.
//
// Fenced code blocks are left as they are, and inline code spans by the
// shortcode rewriting.
func Prepare(body []byte, erb bool) ([]byte, []Note) {
	p := &preparer{warned: map[string]bool{}, erbOn: erb}
	lines := splitLines(body)
	p.out = make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		i = p.line(lines, i)
	}
	p.closeMkDocsTabs(-1, len(p.out))
	if p.erbTags > 0 {
		p.notes = append(p.notes, Note{Line: p.erbLine, Check: CheckERB,
			Message: fmt.Sprintf("ERB is not evaluated: %d tags removed; this page's generated content is missing", p.erbTags)})
	}
	if !p.changed {
		return body, p.notes
	}
	return []byte(strings.Join(p.out, "")), p.notes
}

type preparer struct {
	out     []string
	notes   []Note
	warned  map[string]bool
	changed bool

	fence    string // the open code fence ("```"), or ""
	erbOn    bool
	inERB    bool
	erbTags  int
	erbLine  int
	stack    []container
	mkdocs   []mkdocsTab
	lastNote int
}

// container is a callout that Prepare opened and must close: its closing
// fence and the name of what opened it.
type container struct {
	fence string
	name  string
}

// mkdocsTab is an open MkDocs tab: the indentation of its "===" line.
type mkdocsTab struct {
	indent    int
	container int // index into stack
}

var (
	importRE    = regexp.MustCompile(`^import\s+(?:[\w*{}\s,]+\s+from\s+)?['"][^'"]+['"];?\s*$`)
	importOpen  = regexp.MustCompile(`^import\s+(?:\w+\s*,\s*)?\{[^}]*$`)
	importClose = regexp.MustCompile(`from\s+['"][^'"]+['"];?\s*$`)
	exportRE    = regexp.MustCompile(`^export\s+(?:default|const|let|var|function|async\s+function|class)\b`)
	jsxOpenRE   = regexp.MustCompile(`^<([A-Z][\w.]*)((?:\s[^<>]*)?)(/?)>$`)
	jsxCloseRE  = regexp.MustCompile(`^</([A-Z][\w.]*)\s*>$`)
	jsxStartRE  = regexp.MustCompile(`^<([A-Z][\w.]*)(\s[^<>]*)?$`)
	attrRE      = regexp.MustCompile(`([\w-]+)=(?:"([^"]*)"|'([^']*)'|\{\s*["'\x60]([^"'\x60]*)["'\x60]\s*\})`)
	mkdocsTabRE = regexp.MustCompile(`^(\s*)===\+?\s+"(.*)"\s*$`)
	shortcodeRE = regexp.MustCompile(`\{\{([<%])\s*(/?)\s*([\w.-]+)((?:[^>%}]|[>%][^}]|\}[^}])*?)\s*[>%]\}\}`)
	commentRE   = regexp.MustCompile(`\{\{<?%?\s*/\*.*?\*/\s*%?>?\}\}`)
	argRE       = regexp.MustCompile(`"([^"]*)"|\x60([^\x60]*)\x60|(\S+)`)
)

// line handles lines[i] and returns the index of the last line it used.
func (p *preparer) line(lines []string, i int) int {
	raw := lines[i]
	text, eol := cutEOL(raw)
	trimmed := strings.TrimSpace(text)

	if p.fence != "" {
		if isClosingFence(trimmed, p.fence) {
			p.fence = ""
		}
		p.emit(p.dedent(raw))
		return i
	}
	p.closeMkDocsTabs(indentOf(text), len(p.out))
	if f := openingFence(trimmed); f != "" && !p.inERB {
		p.fence = f
		p.emit(p.dedent(raw))
		return i
	}
	if text2, n := p.erb(text, i+1); n {
		p.changed = true
		text = text2
		trimmed = strings.TrimSpace(text)
		raw = text + eol
	}
	// MDX import and export, at the start of a line.
	if strings.HasPrefix(text, "import") || strings.HasPrefix(text, "export") {
		if end := p.mdxStatement(lines, i); end >= 0 {
			for j := i; j <= end; j++ {
				_, e := cutEOL(lines[j])
				p.emit(e)
			}
			p.changed = true
			return end
		}
	}
	// MDX components on lines of their own.
	if strings.HasPrefix(trimmed, "<") && len(trimmed) > 1 && (isUpper(trimmed[1]) || trimmed[1] == '/' && len(trimmed) > 2 && isUpper(trimmed[2])) {
		if end := p.jsx(lines, i, text, eol); end >= 0 {
			p.changed = true
			return end
		}
	}
	// MkDocs content tabs.
	if m := mkdocsTabRE.FindStringSubmatch(text); m != nil {
		indent := indentOf(text)
		lead := p.dedent(m[1])
		fence := p.open("mkdocs-tab")
		p.mkdocs = append(p.mkdocs, mkdocsTab{indent: indent, container: len(p.stack) - 1})
		p.emit(lead + fence + "tab " + m[2] + eol)
		p.changed = true
		return i
	}
	if strings.Contains(text, "{{") {
		if out, ok := p.shortcodes(text, i+1); ok {
			p.changed = true
			p.emit(p.dedent(out + eol))
			return i
		}
	}
	p.emit(p.dedent(raw))
	return i
}

func (p *preparer) emit(s string) { p.out = append(p.out, s) }

func (p *preparer) note(line int, key, check, format string, args ...any) {
	if p.warned[key] {
		return
	}
	p.warned[key] = true
	p.notes = append(p.notes, Note{Line: line, Check: check, Message: fmt.Sprintf(format, args...)})
}

// open pushes a container and returns its opening fence: each level has
// one colon fewer than the one around it, so that an inner closing fence
// never closes an outer container, and authors' own ":::" callouts (three
// colons) nest inside.
func (p *preparer) open(name string) string {
	fence := strings.Repeat(":", max(20-len(p.stack), 4))
	p.stack = append(p.stack, container{fence: fence, name: name})
	return fence
}

// close pops the innermost container opened by name and returns its closing
// fence, or "" when none is open.
func (p *preparer) close(name string) string {
	for j := len(p.stack) - 1; j >= 0; j-- {
		if p.stack[j].name == name {
			f := p.stack[j].fence
			p.stack = p.stack[:j]
			return f
		}
	}
	return ""
}

// closeMkDocsTabs closes the MkDocs tabs that a line at indentation indent
// ends (indent -1 closes them all, at the end of the body). The closing
// fence replaces the last blank line before the line at index at, which
// MkDocs needs there anyway.
func (p *preparer) closeMkDocsTabs(indent, at int) {
	for len(p.mkdocs) > 0 {
		t := p.mkdocs[len(p.mkdocs)-1]
		if indent >= 0 && indent > t.indent {
			return
		}
		if indent >= 0 && indent == t.indent && at > 0 && strings.TrimSpace(p.out[at-1]) != "" {
			// A line at the tab's own indentation right after its
			// content is a lazy continuation, as in MkDocs.
			return
		}
		p.mkdocs = p.mkdocs[:len(p.mkdocs)-1]
		fence := p.stack[t.container].fence
		p.stack = p.stack[:t.container]
		if indent < 0 {
			return // runs to the end of the body
		}
		for j := at - 1; j >= 0; j-- {
			if strings.TrimSpace(p.out[j]) == "" {
				_, eol := cutEOL(p.out[j])
				p.out[j] = p.dedent(strings.Repeat(" ", t.indent)) + fence + eol
				break
			}
		}
	}
}

// dedent removes the indentation that open MkDocs tabs give their
// content: four columns a tab.
func (p *preparer) dedent(raw string) string {
	n := 4 * len(p.mkdocs)
	width, i := 0, 0
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '	') && width < n {
		if raw[i] == '	' {
			width += 4
		} else {
			width++
		}
		i++
	}
	if i == 0 {
		return raw
	}
	return strings.Repeat(" ", max(width-n, 0)) + raw[i:]
}

// erb removes ERB tags from a line, keeping track of tags that span lines.
func (p *preparer) erb(text string, line int) (string, bool) {
	if !p.erbOn || !p.inERB && !strings.Contains(text, "<%") {
		return text, false
	}
	var b strings.Builder
	rest := text
	for {
		if p.inERB {
			end := strings.Index(rest, "%>")
			if end < 0 {
				return b.String(), true
			}
			rest = rest[end+2:]
			p.inERB = false
			continue
		}
		start := strings.Index(rest, "<%")
		if start < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:start])
		rest = rest[start+2:]
		p.inERB = true
		p.erbTags++
		if p.erbLine == 0 {
			p.erbLine = line
		}
	}
	out := b.String()
	if strings.TrimSpace(out) == "" {
		out = ""
	}
	return out, true
}

// mdxStatement returns the last line of the MDX import or export statement
// that starts at lines[i], or -1 when the line is not one.
func (p *preparer) mdxStatement(lines []string, i int) int {
	text, _ := cutEOL(lines[i])
	if importRE.MatchString(text) {
		return i
	}
	if importOpen.MatchString(text) {
		for j := i + 1; j < len(lines) && j < i+50; j++ {
			t, _ := cutEOL(lines[j])
			if importClose.MatchString(t) {
				return j
			}
		}
		return -1
	}
	if !exportRE.MatchString(text) {
		return -1
	}
	// An export runs until its brackets balance.
	depth := 0
	for j := i; j < len(lines) && j < i+200; j++ {
		t, _ := cutEOL(lines[j])
		for _, c := range t {
			switch c {
			case '{', '(', '[':
				depth++
			case '}', ')', ']':
				depth--
			}
		}
		if depth <= 0 {
			return j
		}
	}
	return i
}

// jsx handles a line that is one MDX component tag (or starts one that
// spans lines) and returns the last line it used, or -1 when it is not one.
func (p *preparer) jsx(lines []string, i int, text, eol string) int {
	trimmed := strings.TrimSpace(text)
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	end := i
	if m := jsxStartRE.FindStringSubmatch(trimmed); m != nil {
		// An opening tag whose attributes go on over more lines.
		var b strings.Builder
		b.WriteString(trimmed)
		found := false
		for j := i + 1; j < len(lines) && j < i+50; j++ {
			t, _ := cutEOL(lines[j])
			b.WriteString(" ")
			b.WriteString(strings.TrimSpace(t))
			if strings.Contains(t, ">") {
				end, found = j, true
				break
			}
		}
		if !found {
			return -1
		}
		trimmed = b.String()
	}
	var name, attrs string
	closing, selfClosing := false, false
	if m := jsxOpenRE.FindStringSubmatch(trimmed); m != nil {
		name, attrs, selfClosing = m[1], m[2], m[3] == "/"
	} else if m := jsxCloseRE.FindStringSubmatch(trimmed); m != nil {
		name, closing = m[1], true
	} else {
		return -1
	}
	repl := ""
	switch name {
	case "Tabs":
	case "TabItem":
		if closing {
			repl = p.close("TabItem")
		} else if !selfClosing {
			a := attributes(attrs)
			label := cmpOr(a["label"], a["value"], "Tab")
			repl = p.open("TabItem") + "tab " + label
		}
	case "Admonition":
		if closing {
			repl = p.close("Admonition")
		} else if !selfClosing {
			a := attributes(attrs)
			repl = p.open("Admonition") + calloutName(cmpOr(a["type"], "note"))
			if t := a["title"]; t != "" {
				repl += " " + t
			}
		}
	default:
		if selfClosing {
			p.note(i+1, "jsx:"+name, CheckMDXComponent, "<%s /> is an MDX component: not rendered", name)
		} else {
			p.note(i+1, "jsx:"+name, CheckMDXComponent, "<%s> is an MDX component: rendered its content only", name)
		}
	}
	if repl != "" {
		repl = indent + repl
	}
	p.emit(repl + eol)
	for j := i + 1; j <= end; j++ {
		_, e := cutEOL(lines[j])
		p.emit(e)
	}
	return end
}

// shortcodes rewrites the Hugo shortcodes of a line; ok is false when it
// has none.
func (p *preparer) shortcodes(text string, line int) (string, bool) {
	trimmed := strings.TrimSpace(text)
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	// A block shortcode alone on its line.
	if m := shortcodeRE.FindStringSubmatch(trimmed); m != nil && len(m[0]) == len(trimmed) {
		name, closing, args := strings.ToLower(m[3]), m[2] == "/", shortcodeArgs(m[4])
		switch name {
		case "hint", "notice", "details", "expand", "tab", "tabs", "columns":
			if closing {
				if name == "tabs" || name == "columns" {
					return "", true
				}
				return indent + p.close("hugo:"+name), true
			}
			switch name {
			case "tabs", "columns":
				return "", true
			case "tab":
				return indent + p.open("hugo:tab") + "tab " + cmpOr(at(args, 0), "Tab"), true
			case "details", "expand":
				return indent + p.open("hugo:"+name) + "details " + cmpOr(at(args, 0), "Details"), true
			default:
				typ := "note"
				if a := at(args, 0); a != "" && isTypeName([]byte(a)) {
					typ = calloutName(a)
				}
				title := ""
				if name == "notice" && len(args) > 1 {
					title = " " + args[1]
				}
				return indent + p.open("hugo:"+name) + typ + title, true
			}
		}
	}
	changed := false
	out := mapOutsideCode(text, func(s string) string {
		if c := commentRE.ReplaceAllString(s, ""); c != s {
			changed = true
			s = c
		}
		return shortcodeRE.ReplaceAllStringFunc(s, func(sc string) string {
			m := shortcodeRE.FindStringSubmatch(sc)
			changed = true
			name := strings.ToLower(m[3])
			switch name {
			case "ref", "relref":
				return at(shortcodeArgs(m[4]), 0)
			}
			if m[2] == "" {
				p.note(line, "shortcode:"+name, CheckShortcode, "Hugo shortcode %q is not supported: removed", name)
			}
			return ""
		})
	})
	return out, changed
}

// shortcodeArgs splits a shortcode's arguments: quoted strings are one
// argument; name="value" pairs give their value.
func shortcodeArgs(s string) []string {
	var out []string
	for _, m := range argRE.FindAllStringSubmatch(strings.TrimSpace(s), -1) {
		v := m[1] + m[2] + m[3]
		if m[3] != "" {
			if k, val, ok := strings.Cut(m[3], "="); ok && k != "" {
				v = strings.Trim(val, `"`)
			}
		}
		out = append(out, v)
	}
	return out
}

// mapOutsideCode applies fn to the parts of a line outside inline code
// spans.
func mapOutsideCode(line string, fn func(string) string) string {
	var b strings.Builder
	for line != "" {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(fn(line))
			break
		}
		b.WriteString(fn(line[:i]))
		n := 1
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		ticks := line[i : i+n]
		rest := line[i+n:]
		j := strings.Index(rest, ticks)
		if j < 0 {
			b.WriteString(line[i:])
			break
		}
		b.WriteString(ticks + rest[:j+n])
		line = rest[j+n:]
	}
	return b.String()
}

// attributes reads a JSX tag's string attributes.
func attributes(s string) map[string]string {
	a := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		a[m[1]] = m[2] + m[3] + m[4]
	}
	return a
}

// calloutName makes a callout type name safe as a CSS class.
func calloutName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !isTypeName([]byte(s)) {
		return "note"
	}
	return s
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return ""
}

func cmpOr(s ...string) string {
	if i := slices.IndexFunc(s, func(v string) bool { return v != "" }); i >= 0 {
		return s[i]
	}
	return ""
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// splitLines splits b into lines that keep their line endings.
func splitLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b))
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}

// cutEOL splits a line from its line ending.
func cutEOL(s string) (text, eol string) {
	if strings.HasSuffix(s, "\r\n") {
		return s[:len(s)-2], "\r\n"
	}
	if strings.HasSuffix(s, "\n") {
		return s[:len(s)-1], "\n"
	}
	return s, ""
}

func indentOf(s string) int {
	if strings.TrimSpace(s) == "" {
		return 1 << 30 // blank lines end nothing
	}
	n := 0
	for _, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

// openingFence returns the fence of a code block's opening line, or "".
func openingFence(trimmed string) string {
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(trimmed) && trimmed[n] == c {
			n++
		}
		if n >= 3 && (c == '~' || !strings.Contains(trimmed[n:], "`")) {
			return trimmed[:n]
		}
	}
	return ""
}

func isClosingFence(trimmed, fence string) bool {
	if !strings.HasPrefix(trimmed, fence) {
		return false
	}
	return strings.Trim(trimmed, fence[:1]) == ""
}
