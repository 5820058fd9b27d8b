package load

import (
	"path"

	"go.yaml.in/yaml/v3"
)

// MkDocsTitles reads the page titles of an mkdocs.yml navigation, by the
// docs-relative path of each page, for sites that keep titles only there.
// It returns nil for a file it cannot read.
func MkDocsTitles(src []byte) map[string]string {
	var doc struct {
		Nav yaml.Node `yaml:"nav"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil
	}
	titles := map[string]string{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				title, v := n.Content[i].Value, n.Content[i+1]
				if v.Kind == yaml.ScalarNode {
					if IsMarkdown(v.Value) {
						titles[v.Value] = title
					}
					continue
				}
				walk(v)
			}
		}
	}
	walk(&doc.Nav)
	return titles
}

// MkDocsOrder reads the order of the pages of an mkdocs.yml navigation:
// each page's place, from 1, by docs-relative path. It returns nil for a
// file it cannot read or one without nav.
func MkDocsOrder(src []byte) map[string]int {
	var doc struct {
		Nav yaml.Node `yaml:"nav"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil
	}
	order := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1])
			}
		case yaml.ScalarNode:
			if IsMarkdown(n.Value) {
				if _, dup := order[n.Value]; !dup {
					order[n.Value] = len(order) + 1
				}
			}
		}
	}
	walk(&doc.Nav)
	if len(order) == 0 {
		return nil
	}
	return order
}

// MkDocsSections reads the section titles of an mkdocs.yml navigation, by
// the folder that holds the pages of each section ("oncall" for a section
// "On-Call" of oncall/*.md pages). A section whose pages are in several
// folders, or at the docs root, names none.
func MkDocsSections(src []byte) map[string]string {
	var doc struct {
		Nav yaml.Node `yaml:"nav"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil
	}
	out := map[string]string{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				title, v := n.Content[i].Value, n.Content[i+1]
				if v.Kind != yaml.SequenceNode {
					continue
				}
				folder, ok := "", true
				for _, c := range v.Content {
					var page string
					switch {
					case c.Kind == yaml.ScalarNode:
						page = c.Value
					case c.Kind == yaml.MappingNode && len(c.Content) == 2 && c.Content[1].Kind == yaml.ScalarNode:
						page = c.Content[1].Value
					default:
						continue
					}
					if !IsMarkdown(page) {
						continue
					}
					dir := path.Dir(page)
					if folder == "" {
						folder = dir
					} else if dir != folder {
						ok = false
					}
				}
				if ok && folder != "" && folder != "." {
					if _, dup := out[folder]; !dup {
						out[folder] = title
					}
				}
				walk(v)
			}
		}
	}
	walk(&doc.Nav)
	return out
}
