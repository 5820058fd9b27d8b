package generator_test

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/rogpeppe/go-internal/txtar"
)

var refreshRE = regexp.MustCompile(`<meta http-equiv="refresh" content="0; url=([^"]+)">`)

// TestRedirectsLandOnPages builds the example playbook and a site with
// aliases, and follows every line of _redirects and every redirect page:
// each must land on a page that was written, never on another redirect.
func TestRedirectsLandOnPages(t *testing.T) {
	example := generator.Options{
		Content: playbook.Content(), ContentPrefix: "content/", Config: playbook.Config(), ConfigFile: "playbook.yaml",
		Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: testNow,
	}
	for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
		example.Rules = append(example.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
	}
	exampleSite := output.NewMemory()
	if _, err := generator.Build(example, exampleSite); err != nil {
		t.Fatal(err)
	}
	ar := txtar.Parse([]byte(`-- playbook.yaml --
title: Aliases
base_url: https://ops.example.org/playbook/
-- content/guides/new-home.md --
---
title: New home
aliases: [/guides/old-home/, guides/older.html, /Guides/Oldest/]
---
-- content/alerts/DiskFull.md --
---
alert: DiskFull
owner: ops
ticket: OPS-1
runbook: guides/new-home
---
-- content/teams/ops.md --
---
title: Ops
---
`))
	aliasSite, _ := buildArchive(t, ar)

	for name, site := range map[string]*output.Memory{"example": exampleSite, "aliases": aliasSite} {
		t.Run(name, func(t *testing.T) {
			base := "/"
			if name == "aliases" {
				base = "/playbook/"
			}
			data, ok := site.File("_redirects")
			if !ok {
				t.Fatal("no _redirects")
			}
			lines := strings.Split(strings.TrimSpace(string(data)), "\n")
			if len(lines) < 2 {
				t.Fatalf("only %d redirects:\n%s", len(lines), data)
			}
			for _, line := range lines {
				f := strings.Fields(line)
				if len(f) != 3 || f[2] != "301" || !strings.HasPrefix(f[0], base) || !strings.HasPrefix(f[1], base) {
					t.Errorf("malformed line %q", line)
					continue
				}
				from, to := strings.TrimPrefix(f[0], base), strings.TrimPrefix(f[1], base)
				page, ok := site.File(to + "index.html")
				if !ok {
					t.Errorf("%s leads to %s, which is no page", f[0], f[1])
					continue
				}
				if refreshRE.Match(page) {
					t.Errorf("%s leads to another redirect, %s", f[0], f[1])
				}
				stub, ok := site.File(from + "index.html")
				if !ok {
					t.Errorf("no redirect page at %s", f[0])
					continue
				}
				m := refreshRE.FindSubmatch(stub)
				if m == nil || string(m[1]) != f[1] {
					t.Errorf("the page at %s does not send the browser to %s:\n%s", f[0], f[1], stub)
				}
			}
		})
	}
	if data, _ := aliasSite.File("_redirects"); !strings.Contains(string(data), "/playbook/alerts/DiskFull/ /playbook/alerts/diskfull/ 301") ||
		!strings.Contains(string(data), "/playbook/guides/older/ /playbook/guides/new-home/ 301") {
		t.Errorf("missing alert or alias redirects:\n%s", data)
	}
}

var inlineRE = regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]|\sstyle\s*=|\son[a-z]+\s*=\s*["']|href\s*=\s*["']\s*javascript:`)

// TestThemeMeetsItsContentSecurityPolicy checks that no page of the
// example playbook needs what _headers forbids: inline scripts, inline
// styles, event handler attributes, javascript: links.
func TestThemeMeetsItsContentSecurityPolicy(t *testing.T) {
	site := output.NewMemory()
	if _, err := generator.Build(generator.Options{
		Content: playbook.Content(), Config: playbook.Config(), Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: testNow,
	}, site); err != nil {
		t.Fatal(err)
	}
	headers, _ := site.File("_headers")
	if !strings.Contains(string(headers), "Content-Security-Policy: default-src 'self'") || strings.Contains(string(headers), "unsafe-inline") {
		t.Errorf("_headers:\n%s", headers)
	}
	pages := 0
	for _, name := range site.Names() {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		data, _ := site.File(name)
		if m := inlineRE.Find(data); m != nil {
			t.Errorf("%s needs what the policy forbids: %q", name, m)
		}
	}
	if pages < 60 {
		t.Errorf("only %d pages", pages)
	}
}
