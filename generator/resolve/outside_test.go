package resolve

import (
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/markdown"
	"github.com/opsplaybook/playbook/generator/site"
)

// The files a page links to outside the content folder, written plainly
// or escaped; links that stay inside it, pages and links out of the site
// folder are not.
func TestOutsideFiles(t *testing.T) {
	cfg := &config.Config{ContentDir: "docs"}
	p := &site.Parsed{Path: "guides/deploy.md"}
	for _, dest := range []string{
		"../../assets/flow.png",
		"%2e%2e/%2E%2E/assets/escaped.svg",
		"../../assets/flow.png#top",
		"../other.md",
		"../../content-sibling/../assets/deep.png",
		"../guides/../../assets/back.png",
		"images/inside.png",
		"../images/inside.png",
		"../../../leaves-the-site.png",
		"../../.git/config",
		"https://example.com/x.png",
		"",
	} {
		p.Outline.Links = append(p.Outline.Links, markdown.Link{Dest: dest})
	}
	got := OutsideFiles(cfg, p)
	want := []string{"assets/back.png", "assets/deep.png", "assets/escaped.svg", "assets/flow.png"}
	if !slices.Equal(got, want) {
		t.Errorf("OutsideFiles = %q, want %q", got, want)
	}
}

// A page at the top of the content folder leaves it with one "..".
func TestOutsideFilesOfATopPage(t *testing.T) {
	cfg := &config.Config{ContentDir: "docs"}
	p := &site.Parsed{Path: "index.md"}
	for _, dest := range []string{"../assets/top.png", "guides/x.png", "..%2fassets/escaped.png"} {
		p.Outline.Links = append(p.Outline.Links, markdown.Link{Dest: dest})
	}
	if got, want := OutsideFiles(cfg, p), []string{"assets/escaped.png", "assets/top.png"}; !slices.Equal(got, want) {
		t.Errorf("OutsideFiles = %q, want %q", got, want)
	}
}
