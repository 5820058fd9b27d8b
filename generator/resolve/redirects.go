package resolve

import (
	"errors"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/site"
)

// Redirect sends an old or differently spelt URL to a page.
type Redirect struct {
	From, To string // site paths, without the base path, not escaped
}

// Redirects lists every redirect the build writes, sorted by From: each
// page alias, the exact-case spelling of each alert URL, and the path an
// alert page's file would have had. A redirect from a URL that a page has
// is left out, an alias at a further page of a list (PagerOf) too, and so are aliases and alert names that cannot be a site
// path (AliasError, names.Segment): Validate reports those.
func Redirects(s *site.Site) []Redirect {
	seen := map[string]bool{}
	var out []Redirect
	add := func(from, to string) {
		if from == to || seen[from] || s.ByURL[from] != nil {
			return
		}
		seen[from] = true
		out = append(out, Redirect{From: from, To: to})
	}
	for _, p := range s.Pages {
		if p.SourceURL != "" && names.CheckSitePath(names.EscapePath(p.SourceURL), false) == nil {
			add(p.SourceURL, p.URL)
		}
		for _, a := range p.Meta.Aliases {
			if AliasError(a) != nil {
				continue
			}
			if u := load.AliasURL(a); !isPager(s, u) {
				add(u, p.URL)
			}
		}
		if p.Kind == site.Alert && p.Meta.Alert != "" {
			if u, ok := ExactAlertURL(s, p.Meta.Alert); ok {
				add(u, p.URL)
			}
			if p.Path != "" {
				add(load.URL(p.Ref), p.URL)
			}
		}
	}
	slices.SortFunc(out, func(a, b Redirect) int { return strings.Compare(a.From, b.From) })
	return out
}

// ExactAlertURL returns the URL of an alert's exact spelling
// ("/alerts/KubePodCrashLooping/"), which redirects to its page, and false
// when the alert's name cannot be a path segment (see names.Segment).
func ExactAlertURL(s *site.Site, alert string) (string, bool) {
	if names.Segment(alert) != nil {
		return "", false
	}
	return strings.ReplaceAll(s.Config.AlertURL, "{alert}", alert), true
}

// AliasError says why a page alias cannot be a site path of this site, or
// returns nil: an alias is a path ("/old/path/", "old/path.html"), not a
// URL of another host, and holds no query, fragment, ".." segment or
// control character.
func AliasError(a string) error {
	a = strings.TrimSpace(a)
	switch {
	case a == "":
		return errors.New("is empty")
	case names.Segment(strings.ReplaceAll(strings.ReplaceAll(a, "/", "_"), `\`, "_")) != nil:
		return errors.New("holds a control character or is not valid UTF-8")
	case strings.Contains(a, "://") || strings.HasPrefix(a, "//"):
		return errors.New("is a URL of another site: an alias is a path of this one, such as /old/path/")
	case strings.ContainsAny(a, `?#\`):
		return errors.New(`holds "?", "#" or "\": an alias is a path, such as /old/path/`)
	}
	for _, seg := range strings.Split(a, "/") {
		if seg == ".." || seg == "." {
			return errors.New(`has a "." or ".." segment`)
		}
	}
	return nil
}
