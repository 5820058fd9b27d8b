package load

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf8"

	"github.com/opsplaybook/playbook/generator/names"
)

func TestURLsArePrettyAndLowercase(t *testing.T) {
	for in, want := range map[string]string{
		"index.md":                               "/",
		"README.md":                              "/",
		"guides/README.md":                       "/guides/",
		"guides/_index.md":                       "/guides/",
		"runbooks/payments/high-error-rate.md":   "/runbooks/payments/high-error-rate/",
		"alerts/RouterErrorRatioTooHigh.html.md": "/alerts/routererrorratiotoohigh/",
		"Reference/Production Tools & PII.md":    "/reference/production-tools-pii/",
		"manual/page.html.md.erb":                "/manual/page/",
		"guides/Set up.markdown":                 "/guides/set-up/",
		"über/straße.md":                         "/über/straße/",
	} {
		if got := URL(Ref(in)); got != want {
			t.Errorf("URL(Ref(%q)) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadReadsPagesAndListsOtherFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"index.md":                   {Data: []byte("# Home")},
		"guides/a.md":                {Data: []byte("a")},
		"guides/img/a.png":           {Data: []byte("png")},
		"guides/_category_.json":     {Data: []byte("{}")},
		".git/config":                {Data: []byte("x")},
		"node_modules/x/readme.md":   {Data: []byte("x")},
		"manual/page.html.md.erb":    {Data: []byte("<%= x %>")},
		"manual/dictionary.html.erb": {Data: []byte("<%= x %>")},
		// An editor's backup, autosave and swap files are no part
		// of the site: published, a backup is an old copy of a page.
		"guides/a.md~":       {Data: []byte("old a")},
		"guides/#a.md#":      {Data: []byte("autosaved a")},
		"guides/.a.md.swp":   {Data: []byte("swap")},
		"guides/img/b.png~":  {Data: []byte("old png")},
		"guides/#":           {Data: []byte("a file named #")},
		"guides/issue-#4.md": {Data: []byte("a page")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, s := range c.Sources {
		pages = append(pages, s.Path)
	}
	if got, want := pages, []string{"guides/a.md", "guides/issue-#4.md", "index.md", "manual/page.html.md.erb"}; !equal(got, want) {
		t.Errorf("pages %v, want %v", got, want)
	}
	if got, want := c.Files, []string{"guides/#", "guides/img/a.png"}; !equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
}

func TestMkDocsTitlesFollowTheNavigation(t *testing.T) {
	src := []byte("site_name: x\nnav:\n  - Home: 'index.md'\n  - On-Call:\n    - Being On-Call: 'oncall/being_oncall.md'\n    - oncall/other.md\n  - External: https://example.org/\n")
	got := MkDocsTitles(src)
	if got["index.md"] != "Home" || got["oncall/being_oncall.md"] != "Being On-Call" || len(got) != 2 {
		t.Errorf("titles %v", got)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzURL builds URLs from any page reference, alias and alert name: each
// is a clean site path ("/" first and last, no empty, "." or ".."
// segment), so that the file written for it stays in its folder, and it
// passes the check that _redirects and _headers lines get once escaped.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"runbooks/db/Restore", "guides/_index", "/old/path.html", "../../etc/passwd", "..", ".", "a/../b", "Disk Full 100%",
		"Evil\n/* /x 200!", "a//b", "ü/ß", "\xff", "...", "./x", "index.html", "C:\\x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range []struct{ what, url string }{
			{"URL", URL(s)},
			{"AliasURL", AliasURL(s)},
			{"alert URL", "/alerts/" + Slug(s) + "/"},
		} {
			if !strings.HasPrefix(u.url, "/") || !strings.HasSuffix(u.url, "/") {
				t.Fatalf("%s(%q) = %q: not a folder's site path", u.what, s, u.url)
			}
			if u.url != "/" {
				for _, seg := range strings.Split(strings.Trim(u.url, "/"), "/") {
					if seg == "" || seg == "." || seg == ".." {
						t.Fatalf("%s(%q) = %q: segment %q", u.what, s, u.url, seg)
					}
				}
			}
			if err := names.CheckSitePath(names.EscapePath(u.url), false); err != nil {
				t.Fatalf("%s(%q) = %q: %v", u.what, s, u.url, err)
			}
			if !utf8.ValidString(u.url) || strings.ContainsFunc(u.url, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8, a control character or a space", u.what, s, u.url)
			}
		}
	})
}

func TestLoadFollowsOnlyLinksThatStayInside(t *testing.T) {
	link := func(to string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(to), Mode: fs.ModeSymlink} }
	fsys := fstest.MapFS{
		"index.md":          {Data: []byte("# Home")},
		"real/page.md":      {Data: []byte("# Page")},
		"real/img.png":      {Data: []byte("png")},
		"secret.md":         link("/etc/passwd"),
		"guides/up.md":      link("../../outside.md"),
		"guides/inside.md":  link("../real/page.md"),
		"guides/realdir":    link("../real"),
		"real/loop":         link("."),
		"a":                 link("b"),
		"b":                 link("a"),
		"guides/nothing.md": link("missing.md"),
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, s := range c.Sources {
		srcs = append(srcs, s.Path)
	}
	want := []string{"guides/inside.md", "guides/realdir/page.md", "index.md", "real/page.md"}
	if !slices.Equal(srcs, want) {
		t.Errorf("sources %q, want %q", srcs, want)
	}
	if !slices.Equal(c.Files, []string{"guides/realdir/img.png", "real/img.png"}) {
		t.Errorf("files %q", c.Files)
	}
	checks := map[string]string{}
	for _, f := range c.Findings("content/") {
		checks[f.Path] = f.Check
	}
	for p, check := range map[string]string{
		"content/secret.md": "symlink/outside", "content/guides/up.md": "symlink/outside",
		"content/real/loop": "symlink/loop", "content/guides/realdir/loop": "symlink/loop",
		"content/a": "symlink/loop", "content/b": "symlink/loop", "content/guides/nothing.md": "symlink/broken",
	} {
		if checks[p] != check {
			t.Errorf("%s: %q, want %q (all: %v)", p, checks[p], check, checks)
		}
	}
}
