package frontmatter

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/yamlline"
	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// Format is the language of a page's front matter.
type Format int

const (
	// YAML between "---" lines: playbook's own, and every tool's.
	YAML Format = iota
	// TOML between "+++" lines: Hugo's default.
	TOML
	// JSON: a JSON object at the very start of the file, as Hugo reads it.
	JSON
)

// SplitAny separates front matter in any of the formats Hugo reads from the
// body: YAML between "---" lines (see Split), TOML between "+++" lines, or
// a JSON object that opens on the first line with "{" and closes on a line
// that is "}". It returns the front matter, its format, the body, the line
// on which the body starts, and ok false when an opening fence has no
// closing one (then the whole file is body).
func SplitAny(src []byte) (fm []byte, format Format, body []byte, bodyLine int, ok bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, _, _ := cutLine(src)
	switch t := strings.TrimRight(string(first), " \t"); {
	case t == "+++":
		fm, body, bodyLine, ok = splitFenced(src, "+++")
		return fm, TOML, body, bodyLine, ok
	case t == "{":
		fm, body, bodyLine, ok = splitFenced(src, "}")
		if ok {
			fm = append(append([]byte("{\n"), fm...), '}')
		}
		return fm, JSON, body, bodyLine, ok
	}
	fm, body, bodyLine, ok = Split(src)
	return fm, YAML, body, bodyLine, ok
}

// splitFenced splits front matter that opens with the file's first line
// and closes at the first later line equal to closing.
func splitFenced(src []byte, closing string) (fm, body []byte, bodyLine int, ok bool) {
	_, rest, found := cutLine(src)
	if !found {
		return nil, src, 1, false
	}
	start := len(src) - len(rest)
	line := 2
	for pos := start; pos < len(src); line++ {
		l, _, _ := cutLine(src[pos:])
		next := len(src)
		if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 {
			next = pos + i + 1
		}
		if strings.TrimRight(string(l), " \t") == closing {
			return src[start:pos], src[next:], line + 1, true
		}
		pos = next
	}
	return nil, src, 1, false
}

// DecodeAny decodes front matter of any Format into a Meta, as Decode does
// for YAML. JSON is read as the YAML it also is; TOML is read with
// go-toml, and each top-level key keeps the line it is on. firstLine is
// the file line of the front matter's first line: for JSON, the line of
// its opening "{".
func DecodeAny(path string, src []byte, format Format, firstLine int, opt Options) (*Meta, []diag.Finding) {
	switch format {
	case JSON:
		return Decode(path, src, firstLine, opt)
	case TOML:
		y, err := tomlToYAML(src)
		if err != nil {
			m := &Meta{Lines: map[string]int{}}
			return m, []diag.Finding{{Check: "frontmatter/invalid", Path: path, Line: firstLine + max(tomlErrorLine(err), 1) - 1,
				Message: fmt.Sprintf("front matter is not valid TOML: %s", tomlErrorText(err))}}
		}
		return decodeNode(path, y, firstLine, yamlline.Map{}, opt)
	}
	return Decode(path, src, firstLine, opt)
}

var tomlKeyRE = regexp.MustCompile(`^\s*(?:\[\[?\s*)?("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)`)

// tomlToYAML reads TOML into a YAML mapping node whose top-level keys are in
// file order and carry their line (1-based within src).
func tomlToYAML(src []byte) (*yaml.Node, error) {
	var data map[string]any
	if err := toml.Unmarshal(src, &data); err != nil {
		return nil, err
	}
	lines := map[string]int{}
	var order []string
	inTable := false
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		isTable := strings.HasPrefix(t, "[")
		if inTable && !isTable {
			continue // a key of a table, not a top-level key
		}
		m := tomlKeyRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if isTable {
			inTable = true
		}
		key := strings.Trim(m[1], `"'`)
		if _, ok := lines[key]; !ok {
			if _, known := data[key]; known {
				lines[key] = i + 1
				order = append(order, key)
			}
		}
	}
	for k := range data {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range order {
		var v yaml.Node
		if err := v.Encode(plain(data[k])); err != nil {
			return nil, err
		}
		line := lines[k]
		setLine(&v, line)
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: line}, &v)
	}
	return root, nil
}

// plain turns TOML's date and time values into their text, as YAML holds
// them.
func plain(v any) any {
	switch t := v.(type) {
	case toml.LocalDate, toml.LocalDateTime, toml.LocalTime:
		return fmt.Sprint(t)
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			out[k] = plain(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

func setLine(n *yaml.Node, line int) {
	n.Line = line
	for _, c := range n.Content {
		setLine(c, line)
	}
}

func tomlErrorLine(err error) int {
	var de *toml.DecodeError
	if ok := asDecodeError(err, &de); ok {
		row, _ := de.Position()
		return row
	}
	return 0
}

func tomlErrorText(err error) string {
	var de *toml.DecodeError
	if asDecodeError(err, &de) {
		return de.Error()
	}
	return err.Error()
}

func asDecodeError(err error, de **toml.DecodeError) bool {
	d, ok := err.(*toml.DecodeError)
	if ok {
		*de = d
	}
	return ok
}
