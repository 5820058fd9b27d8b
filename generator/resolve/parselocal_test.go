package resolve

import (
	"net/url"
	"testing"
)

// parseLocal reads what it accepts as url.Parse does; what it refuses
// goes to url.Parse, so a destination that it would read otherwise must
// be refused.
func TestParseLocalIsURLParse(t *testing.T) {
	for _, dest := range []string{
		"runbooks/disk-full.md", "../guides/deploy.md", "./x.md", "/alerts/disk/", "x.md#rollback",
		"#top", "x.md#", "#", "a/b/c", "~user/x", "x_y-z.1.md#a-b_c",
		"x.md?v=1", "x%20y.md", "mailto:a@b", "a:b", "http://example.com/x", "//host/x",
		"x.md#a#b", "x y.md", "x.md#a%20b", "Ünïcode.md", "x\\y.md", "x.md#frag:1", "",
	} {
		want, werr := url.Parse(dest)
		got, ok := parseLocal(dest)
		if !ok {
			continue
		}
		if werr != nil || want.Scheme != "" || want.Host != "" || want.Path != got.Path || want.Fragment != got.Fragment {
			t.Errorf("parseLocal(%q) = path %q fragment %q; url.Parse: %+v, %v", dest, got.Path, got.Fragment, want, werr)
		}
	}
	for _, dest := range []string{"runbooks/disk-full.md", "../guides/deploy.md#rollback", "#top"} {
		if _, ok := parseLocal(dest); !ok {
			t.Errorf("parseLocal(%q) refused a plain local destination", dest)
		}
	}
}

func FuzzParseLocal(f *testing.F) {
	for _, s := range []string{"x.md#a", "../a/b.md", "#", "a:b", "x%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dest string) {
		got, ok := parseLocal(dest)
		if !ok {
			return
		}
		want, err := url.Parse(dest)
		if err != nil || want.Scheme != "" || want.Host != "" || want.Path != got.Path || want.Fragment != got.Fragment {
			t.Fatalf("parseLocal(%q) = path %q fragment %q; url.Parse: %+v, %v", dest, got.Path, got.Fragment, want, err)
		}
	})
}
