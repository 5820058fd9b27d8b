package load

import (
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
