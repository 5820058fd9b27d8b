package resolve

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

// ParseLocal reads what it accepts as url.Parse does; what it refuses
// goes to url.Parse, so a destination that it would read otherwise must
// be refused.
func TestParseLocalIsURLParse(t *testing.T) {
	for _, dest := range []string{
		"runbooks/disk-full.md", "../guides/deploy.md", "./x.md", "/alerts/disk/", "x.md#rollback",
		"#top", "x.md#", "#", "a/b/c", "~user/x", "x_y-z.1.md#a-b_c",
		"x.md?v=1", "x%20y.md", "mailto:a@b", "a:b", "http://example.com/x", "//host/x",
		"x.md#a#b", "x y.md", "x.md#a%20b", "Ünïcode.md", "x\\y.md", "x.md#frag:1", "",
	} {
		checkParseLocal(t, dest)
	}
	for _, dest := range []string{"runbooks/disk-full.md", "../guides/deploy.md#rollback", "#top"} {
		if _, _, ok := ParseLocal(dest); !ok {
			t.Errorf("ParseLocal(%q) refused a plain local destination", dest)
		}
	}
}

func checkParseLocal(t *testing.T, dest string) {
	t.Helper()
	p, frag, ok := ParseLocal(dest)
	if !ok {
		return
	}
	want, err := url.Parse(dest)
	if err != nil || want.Scheme != "" || want.Host != "" || want.Path != p || want.Fragment != frag {
		t.Errorf("ParseLocal(%q) = path %q fragment %q; url.Parse: %+v, %v", dest, p, frag, want, err)
	}
}

func FuzzParseLocal(f *testing.F) {
	for _, s := range []string{"x.md#a", "../a/b.md", "#", "a:b", "x%41"} {
		f.Add(s)
	}
	f.Fuzz(checkParseLocal)
}

// JoinRel is path.Join for a page's folder and a relative link.
func TestJoinRelIsPathJoin(t *testing.T) {
	for _, dir := range []string{".", "a", "a/b", "runbooks/release-81"} {
		for _, target := range []string{
			"x.md", "../x.md", "../../x.md", "../../../x.md", "../", "..", ".", "", "./x.md", "x/../y.md",
			"x/", "../a/./b.md", "../..//x", "a//b", "../incident-54/owner-risk-1311.md", "...", "../...",
		} {
			checkJoinRel(t, dir, target)
		}
	}
}

func checkJoinRel(t *testing.T, dir, target string) {
	t.Helper()
	if got, want := JoinRel(dir, target), path.Join(dir, target); got != want {
		t.Errorf("JoinRel(%q, %q) = %q, path.Join: %q", dir, target, got, want)
	}
}

func FuzzJoinRel(f *testing.F) {
	f.Add("a/b", "../x.md")
	f.Add(".", "../../x")
	f.Fuzz(func(t *testing.T, dir, target string) {
		// As link calls it: dir is a page's folder, target no absolute
		// path.
		dir = path.Dir(path.Clean("/" + dir))[1:]
		if dir == "" {
			dir = "."
		}
		if strings.HasPrefix(target, "/") {
			return
		}
		checkJoinRel(t, dir, target)
	})
}
