package project

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/load"
	"go.yaml.in/yaml/v3"
)

var routeBaseRE = regexp.MustCompile(`routeBasePath:\s*['"]([^'"]*)['"]`)

// detect finds which tool a content folder was written for, from the
// tool's files beside it: docusaurus.config.js (or sidebars.js),
// mkdocs.yml, Middleman's config.rb or source/ folder, a Hugo config. It
// also reads the site path the tool served the content under, Docusaurus'
// _category_ files and the order of mkdocs.yml's nav.
func detect(siteDir, contentDir string) config.Detected {
	var d config.Detected
	parent := filepath.Dir(contentDir)
	exists := func(dir string, names ...string) string {
		for _, n := range names {
			if st, err := os.Stat(filepath.Join(dir, n)); err == nil && !st.IsDir() {
				return filepath.Join(dir, n)
			}
		}
		return ""
	}
	dirs := []string{parent, siteDir, contentDir}
	for _, dir := range dirs {
		if f := exists(dir, "docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs"); f != "" {
			d.Source, d.ContentURL = "docusaurus", "/docs/"
			if data, err := os.ReadFile(f); err == nil {
				if m := routeBaseRE.FindSubmatch(data); m != nil {
					d.ContentURL = "/" + strings.Trim(string(m[1]), "/") + "/"
					if d.ContentURL == "//" {
						d.ContentURL = "/"
					}
				}
			}
			break
		}
		if exists(dir, "sidebars.js", "sidebars.ts") != "" {
			d.Source, d.ContentURL = "docusaurus", "/"
			break
		}
		if f := exists(dir, "mkdocs.yml", "mkdocs.yaml"); f != "" {
			d.Source = "mkdocs"
			if data, err := os.ReadFile(f); err == nil {
				d.NavOrder = load.MkDocsOrder(data)
				for folder, title := range load.MkDocsSections(data) {
					if d.Categories == nil {
						d.Categories = map[string]config.Category{}
					}
					d.Categories[folder] = config.Category{Label: title}
				}
			}
			break
		}
		if exists(dir, "hugo.toml", "hugo.yaml", "hugo.json", "config.toml") != "" {
			d.Source = "hugo"
			break
		}
		if exists(dir, "config.rb") != "" {
			d.Source = "middleman"
			break
		}
	}
	// Middleman serves source/X/page.html.md at /X/page.html.
	if abs, err := filepath.Abs(contentDir); err == nil && filepath.Base(filepath.Dir(abs)) == "source" {
		if d.Source == "" {
			d.Source = "middleman"
		}
		if d.Source == "middleman" {
			d.ContentURL = "/" + filepath.Base(abs) + "/"
		}
	}
	if d.Source == "docusaurus" {
		d.Categories = categories(os.DirFS(contentDir))
	}
	return d
}

// categories reads the _category_.json and _category_.yml files of a
// Docusaurus docs folder, by folder.
func categories(fsys fs.FS) map[string]config.Category {
	out := map[string]config.Category{}
	_ = fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if e.IsDir() && p != "." && (strings.HasPrefix(e.Name(), ".") || e.Name() == "node_modules") {
			return fs.SkipDir
		}
		switch e.Name() {
		case "_category_.json", "_category_.yml", "_category_.yaml":
		default:
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil || len(data) > 1<<16 {
			return nil
		}
		var c struct {
			Label    string   `yaml:"label"`
			Position *float64 `yaml:"position"`
		}
		if yaml.Unmarshal(data, &c) != nil {
			return nil
		}
		dir := path.Dir(p)
		if dir == "." {
			dir = ""
		}
		cat := config.Category{Label: c.Label}
		if c.Position != nil {
			cat.Position, cat.HasPos = *c.Position, true
		}
		out[dir] = cat
		return nil
	})
	return out
}
