package validate

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/load"
	"github.com/opsplaybook/playbook/generator/site"
)

// The hints of this file turn a finding into its fix: the page, anchor,
// team, persona or alert a slip of the keyboard missed, or the draft a
// reference names.

// didYouMean returns `did you mean "x"?`, or "" for no suggestion.
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", s)
}

// caseNote is said after a suggestion that differs only in case.
func caseNote(written, meant string) string {
	if written != meant && strings.EqualFold(written, meant) {
		return " (ids are case-sensitive)"
	}
	return ""
}

// draftRef returns the draft page that a page reference (content path
// with or without extension, or site URL) names, or nil.
func (v *checker) draftRef(ref string) *site.Parsed {
	ref = strings.TrimSpace(ref)
	if b := v.site.Config.BaseURL; b != "" && strings.HasPrefix(ref, b) {
		ref = "/" + strings.TrimPrefix(ref, b)
	}
	ref, _, _ = strings.Cut(ref, "#")
	key := strings.ToLower(strings.Trim(load.Ref(ref), "/"))
	u := ref
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	for _, d := range v.site.Drafts {
		r := strings.ToLower(d.Ref)
		if r == key || (load.IsIndex(d.Ref) && strings.ToLower(path.Dir(d.Ref)) == key) {
			return d
		}
		if strings.HasPrefix(ref, "/") && strings.EqualFold(d.URL, u) {
			return d
		}
	}
	return nil
}

// linkRef returns the content reference (content path without its
// extension) or, for a site path, the URL that a local link of page p
// names, and the path as written.
func (v *checker) linkRef(p *site.Page, dest string) (ref string, written string, ok bool) {
	dest = strings.TrimSpace(dest)
	if b := v.site.Config.BaseURL; b != "" && strings.HasPrefix(dest, b) {
		dest = "/" + strings.TrimPrefix(dest, b)
	}
	u, err := url.Parse(dest)
	if err != nil || u.Path == "" {
		return "", "", false
	}
	if strings.HasPrefix(u.Path, "/") {
		return u.Path, u.Path, true
	}
	r := path.Join(path.Dir(p.Path), u.Path)
	if r == ".." || strings.HasPrefix(r, "../") {
		return "", "", false
	}
	return load.Ref(r), u.Path, true
}

// draftLink returns the draft page a broken link leads to, or nil.
func (v *checker) draftLink(p *site.Page, l site.Link) *site.Parsed {
	if len(v.site.Drafts) == 0 {
		return nil
	}
	ref, _, ok := v.linkRef(p, l.Dest)
	if !ok {
		return nil
	}
	return v.draftRef(ref)
}

// pageRefs are the content references of the site's pages from files,
// lowercased, with their pages; made when first needed.
func (v *checker) pageRefs() ([]string, map[string]*site.Page) {
	if v.refs == nil {
		v.refs = map[string]*site.Page{}
		for _, p := range v.site.Pages {
			if p.Path != "" {
				k := strings.ToLower(p.Ref)
				v.refList = append(v.refList, k)
				v.refs[k] = p
			}
		}
		slices.Sort(v.refList)
	}
	return v.refList, v.refs
}

// closestPage returns the page a reference that names none was most likely
// meant to name: the nearest content reference by edits, else the one page
// in the same folder whose name starts with the name written (or that
// starts its name), else the one page anywhere with the same file name (a
// page that moved). keep decides which pages may be meant.
func (v *checker) closestPage(ref string, keep func(*site.Page) bool) *site.Page {
	list, byRef := v.pageRefs()
	key := strings.ToLower(strings.Trim(load.Ref(ref), "/"))
	if key == "" {
		return nil
	}
	var cands []string
	for _, k := range list {
		if keep == nil || keep(byRef[k]) {
			cands = append(cands, k)
		}
	}
	if near := diag.Closest(key, cands); near != "" {
		return byRef[near]
	}
	dir, base := path.Dir(key), path.Base(key)
	one := func(match func(k string) bool) *site.Page {
		var found *site.Page
		for _, k := range cands {
			if match(k) {
				if found != nil {
					return nil
				}
				found = byRef[k]
			}
		}
		return found
	}
	if p := one(func(k string) bool {
		b := path.Base(k)
		return path.Dir(k) == dir && len(base) >= 3 && (strings.HasPrefix(b, base) || strings.HasPrefix(base, b) && len(b) >= 3)
	}); p != nil {
		return p
	}
	return one(func(k string) bool { return path.Base(k) == base && base != "index" })
}

// closestRef returns the reference to suggest for a front matter page
// reference that names no page, or "".
func (v *checker) closestRef(ref string, keep func(*site.Page) bool) string {
	if strings.HasPrefix(strings.TrimSpace(ref), "/") {
		if t := v.closestPage(strings.TrimPrefix(strings.TrimSpace(ref), "/"), keep); t != nil {
			return t.URL
		}
		return ""
	}
	if t := v.closestPage(ref, keep); t != nil {
		if strings.HasSuffix(strings.ToLower(ref), ".md") {
			return t.Path
		}
		return t.Ref
	}
	return ""
}

// closestLink returns the link to suggest for a local link that leads to
// no page, written as the link was (relative or a site path, with or
// without .md), with its #fragment, or "".
func (v *checker) closestLink(p *site.Page, l site.Link) string {
	ref, written, ok := v.linkRef(p, l.Dest)
	if !ok {
		return ""
	}
	frag := ""
	if l.Fragment != "" {
		frag = "#" + l.Fragment
	}
	if strings.HasPrefix(written, "/") {
		ref = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(ref, "/"), "index.html"), "/")
		if t := v.closestPage(ref, nil); t != nil {
			return t.URL + frag
		}
		return ""
	}
	t := v.closestPage(ref, nil)
	if t == nil || t == p {
		return ""
	}
	return suggestRel(p, t.Path, written, true) + frag
}

// anchorFix says how to mend a #fragment that names no heading of t: the
// nearest heading id, else the page's heading ids (the first ten).
func anchorFix(t *site.Parsed, fragment string) string {
	var ids []string
	for _, h := range t.Outline.Headings {
		if h.ID != "" && !slices.Contains(ids, h.ID) {
			ids = append(ids, h.ID)
		}
	}
	if len(ids) == 0 {
		return "the page has no headings to link to: link to the page itself"
	}
	if near := diag.Closest(fragment, ids); near != "" {
		return didYouMean("#" + near)
	}
	list := ids
	more := ""
	if len(list) > 10 {
		list, more = list[:10], fmt.Sprintf(" and %d more", len(ids)-10)
	}
	return "its headings are #" + strings.Join(list, ", #") + more
}

// alertNames are the alert names that pages and rule files define, sorted;
// made when first needed.
func (v *checker) alertNames() []string {
	if v.alertList == nil {
		v.alertList = []string{}
		for a := range v.site.Alerts {
			v.alertList = append(v.alertList, a)
		}
		for a := range v.site.RuleAlertNames {
			if v.site.Alerts[a] == nil {
				v.alertList = append(v.alertList, a)
			}
		}
		slices.Sort(v.alertList)
	}
	return v.alertList
}

// severityFix names the severity a page meant: the nearest configured
// one, or one of the usual other words for it ("high" for critical), or
// else the list of them.
func severityFix(sev string, known []string) string {
	if near := diag.Closest(sev, known); near != "" {
		return didYouMean(near)
	}
	synonyms := map[string]string{
		"high": "critical", "page": "critical", "urgent": "critical", "major": "critical", "error": "critical", "fatal": "critical",
		"medium": "warning", "warn": "warning", "minor": "warning", "moderate": "warning",
		"low": "info", "none": "info", "notice": "info", "information": "info", "informational": "info",
	}
	if s, ok := synonyms[strings.ToLower(sev)]; ok && slices.Contains(known, s) {
		return didYouMean(s)
	}
	return "use one of " + strings.Join(known, ", ") + " (severities in playbook.yaml lists them)"
}
