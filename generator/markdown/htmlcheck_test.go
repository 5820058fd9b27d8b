package markdown

import (
	"fmt"
	"html"
	"strings"
)

// The checks below read rendered HTML independently of the renderer: they
// share no code with safe.go, so that a fuzzer can play one against the
// other.

// safeTag reports whether the renderer and its extensions write an element
// in safe mode, and whether it has an end tag.
func safeTag(name string) (known, container bool) {
	switch name {
	case "p", "a", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
		"pre", "code", "span", "em", "strong", "del", "table", "thead", "tbody", "tr",
		"th", "td", "dl", "dt", "dd", "div", "details", "summary", "sup",
		"sub", "kbd", "small", "u", "mark", "abbr", "caption", "colgroup", "tfoot", "figure", "figcaption":
		return true, true
	case "img", "input", "hr", "br", "col":
		return true, false
	}
	return false, false
}

// safeOutputAttribute reports whether the renderer writes an attribute in safe
// mode.
func safeOutputAttribute(name string) bool {
	switch name {
	case "href", "src", "alt", "title", "id", "class", "role", "target", "rel", "width",
		"height", "start", "type", "checked", "disabled", "open", "align", "colspan", "rowspan", "span", "data-lang":
		return true
	}
	return false
}

// checkSafeHTML checks the output of safe mode: every tag is one the
// renderer writes, with attributes it writes, properly nested; no text
// holds '>' or '"' unescaped; and no href or src is a dangerous URL.
func checkSafeHTML(out string) error {
	var stack []string
	for i := 0; i < len(out); {
		switch out[i] {
		case '>', '"':
			return fmt.Errorf("unescaped %q in text at %d", out[i], i)
		case '<':
		default:
			i++
			continue
		}
		end := strings.IndexByte(out[i:], '>')
		if end < 0 {
			return fmt.Errorf("unterminated tag at %d", i)
		}
		tag := out[i+1 : i+end]
		i += end + 1
		if name, ok := strings.CutPrefix(tag, "/"); ok {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return fmt.Errorf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		name, attrs, _ := strings.Cut(strings.TrimSpace(strings.TrimSuffix(tag, "/")), " ")
		known, container := safeTag(name)
		if !known {
			return fmt.Errorf("element <%s> in safe mode", tag)
		}
		if container {
			stack = append(stack, name)
		}
		for attrs != "" {
			k := strings.IndexAny(attrs, "= ")
			if k < 0 {
				k = len(attrs)
			}
			an := attrs[:k]
			if !safeOutputAttribute(an) {
				return fmt.Errorf("attribute %q in <%s>", an, tag)
			}
			if k == len(attrs) || attrs[k] == ' ' {
				// A boolean attribute.
				attrs = attrs[min(k+1, len(attrs)):]
				continue
			}
			rest := attrs[k+1:]
			if !strings.HasPrefix(rest, `"`) {
				return fmt.Errorf("unquoted value in <%s>", tag)
			}
			v, after, ok := strings.Cut(rest[1:], `"`)
			if !ok || strings.ContainsAny(v, "<>") {
				return fmt.Errorf("bad value in <%s>", tag)
			}
			if (an == "href" || an == "src") && browserDangerous(v, an == "src") {
				return fmt.Errorf("dangerous %s in <%s>", an, tag)
			}
			if after != "" && after[0] != ' ' {
				return fmt.Errorf("no space after a value in <%s>", tag)
			}
			attrs = strings.TrimPrefix(after, " ")
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

// checkUnsafeHTML checks the output of unsafe mode, where raw HTML is the
// author's: no double-quoted value of a URL attribute (the only quotes that
// markdown text cannot produce) is a dangerous URL.
func checkUnsafeHTML(out string) error {
	for i := 0; i < len(out); i++ {
		if out[i] != '=' {
			continue
		}
		j := i + 1
		for j < len(out) && strings.IndexByte(" \t\n\r\f", out[j]) >= 0 {
			j++
		}
		if j >= len(out) || out[j] != '"' {
			continue
		}
		k := i
		for k > 0 && strings.IndexByte(" \t\n\r\f", out[k-1]) >= 0 {
			k--
		}
		n := k
		for n > 0 && strings.IndexByte(" \t\n\r\f\"'<>/=", out[n-1]) < 0 {
			n--
		}
		name := strings.ToLower(out[n:k])
		switch name {
		case "href", "src", "action", "formaction", "xlink:href":
		default:
			continue
		}
		v, _, _ := strings.Cut(out[j+1:], `"`)
		if browserDangerous(v, name == "src") {
			return fmt.Errorf("dangerous %s=%q at %d", name, v, i)
		}
	}
	return nil
}

// browserDangerous says what a browser would do with an attribute value:
// decode it, drop leading controls and spaces and all tabs and newlines,
// and look at the scheme.
func browserDangerous(v string, image bool) bool {
	u := html.UnescapeString(v)
	u = strings.TrimLeftFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u)
	u = strings.ToLower(u)
	switch {
	case strings.HasPrefix(u, "javascript:"), strings.HasPrefix(u, "vbscript:"):
		return true
	case strings.HasPrefix(u, "data:"):
		if image {
			for _, t := range []string{"png", "gif", "jpeg", "webp"} {
				if strings.HasPrefix(u, "data:image/"+t+";") || strings.HasPrefix(u, "data:image/"+t+",") {
					return false
				}
			}
		}
		return true
	}
	return false
}
