package resolve

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/site"
)

// OutsidePrefix is the site path under which files of the site folder
// that lie outside the content folder are published when a page links to
// them by a relative path ("../assets/diagrams/flow.png" from docs/page.md
// is /_files/assets/diagrams/flow.png): Docusaurus bundles such files
// (docusaurus.io/docs/markdown-features/assets), and GitHub shows them, so
// the link works in both. The path under the prefix is the file's path in
// the site folder, so it stays the same from build to build.
const OutsidePrefix = "_files/"

// outside maps a content path that leaves the content folder
// ("../assets/x.png", made by joining a page's folder and a relative
// link) to the file's output path under OutsidePrefix. It refuses paths
// that leave the site folder too, and paths through a dot file or
// folder (.git, .env), which are never published.
func outside(cfg *config.Config, resolved string) (string, bool) {
	if cfg.ContentDir == "" {
		return "", false
	}
	sp := path.Join(cfg.ContentDir, resolved)
	if sp == "." || sp == ".." || strings.HasPrefix(sp, "../") {
		return "", false
	}
	for _, seg := range strings.Split(sp, "/") {
		if strings.HasPrefix(seg, ".") || seg == "node_modules" {
			return "", false
		}
	}
	return OutsidePrefix + sp, true
}

// OutsideFiles returns the files outside the content folder that a parsed
// page links to by a relative path, as paths in the site folder
// ("assets/diagrams/flow.png"), sorted and without repeats: the engine
// publishes those that exist under OutsidePrefix. Links to pages (.md and
// the like) are not files and are left out.
func OutsideFiles(cfg *config.Config, p *site.Parsed) []string {
	if cfg.ContentDir == "" || p.Path == "" {
		return nil
	}
	// The page's folder's depth in the content folder.
	depth := 0
	if dir := path.Dir(p.Path); dir != "." {
		depth = strings.Count(dir, "/") + 1
	}
	var out []string
	for _, l := range p.Outline.Links {
		dest := strings.TrimSpace(l.Dest)
		if dest == "" || strings.HasPrefix(dest, "/") {
			continue
		}
		// Only more ".." than the page's folder is deep lead out of the
		// content folder, written so or escaped ("%2e%2e"): most links
		// are let go without a parse.
		if strings.Count(dest, "..") <= depth && !strings.Contains(dest, "%") {
			continue
		}
		u, err := url.Parse(dest)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
			continue
		}
		resolved := path.Join(path.Dir(p.Path), u.Path)
		if !strings.HasPrefix(resolved, "../") || !isFile(resolved) {
			continue
		}
		if f, ok := outside(cfg, resolved); ok {
			f = strings.TrimPrefix(f, OutsidePrefix)
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return out
}
