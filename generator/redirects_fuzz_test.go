package generator_test

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/names"
	"github.com/opsplaybook/playbook/generator/output"
)

// FuzzRedirectsAndHeaders builds a site whose alert name, page alias and
// base_url path are arbitrary, and reads the _redirects and _headers it
// writes as Netlify would: every _redirects line is exactly "FROM TO 301"
// with both paths escaped site paths, every _headers line a path or an
// indented "Name: value"; nothing a name holds adds a line or a field.
func FuzzRedirectsAndHeaders(f *testing.F) {
	for _, s := range [][3]string{
		{"DiskFull", "/old/disk/", ""},
		{"Evil\n/* /alerts/evil/ 200!", "/a b/", "docs/"},
		{"Disk Full 100%", "/", "x y/"},
		{"../../../x/evil", "../../etc/", "%2e%2e/"},
		{"Disk/Full", "old.html", "a\nb/"},
		{":splat *", "/:placeholder/*", "*"},
		{"\x00\xff", "\u2028", "é/"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, alert, alias, base string) {
		content := fstest.MapFS{
			"index.md":        {Data: []byte("# Home\n")},
			"teams/ops.md":    {Data: []byte("# Ops\n")},
			"runbooks/fix.md": {Data: []byte("---\nowner: ops\nticket: OPS-1\n---\nFix.\n")},
			"alerts/a.md":     {Data: []byte("---\nalert: " + strconv.Quote(alert) + "\nowner: ops\nrunbook: runbooks/fix\nticket: OPS-2\naliases: [" + strconv.Quote(alias) + "]\n---\nA.\n")},
			"guides/moved.md": {Data: []byte("---\naliases: [" + strconv.Quote(alias) + ", /guides/old/]\n---\n# Moved\n")},
		}
		cfg := "title: Fuzz\nbase_url: " + strconv.Quote("https://ops.example.org/"+base) + "\n"
		mem := output.NewMemory()
		_, err := generator.Build(generator.Options{
			Content: content, ContentPrefix: "content/", Config: []byte(cfg), ConfigFile: "playbook.yaml",
			Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: testNow,
		}, mem)
		if err != nil {
			if strings.Contains(err.Error(), "refusing to write") {
				t.Fatalf("a name reached the writing of _redirects or _headers unchecked: %v", err)
			}
			return
		}
		if data, ok := mem.File("_redirects"); ok {
			for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
				if line == "" {
					continue
				}
				fields := strings.Split(line, " ")
				if len(fields) != 3 || fields[2] != "301" {
					t.Fatalf("_redirects line %q is not FROM TO 301", line)
				}
				for _, p := range fields[:2] {
					if err := names.CheckSitePath(p, false); err != nil {
						t.Fatalf("_redirects line %q: %v", line, err)
					}
				}
			}
		}
		data, ok := mem.File("_headers")
		if !ok {
			t.Fatal("_headers not written")
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if rest, ok := strings.CutPrefix(line, "  "); ok {
				name, value, ok := strings.Cut(rest, ": ")
				if !ok || name == "" || strings.ContainsAny(name, " \t:") || strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Fatalf("_headers line %q is not an indented Name: value", line)
				}
				continue
			}
			if err := names.CheckSitePath(line, true); err != nil {
				t.Fatalf("_headers line %q: %v", line, err)
			}
		}
	})
}
