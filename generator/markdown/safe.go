package markdown

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// urlPolicy is the goldmark extension that decides what HTML links,
// images and raw HTML may produce. It replaces goldmark's renderers for
// those nodes:
//
//   - a link, image or autolink whose URL is dangerous (see dangerousURL)
//     renders as its text only, in safe and unsafe mode alike;
//   - link attributes are limited to safeAttribute's;
//   - raw HTML, inline or block, is escaped so that the reader sees it as
//     written, except comments, which are dropped;
//   - with unsafe set, raw HTML is written as it is, but any attribute
//     value in it that is a dangerous URL becomes "#".
type urlPolicy struct {
	unsafe bool
	policy *bluemonday.Policy
}

// Extend implements goldmark.Extender.
func (e urlPolicy) Extend(m goldmark.Markdown) {
	if !e.unsafe {
		m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(htmlBalancer{policy: e.policy}, 900)))
	}
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&policyRenderer{Config: html.NewConfig(), unsafe: e.unsafe, policy: e.policy}, 100),
	))
}

type policyRenderer struct {
	html.Config
	unsafe bool
	policy *bluemonday.Policy
}

// SetOption implements renderer.SetOptioner, so that the renderer shares
// goldmark's text writer and XHTML setting.
func (r *policyRenderer) SetOption(name renderer.OptionName, value any) {
	r.Config.SetOption(name, value)
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *policyRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, r.renderLink)
	reg.Register(ast.KindImage, r.renderImage)
	reg.Register(ast.KindAutoLink, r.renderAutoLink)
	reg.Register(ast.KindRawHTML, r.renderRawHTML)
	reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
}

func (r *policyRenderer) renderLink(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	dest := util.URLEscape(destination(w, n, n.Destination), true)
	if dangerousURL(dest, false) {
		// The text of the link, without the link.
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		r.Writer.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	r.writeAttributes(w, n, false)
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}

func (r *policyRenderer) renderImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	dest := util.URLEscape(destination(w, n, n.Destination), true)
	if dangerousURL(dest, true) {
		// The alternative text, as text.
		r.writeTexts(w, src, n)
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<img src="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`" alt="`)
	r.writeTexts(w, src, n)
	_ = w.WriteByte('"')
	if n.Title != nil {
		_, _ = w.WriteString(` title="`)
		r.Writer.Write(w, n.Title)
		_ = w.WriteByte('"')
	}
	r.writeAttributes(w, n, true)
	if r.XHTML {
		_, _ = w.WriteString(" />")
	} else {
		_ = w.WriteByte('>')
	}
	return ast.WalkSkipChildren, nil
}

func (r *policyRenderer) renderAutoLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.AutoLink)
	href := util.URLEscape(n.URL(src), false)
	if n.AutoLinkType == ast.AutoLinkEmail && !hasPrefixFold(href, "mailto:") {
		href = append([]byte("mailto:"), href...)
	}
	label := util.EscapeHTML(n.Label(src))
	if dangerousURL(href, false) {
		_, _ = w.Write(label)
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(href))
	_ = w.WriteByte('"')
	r.writeAttributes(w, n, false)
	_ = w.WriteByte('>')
	_, _ = w.Write(label)
	_, _ = w.WriteString("</a>")
	return ast.WalkContinue, nil
}

func (r *policyRenderer) renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var raw []byte
	if n.Segments.Len() == 1 {
		s := n.Segments.At(0)
		raw = s.Value(src)
	} else {
		for i := 0; i < n.Segments.Len(); i++ {
			s := n.Segments.At(i)
			raw = append(raw, s.Value(src)...)
		}
	}
	switch {
	case r.unsafe:
		writeRaw(w, neutralizeURLs(raw))
	case !isComment(raw):
		if res := resultOf(n); res != nil {
			_, _ = w.Write(res.out)
		} else {
			writeEscaped(w, raw)
		}
	}
	return ast.WalkSkipChildren, nil
}

func (r *policyRenderer) renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var raw []byte
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		raw = append(raw, s.Value(src)...)
	}
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(src)...)
	}
	switch {
	case r.unsafe:
		writeRaw(w, neutralizeURLs(raw))
	case !isComment(raw):
		res := resultOf(n)
		switch {
		case res == nil:
			_, _ = w.WriteString("<p>")
			writeEscaped(w, bytes.TrimRight(raw, " \t\r\n"))
			_, _ = w.WriteString("</p>\n")
		case res.allowed || len(res.jsx) > 0 && len(res.escaped) == 0:
			if !isBlankHTML(res.out) {
				_, _ = w.Write(res.out)
				_ = w.WriteByte('\n')
			}
		default:
			_, _ = w.WriteString("<p>")
			_, _ = w.Write(res.out)
			_, _ = w.WriteString("</p>\n")
		}
	}
	return ast.WalkSkipChildren, nil
}

// writeAttributes writes the safe attributes of a link or image.
func (r *policyRenderer) writeAttributes(w util.BufWriter, n ast.Node, image bool) {
	for _, a := range n.Attributes() {
		if !safeAttribute(a.Name, image) {
			continue
		}
		var v []byte
		switch t := a.Value.(type) {
		case []byte:
			v = t
		case string:
			v = []byte(t)
		default:
			continue
		}
		_ = w.WriteByte(' ')
		_, _ = w.Write(a.Name)
		_, _ = w.WriteString(`="`)
		r.Writer.Write(w, v)
		_ = w.WriteByte('"')
	}
}

// writeTexts writes the text inside n, escaped: the alternative text of an
// image.
func (r *policyRenderer) writeTexts(w util.BufWriter, src []byte, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			s := t.Segment
			if t.IsRaw() {
				r.Writer.RawWrite(w, s.Value(src))
			} else {
				r.Writer.Write(w, s.Value(src))
			}
			if t.SoftLineBreak() || t.HardLineBreak() {
				_ = w.WriteByte('\n')
			}
		case *ast.String:
			if t.IsRaw() || t.IsCode() {
				r.Writer.RawWrite(w, t.Value)
			} else {
				r.Writer.Write(w, t.Value)
			}
		default:
			r.writeTexts(w, src, c)
		}
	}
}

// isComment reports whether raw HTML is one HTML comment and nothing else.
func isComment(raw []byte) bool {
	t := bytes.TrimSpace(raw)
	if !bytes.HasPrefix(t, []byte("<!--")) {
		return false
	}
	rest := t[4:]
	if string(rest) == ">" || string(rest) == "->" {
		return true
	}
	i := bytes.Index(rest, []byte("-->"))
	return i >= 0 && i+3 == len(rest)
}

// writeEscaped writes b as HTML text: &, <, > and " escaped, NUL replaced.
func writeEscaped(w util.BufWriter, b []byte) {
	start := 0
	for i, c := range b {
		var rep string
		switch c {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&quot;"
		case 0:
			rep = "\ufffd"
		default:
			continue
		}
		_, _ = w.Write(b[start:i])
		_, _ = w.WriteString(rep)
		start = i + 1
	}
	_, _ = w.Write(b[start:])
}

// writeRaw writes raw HTML as it is, with NUL replaced.
func writeRaw(w util.BufWriter, b []byte) {
	for {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			_, _ = w.Write(b)
			return
		}
		_, _ = w.Write(b[:i])
		_, _ = w.WriteString("\ufffd")
		b = b[i+1:]
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// dangerousURL reports whether a URL, as a browser reads it from an
// attribute value, runs script or opens a document made by the page:
// javascript:, vbscript:, and data: except, for images, PNG, GIF, JPEG and
// WebP data. The check decodes character references and ignores what the
// URL parser ignores (leading control characters and spaces; tabs and
// newlines anywhere), so "  jav&#x61;scr\tipt:" is caught too.
func dangerousURL(u []byte, image bool) bool {
	var buf [32]byte
	p := urlPrefix(buf[:0], u)
	colon := bytes.IndexByte(p, ':')
	if colon <= 0 || !isASCIILetter(p[0]) {
		return false
	}
	for _, c := range p[1:colon] {
		if !isASCIILetter(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	switch string(p[:colon]) {
	case "javascript", "vbscript":
		return true
	case "data":
		if !image {
			return true
		}
		rest := p[colon+1:]
		for _, t := range [...]string{"image/png", "image/gif", "image/jpeg", "image/webp"} {
			if bytes.HasPrefix(rest, []byte(t)) && len(rest) > len(t) && (rest[len(t)] == ';' || rest[len(t)] == ',') {
				return false
			}
		}
		return true
	}
	return false
}

// urlPrefix appends to dst, up to its capacity, the start of u as the URL
// parser sees it: references decoded, leading C0 controls and spaces
// dropped, tabs and newlines dropped, ASCII lowercased. A non-ASCII
// character is appended as 0x80, which no scheme contains.
func urlPrefix(dst, u []byte) []byte {
	for i := 0; i < len(u) && len(dst) < cap(dst); {
		r, n := decodeRef(u[i:])
		i += n
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r <= ' ' && len(dst) == 0:
		case r >= 0x80:
			dst = append(dst, 0x80)
		case 'A' <= r && r <= 'Z':
			dst = append(dst, byte(r)+'a'-'A')
		default:
			dst = append(dst, byte(r))
		}
	}
	return dst
}

// decodeRef decodes the character at the start of b, which may be a
// character reference as HTML reads one in an attribute value: numeric
// with or without ';', named with ';'. It returns the character and the
// number of bytes it took; bytes of a multi-byte UTF-8 character come out
// one at a time as 0x80.
func decodeRef(b []byte) (rune, int) {
	if b[0] != '&' || len(b) < 3 {
		if b[0] >= 0x80 {
			return 0x80, 1
		}
		return rune(b[0]), 1
	}
	if b[1] == '#' {
		i, base := 2, 10
		if b[2] == 'x' || b[2] == 'X' {
			i, base = 3, 16
		}
		j := i
		for j < len(b) && isDigitIn(b[j], base) {
			j++
		}
		if j == i {
			return '&', 1
		}
		k := i
		for k < j-1 && b[k] == '0' {
			k++
		}
		v, err := strconv.ParseUint(string(b[k:min(j, k+8)]), base, 32)
		r := rune(v)
		if err != nil || j-k > 8 || r == 0 || r > 0x10FFFF || (0xD800 <= r && r <= 0xDFFF) {
			r = 0xFFFD
		} else if 0x80 <= r && r <= 0x9F {
			r = 0x80 // windows-1252 remapping: never ASCII
		}
		if j < len(b) && b[j] == ';' {
			j++
		}
		return r, j
	}
	j := 1
	for j < len(b) && j < 40 && (isASCIILetter(b[j]) || ('0' <= b[j] && b[j] <= '9')) {
		j++
	}
	if j > 1 && j < len(b) && b[j] == ';' {
		if e, ok := util.LookUpHTML5EntityByName(string(b[1:j])); ok {
			if r := []rune(string(e.Characters)); len(r) > 0 {
				return r[0], j + 1
			}
		}
	}
	return '&', 1
}

func isDigitIn(c byte, base int) bool {
	if '0' <= c && c <= '9' {
		return true
	}
	return base == 16 && (('a' <= c && c <= 'f') || ('A' <= c && c <= 'F'))
}

// neutralizeURLs returns raw HTML with the value of every URL attribute
// (see urlAttribute) that is a dangerous URL replaced by "#". It does not
// parse HTML: it reads every "name=" as an attribute, as the browser's
// tokenizer does inside a tag, so that no tag, comment or script-data state
// can hide a value from it; text that merely looks like
// "href=javascript:..." is changed too. A value counts as an image's when
// its attribute is src, srcset or poster.
func neutralizeURLs(b []byte) []byte {
	var out []byte // nil until something changes
	done := 0      // b[:done] is in out
	// The end of the last value scanned for each way of quoting (none, ",
	// '): a value that starts inside it ends at the same place, which
	// keeps the scan linear on runs like "href=href=href=...".
	var lastEnd [3]int
	for i := 0; i < len(b); i++ {
		if b[i] != '=' {
			continue
		}
		name := attributeNameBefore(b, i)
		if !urlAttribute(name) {
			continue
		}
		start := i + 1
		for start < len(b) && isHTMLSpace(b[start]) {
			start++
		}
		if start >= len(b) || b[start] == '>' {
			continue
		}
		quoting := strings.IndexByte(`"'`, b[start]) + 1
		if quoting > 0 {
			start++
		}
		end := start
		if start < lastEnd[quoting] {
			end = lastEnd[quoting]
		} else {
			for end < len(b) && !endsValue(b[end], quoting) {
				end++
			}
			lastEnd[quoting] = end
		}
		if !dangerousURL(b[start:end], name == "src" || name == "srcset" || name == "poster") {
			continue
		}
		// Replace the value up to where it ends, or up to the first
		// character that cannot be in a scheme and might be markup, so
		// that text that only looked like an attribute keeps its tags.
		cut := start
		for cut < end && !stopsReplacement(b[cut], quoting) {
			cut++
		}
		out = append(out, b[done:start]...)
		out = append(out, '#')
		done = cut
		i = cut - 1
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// endsValue reports whether c ends an attribute value: an unquoted one
// (quoting 0) at whitespace or '>', a double-quoted one (1) at a double
// quote, a single-quoted one (2) at an apostrophe.
func endsValue(c byte, quoting int) bool {
	switch quoting {
	case 1:
		return c == '"'
	case 2:
		return c == '\''
	}
	return isHTMLSpace(c) || c == '>'
}

func stopsReplacement(c byte, quoting int) bool {
	if c == '<' || c == '>' {
		return true
	}
	return quoting == 0 && (c == '"' || c == '\'' || c == '`')
}

// attributeNameBefore returns the lowercased attribute name before the '='
// at b[eq].
func attributeNameBefore(b []byte, eq int) string {
	end := eq
	for end > 0 && isHTMLSpace(b[end-1]) {
		end--
	}
	start := end
	for start > 0 && end-start <= 32 && isAttributeNameByte(b[start-1]) {
		start--
	}
	if end-start > 32 {
		return ""
	}
	return lowerASCII(b[start:end])
}

// urlAttribute reports whether an attribute, lowercased, takes a URL that
// a browser may navigate to, load or run: HTML's href, src, action and the
// like, SVG's xlink:href and the values of animations (to, from, by,
// values), and the url= inside a meta refresh.
func urlAttribute(name string) bool {
	switch name {
	case "href", "src", "srcset", "action", "formaction", "data", "codebase",
		"classid", "code", "archive", "poster", "background", "cite",
		"longdesc", "usemap", "profile", "dynsrc", "lowsrc", "icon",
		"manifest", "ping", "to", "from", "by", "values", "url", "xml:base":
		return true
	}
	return strings.HasSuffix(name, ":href")
}

// isAttributeNameByte reports whether c can be part of an attribute name.
// ';' and ',' can, but end the name here, so that the "url" of a meta
// refresh ("0;url=...") is read as a name.
func isAttributeNameByte(c byte) bool {
	switch c {
	case '"', '\'', '<', '>', '/', '=', ';', ',':
		return false
	}
	return !isHTMLSpace(c)
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}
