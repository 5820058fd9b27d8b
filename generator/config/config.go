// Package config reads a site's playbook.yaml. Its input is the file's bytes
// (or nothing, for a folder of markdown with no configuration); its output is
// a Config with every default filled in, or findings that point at the line
// of each bad setting.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	pathpkg "path"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
	"github.com/opsplaybook/playbook/generator/names"
	"go.yaml.in/yaml/v3"
)

// FileName is the name of the configuration file in a site folder.
const FileName = "playbook.yaml"

// DefaultTicketPattern accepts issue keys such as OPS-123 (Jira, Linear,
// YouTrack) when a site sets no pattern of its own.
const DefaultTicketPattern = `^[A-Z][A-Z0-9_]*-[0-9]+$`

// Config is a site's configuration.
type Config struct {
	Title   string
	BaseURL string // absolute, with a trailing slash, or ""
	EditURL string // prefix to which a page's content path is appended
	Tickets Tickets
	// AlertURL is the URL pattern of alert pages; {alert} is the alert's
	// name, lowercased.
	AlertURL string
	Rules    []string
	// RulesLine is the line of rules: in playbook.yaml, or 0.
	RulesLine  int
	Review     Review
	NoIndex    bool
	UnsafeHTML bool
	// Fields lists front matter keys the site uses beyond the content model;
	// they reach templates without a warning.
	Fields []string
	// Destination is the output folder, relative to the site folder.
	Destination string
	// TeamLabel is the rule label that names the owning team ("team").
	TeamLabel string
	// Defaults are front matter values for the pages whose content path
	// matches a glob ("runbooks/kettle/**"), as Jekyll's defaults and
	// Hugo's cascade give them; a page's own values win. In file order.
	Defaults []FolderDefault
	// Source names the tool whose conventions the content follows
	// (docusaurus, mkdocs, hugo, middleman), or "" to detect it.
	Source string
	// ContentURL is the site path under which the content folder was
	// served by its tool ("/manual/" for GOV.UK's Middleman docs): links
	// that start with it are links into the content folder. "/" by default.
	ContentURL string

	// Found is true when the site has a playbook.yaml. Without one, a folder
	// of markdown from another tool is read as documentation: kinds guessed
	// from folder names do not make ownership findings errors.
	Found bool
}

// FolderDefault is one entry of playbook.yaml's defaults: front matter (as YAML)
// for the pages whose content path matches Glob.
type FolderDefault struct {
	Glob string
	YAML string
	Line int // the line of the values in playbook.yaml
}

// Matches reports whether a content path is under a defaults glob: path.Match
// per segment, "**" for any number of folders, and a glob without wildcards
// for a folder and everything in it.
func (d FolderDefault) Matches(p string) bool {
	return globMatch(strings.Split(strings.Trim(d.Glob, "/"), "/"), strings.Split(p, "/"))
}

func globMatch(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(p); i++ {
				if globMatch(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := pathpkg.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	// A folder's glob covers everything below it.
	return true
}

// Tickets says what a ticket reference looks like and where it links.
type Tickets struct {
	Pattern *regexp.Regexp
	URL     string // with {id}
}

// Link returns the URL of a ticket, or "" when the site sets no ticket URL.
// A ticket that is itself a URL links to itself.
func (t Tickets) Link(id string) string {
	if IsURL(id) {
		return id
	}
	if t.URL == "" {
		return ""
	}
	return strings.ReplaceAll(t.URL, "{id}", url.PathEscape(id))
}

// Valid reports whether id is a well-formed ticket: it matches the pattern
// or is an http(s) URL.
func (t Tickets) Valid(id string) bool {
	return IsURL(id) || t.Pattern.MatchString(id)
}

// IsURL reports whether s is an absolute http or https URL.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Review sets how often pages must be reviewed.
type Review struct {
	Every         frontmatter.Period
	FailWhenStale bool
}

// Default returns the configuration of a site without playbook.yaml.
func Default() *Config {
	return &Config{
		Title:       "Playbook",
		Tickets:     Tickets{Pattern: regexp.MustCompile(DefaultTicketPattern)},
		AlertURL:    "/alerts/{alert}/",
		Destination: "public",
		TeamLabel:   "team",
	}
}

type file struct {
	Title       string    `yaml:"title"`
	BaseURL     string    `yaml:"base_url"`
	EditURL     string    `yaml:"edit_url"`
	AlertURL    string    `yaml:"alert_url"`
	Rules       []string  `yaml:"rules"`
	NoIndex     bool      `yaml:"noindex"`
	UnsafeHTML  bool      `yaml:"unsafe_html"`
	Fields      []string  `yaml:"fields"`
	Destination string    `yaml:"destination"`
	TeamLabel   string    `yaml:"team_label"`
	Defaults    yaml.Node `yaml:"defaults"`
	Source      string    `yaml:"source"`
	ContentURL  string    `yaml:"content_url"`
	Tickets     struct {
		Pattern string `yaml:"pattern"`
		URL     string `yaml:"url"`
	} `yaml:"tickets"`
	Review struct {
		Every         string `yaml:"every"`
		FailWhenStale bool   `yaml:"fail_when_stale"`
	} `yaml:"review"`
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// Parse reads playbook.yaml. path names the file in findings. It returns the
// configuration with defaults for what the file leaves out, and an error
// finding for each bad setting.
func Parse(path string, src []byte) (*Config, []diag.Finding) {
	c := Default()
	c.Found = true
	var out diag.List
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				line := 0
				if m := lineRE.FindStringSubmatch(e); m != nil {
					fmt.Sscan(m[1], &line)
					e = strings.Replace(e, m[0], "", 1)
				}
				out.Errorf("config/invalid", path, line, "%s", e)
			}
		} else {
			line := 0
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			if m := lineRE.FindStringSubmatch(msg); m != nil {
				fmt.Sscan(m[1], &line)
				msg = strings.Replace(msg, m[0], "", 1)
			}
			out.Errorf("config/invalid", path, line, "not valid YAML: %s", msg)
			return c, out
		}
	}
	var doc yaml.Node
	_ = yaml.Unmarshal(src, &doc)
	lineOf := func(keys ...string) int { return keyLine(&doc, keys...) }

	if f.Title != "" {
		c.Title = f.Title
	}
	if f.BaseURL != "" {
		if why := checkBaseURL(f.BaseURL); why != "" {
			out.Errorf("config/invalid", path, lineOf("base_url"), "base_url must be an absolute URL such as https://playbook.example.org/ or https://org.github.io/playbook/: %q %s", f.BaseURL, why)
		} else {
			c.BaseURL = strings.TrimSuffix(f.BaseURL, "/") + "/"
		}
	}
	c.EditURL = f.EditURL
	if f.AlertURL != "" {
		if !strings.Contains(f.AlertURL, "{alert}") || !strings.HasPrefix(f.AlertURL, "/") {
			out.Errorf("config/invalid", path, lineOf("alert_url"), "alert_url must be a site path containing {alert}, such as /alerts/{alert}/, got %q", f.AlertURL)
		} else {
			c.AlertURL = f.AlertURL
		}
	}
	c.NoIndex, c.UnsafeHTML, c.Fields = f.NoIndex, f.UnsafeHTML, f.Fields
	c.RulesLine = lineOf("rules")
	for _, g := range f.Rules {
		if _, err := names.Rel(g); err != nil {
			out.Errorf("config/invalid", path, lineOf("rules"), "rules: %q %v: rule files named in playbook.yaml must be inside the site folder (give --rules for others)", g, err)
			continue
		}
		c.Rules = append(c.Rules, g)
	}
	if f.Destination != "" {
		if why := checkDestination(f.Destination); why != "" {
			out.Errorf("config/invalid", path, lineOf("destination"), "destination must be a folder inside the site folder, such as public: %q %s; to write elsewhere, give -d to playbook build", f.Destination, why)
		} else {
			c.Destination = f.Destination
		}
	}
	if f.TeamLabel != "" {
		c.TeamLabel = f.TeamLabel
	}
	if f.Tickets.Pattern != "" {
		re, err := regexp.Compile(f.Tickets.Pattern)
		if err != nil {
			out.Errorf("config/invalid", path, lineOf("tickets", "pattern"), "tickets.pattern is not a regular expression: %v", err)
		} else {
			c.Tickets.Pattern = re
		}
	}
	if f.Tickets.URL != "" {
		if !strings.Contains(f.Tickets.URL, "{id}") {
			out.Errorf("config/invalid", path, lineOf("tickets", "url"), "tickets.url must contain {id}, got %q", f.Tickets.URL)
		} else {
			c.Tickets.URL = f.Tickets.URL
		}
	}
	if f.Review.Every != "" {
		p, err := frontmatter.ParsePeriod(f.Review.Every)
		if err != nil {
			out.Errorf("config/invalid", path, lineOf("review", "every"), "review.every: %v", err)
		}
		c.Review.Every = p
	}
	c.Review.FailWhenStale = f.Review.FailWhenStale
	switch f.Defaults.Kind {
	case 0:
	case yaml.MappingNode:
		for i := 0; i+1 < len(f.Defaults.Content); i += 2 {
			k, v := f.Defaults.Content[i], f.Defaults.Content[i+1]
			if _, err := pathpkg.Match(k.Value, ""); err != nil || k.Value == "" || strings.Contains(k.Value, "..") {
				out.Errorf("config/invalid", path, k.Line, "defaults: %q is not a path glob such as runbooks/payments/**", k.Value)
				continue
			}
			if v.Kind != yaml.MappingNode {
				out.Errorf("config/invalid", path, v.Line, "defaults: %q must map front matter keys to values", k.Value)
				continue
			}
			b, err := yaml.Marshal(v)
			if err != nil {
				continue
			}
			c.Defaults = append(c.Defaults, FolderDefault{Glob: k.Value, YAML: string(b), Line: v.Line})
		}
	default:
		out.Errorf("config/invalid", path, f.Defaults.Line, "defaults must map path globs to front matter, such as runbooks/payments/**: {owner: payments}")
	}
	switch s := strings.ToLower(f.Source); s {
	case "", "docusaurus", "mkdocs", "hugo", "middleman", "playbook":
		c.Source = s
	default:
		out.Errorf("config/invalid", path, lineOf("source"), "source must be docusaurus, mkdocs, hugo, middleman or playbook, got %q", f.Source)
	}
	if u := f.ContentURL; u != "" {
		if !strings.HasPrefix(u, "/") || strings.Contains(u, "..") || strings.ContainsAny(u, "?#") {
			out.Errorf("config/invalid", path, lineOf("content_url"), "content_url must be a site path such as /manual/, got %q", u)
		} else {
			c.ContentURL = strings.TrimSuffix(u, "/") + "/"
		}
	}
	return c, out
}

// keyLine finds the line of a nested key in a YAML document, or 0.
func keyLine(doc *yaml.Node, keys ...string) int {
	if len(doc.Content) == 0 {
		return 0
	}
	n, line := doc.Content[0], 0
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

// checkBaseURL says what is wrong with a base_url, or "" when nothing is.
// A base URL is an http or https URL with a host and a path of plain
// segments (it is put before every page's URL, in pages, sitemap.xml,
// _redirects and _headers): no user, query, fragment, backslash, empty
// segment, "." or "..", space or control character.
func checkBaseURL(raw string) string {
	if strings.ContainsAny(raw, "\\ \t") || strings.ContainsFunc(raw, unicode.IsControl) {
		return "holds a backslash, a space or a control character"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "is not an http or https URL"
	case u.Host == "" || u.Opaque != "":
		return "has no host"
	case u.User != nil:
		return "holds a user name"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return "holds a query or a fragment"
	case u.Port() != "" && !validPort(u.Port()):
		return "has a port out of range"
	}
	if strings.HasPrefix(u.Host, ".") || strings.HasSuffix(strings.TrimSuffix(u.Hostname(), "."), ".") || strings.Contains(u.Host, "..") {
		return "has an invalid host"
	}
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	if p != "" && !strings.HasPrefix(p, "/") {
		return "has a relative path"
	}
	// Both as written and decoded: pages are put under the decoded path,
	// where "%2e%2e" is "..".
	decoded := strings.TrimSuffix(u.Path, "/")
	for _, seg := range append(strings.Split(p, "/")[1:], strings.Split(decoded, "/")[1:]...) {
		if seg == "" || seg == "." || seg == ".." {
			return "has an empty, \".\" or \"..\" path segment"
		}
	}
	return ""
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n <= 65535
}

// checkDestination says what is wrong with a destination set in
// playbook.yaml, or "" when nothing is: it must be a relative path that
// stays inside the site folder, since the file comes with the site (from a
// pull request) and the build replaces the folder it names.
func checkDestination(d string) string {
	c, err := names.Rel(d)
	if err != nil {
		return err.Error()
	}
	if c == "." {
		return "is the site folder itself"
	}
	return ""
}
