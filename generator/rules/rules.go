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
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q,", k, r.Labels[k])
	}
	return b.String()
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

func parseFile(f File) ([]*Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	var out []*Rule
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return out, fmt.Errorf("line %d: want a rule file (groups:) or a PrometheusRule (spec.groups)", root.Line)
		}
		groups := get(root, "groups")
		if groups == nil {
			if spec := get(root, "spec"); spec != nil {
				groups = get(spec, "groups")
			}
		}
		if groups == nil {
			if get(root, "kind") != nil {
				continue // another Kubernetes object in the same file
			}
			return out, fmt.Errorf("line %d: no groups: this is neither a rule file nor a PrometheusRule", root.Line)
		}
		if groups.Kind != yaml.SequenceNode {
			return out, fmt.Errorf("line %d: groups must be a list", groups.Line)
		}
		for _, g := range groups.Content {
			name := scalar(get(g, "name"))
			rules := get(g, "rules")
			if rules == nil {
				continue
			}
			if rules.Kind != yaml.SequenceNode {
				return out, fmt.Errorf("line %d: rules must be a list", rules.Line)
			}
			for _, r := range rules.Content {
				alert := get(r, "alert")
				if alert == nil {
					continue // a recording rule
				}
				rule := &Rule{
					Alert:       scalar(alert),
					Expr:        strings.TrimSpace(scalar(get(r, "expr"))),
					For:         scalar(get(r, "for")),
					Labels:      stringMap(get(r, "labels")),
					Annotations: stringMap(get(r, "annotations")),
					Group:       name,
					File:        f.Path,
					Line:        alert.Line,
					LabelLines:  map[string]int{},
				}
				rule.RunbookLine = rule.Line
				if ann := get(r, "annotations"); ann != nil {
					if u := keyNode(ann, "runbook_url"); u != nil {
						rule.RunbookLine = u.Line
					}
				}
				if labels := get(r, "labels"); labels != nil && labels.Kind == yaml.MappingNode {
					for i := 0; i+1 < len(labels.Content); i += 2 {
						rule.LabelLines[labels.Content[i].Value] = labels.Content[i].Line
					}
				}
				out = append(out, rule)
			}
		}
	}
}

// get returns the value of a key of a mapping, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// keyNode returns the key node itself, for its line.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func stringMap(n *yaml.Node) map[string]string {
	m := map[string]string{}
	if n == nil || n.Kind != yaml.MappingNode {
		return m
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = scalar(n.Content[i+1])
	}
	return m
}
