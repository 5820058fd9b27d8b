// Package rules reads Prometheus rule files: plain rule files ("groups:")
// and Kubernetes PrometheusRule objects ("spec.groups"), several YAML
// documents to a file. Its input is the bytes of each file; its output is
// the alerting rules, each with the file and line it stands on, and
// findings for files that cannot be read. Recording rules are skipped.
package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/yamlline"
	"go.yaml.in/yaml/v3"
)

// File is a rule file to read: Path names it in findings.
type File struct {
	Path string
	Data []byte
}

// Rule is one alerting rule.
type Rule struct {
	Alert       string
	Expr        string
	For         string
	Labels      map[string]string
	Annotations map[string]string
	Group       string
	File        string
	Line        int // the line of "alert:"
	// RunbookLine is the line of the runbook_url annotation, or Line.
	RunbookLine int
	// LabelLines holds the line of each label, for findings about one.
	LabelLines map[string]int
}

// RunbookURL returns the rule's runbook_url annotation.
func (r *Rule) RunbookURL() string { return strings.TrimSpace(r.Annotations["runbook_url"]) }

// LabelKey is the rule's labels in a stable form, to tell rules of one
// name apart.
func (r *Rule) LabelKey() string {
	keys := make([]string, 0, len(r.Labels))
	for k := range r.Labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b []byte
	for _, k := range keys {
		// As fmt's "%s=%q,": %q of a string is strconv.Quote.
		b = append(b, k...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, r.Labels[k])
		b = append(b, ',')
	}
	return string(b)
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// Parse reads the alerting rules of every file, in file order.
func Parse(files []File) ([]*Rule, []diag.Finding) {
	var out []*Rule
	var finds diag.List
	for _, f := range files {
		rs, err := parseFile(f)
		out = append(out, rs...)
		if err != nil {
			line, msg := 0, err.Error()
			if m := lineRE.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = strings.Replace(msg, m[0], "", 1)
			}
			finds.Errorf("rule/invalid", f.Path, line, "%s", strings.TrimPrefix(msg, "yaml: "))
		}
	}
	return out, finds
}

// MaxAliasExpansion is how many YAML nodes a rule file may reach through
// aliases, on top of the nodes it spells out: rules that share labels
// or annotations through anchors stay far below it, while an alias bomb
// (aliases of lists of aliases, each level multiplying the one below)
// would make millions of rules from a few kilobytes. A file past it is
// refused with a rule/invalid finding.
const MaxAliasExpansion = 100_000

// errAliasBomb is the error of a file past MaxAliasExpansion.
var errAliasBomb = fmt.Errorf("aliases expand to more than %d YAML nodes (an alias bomb?); write the rules out or share less", MaxAliasExpansion)

// reader walks a file's YAML nodes, following aliases and merge keys
// ("<<: *name") as YAML defines them, and counts the nodes it reaches
// through aliases against MaxAliasExpansion.
type reader struct {
	lines    yamlline.Map
	expanded int
	sizes    map[*yaml.Node]int
	err      error
}

// line is the file line of a node.
func (r *reader) line(n *yaml.Node) int { return r.lines.Line(n.Line) }

// deref follows an alias to the node it names and counts that node's
// size as expanded; nil when the budget is spent.
func (r *reader) deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		if r.err != nil {
			return nil
		}
		n = n.Alias
		r.expanded += r.size(n)
		if r.expanded > MaxAliasExpansion {
			r.err = errAliasBomb
			return nil
		}
	}
	return n
}

// size is the number of nodes under n, counting an alias as one.
func (r *reader) size(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if s, ok := r.sizes[n]; ok {
		return s
	}
	s := 1
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			s += r.size(c)
		}
	}
	if r.sizes == nil {
		r.sizes = map[*yaml.Node]int{}
	}
	r.sizes[n] = s
	return s
}

// pairs calls fn for each key and value of a mapping, the mapping's own
// keys first and then those merged in with "<<" that it does not set
// itself, as YAML 1.1's merge key defines.
func (r *reader) pairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	r.pairsSeen(n, map[string]bool{}, 0, fn)
}

func (r *reader) pairsSeen(n *yaml.Node, seen map[string]bool, depth int, fn func(k, v *yaml.Node)) {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 32 {
		return
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		fn(k, n.Content[i+1])
	}
	for _, m := range merges {
		m = r.deref(m)
		if m != nil && m.Kind == yaml.SequenceNode {
			for _, e := range m.Content {
				r.pairsSeen(e, seen, depth+1, fn)
			}
			continue
		}
		r.pairsSeen(m, seen, depth+1, fn)
	}
}

// key returns the key node and the value of a key of a mapping, or nils.
func (r *reader) key(n *yaml.Node, key string) (k, v *yaml.Node) {
	r.pairs(n, func(kn, vn *yaml.Node) {
		if k == nil && kn.Value == key {
			k, v = kn, vn
		}
	})
	return k, r.deref(v)
}

// get returns the value of a key of a mapping, or nil.
func (r *reader) get(n *yaml.Node, key string) *yaml.Node {
	_, v := r.key(n, key)
	return v
}

// items returns the entries of a list, aliases followed.
func (r *reader) items(n *yaml.Node) []*yaml.Node {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, e := range n.Content {
		if e = r.deref(e); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func (r *reader) scalar(n *yaml.Node) string {
	n = r.deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// stringMap reads a mapping of strings; lines, when not nil, gets the
// line of each key.
func (r *reader) stringMap(n *yaml.Node, lines map[string]int) map[string]string {
	m := map[string]string{}
	r.pairs(n, func(k, v *yaml.Node) {
		m[k.Value] = r.scalar(v)
		if lines != nil {
			lines[k.Value] = r.line(k)
		}
	})
	return m
}

// isEmpty reports whether a YAML document holds nothing: a "---" with
// nothing after it, or only comments, as Helm writes for a template that
// renders to nothing. kubectl, Helm and Prometheus skip such documents.
func isEmpty(doc *yaml.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	root := doc.Content[0]
	return root.Kind == yaml.ScalarNode && root.Tag == "!!null" && (root.Value == "" || root.Value == "~" || root.Value == "null")
}

func parseFile(f File) ([]*Rule, error) {
	// A rule file may be UTF-16 (the parser reads it after a byte-order
	// mark); lines are counted in the file's characters either way.
	data := yamlline.ToUTF8(f.Data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*Rule
	r := &reader{lines: yamlline.New(data)}
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
				n, _ := strconv.Atoi(m[1])
				return out, fmt.Errorf("line %d: %s", r.lines.Line(n), strings.Replace(err.Error(), m[0], "", 1))
			}
			return out, err
		}
		if isEmpty(&doc) {
			continue
		}
		rs, err := r.document(f, doc.Content[0])
		out = append(out, rs...)
		if err == nil {
			err = r.err
		}
		if err != nil {
			return out, err
		}
	}
}

// document reads the rules of one YAML document of a file.
func (r *reader) document(f File, root *yaml.Node) ([]*Rule, error) {
	line := r.line(root)
	if root = r.deref(root); root == nil {
		return nil, r.err
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: want a rule file (groups:) or a PrometheusRule (spec.groups)", line)
	}
	groups := r.get(root, "groups")
	if groups == nil {
		if spec := r.get(root, "spec"); spec != nil {
			groups = r.get(spec, "groups")
		}
	}
	if groups == nil {
		if r.get(root, "kind") != nil {
			return nil, nil // another Kubernetes object in the same file
		}
		return nil, fmt.Errorf("line %d: no groups: this is neither a rule file nor a PrometheusRule", r.line(root))
	}
	if groups.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("line %d: groups must be a list", r.line(groups))
	}
	var out []*Rule
	for _, g := range r.items(groups) {
		name := r.scalar(r.get(g, "name"))
		rules := r.get(g, "rules")
		if rules == nil {
			continue
		}
		if rules.Kind != yaml.SequenceNode {
			return out, fmt.Errorf("line %d: rules must be a list", r.line(rules))
		}
		for _, rn := range r.items(rules) {
			alertKey, alert := r.key(rn, "alert")
			if alert == nil {
				continue // a recording rule
			}
			rule := &Rule{
				Alert:       r.scalar(alert),
				Expr:        strings.TrimSpace(r.scalar(r.get(rn, "expr"))),
				For:         r.scalar(r.get(rn, "for")),
				Annotations: map[string]string{},
				Group:       name,
				File:        f.Path,
				Line:        r.line(alertKey),
				LabelLines:  map[string]int{},
			}
			rule.Labels = r.stringMap(r.get(rn, "labels"), rule.LabelLines)
			rule.RunbookLine = rule.Line
			ann := r.get(rn, "annotations")
			rule.Annotations = r.stringMap(ann, nil)
			if u, _ := r.key(ann, "runbook_url"); u != nil {
				rule.RunbookLine = r.line(u)
			}
			if r.err != nil {
				return out, r.err
			}
			out = append(out, rule)
		}
	}
	return out, r.err
}
