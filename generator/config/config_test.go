package config

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseFillsDefaultsForWhatTheFileLeavesOut(t *testing.T) {
	c, finds := Parse("playbook.yaml", []byte("title: Ops\n"))
	if len(finds) != 0 {
		t.Fatalf("findings: %v", finds)
	}
	if c.Title != "Ops" || c.AlertURL != "/alerts/{alert}/" || !c.Found || c.Destination != "public" {
		t.Errorf("got %+v", c)
	}
	if !c.Tickets.Valid("OPS-12") || c.Tickets.Valid("ops-12") || !c.Tickets.Valid("https://github.com/o/r/issues/1") {
		t.Errorf("default ticket pattern accepts the wrong things")
	}
}

func TestParseReadsEverySetting(t *testing.T) {
	src := `title: Larkspur
base_url: https://playbook.example.org/docs
edit_url: https://github.com/o/r/edit/main/content/
tickets:
  pattern: '^PAY-[0-9]+$'
  url: https://t.example.org/browse/{id}
alert_url: /a/{alert}/
rules: [rules/*.yaml]
review:
  every: 6 months
  fail_when_stale: true
noindex: true
unsafe_html: true
fields: [owner_slack]
destination: site
`
	c, finds := Parse("playbook.yaml", []byte(src))
	if len(finds) != 0 {
		t.Fatalf("findings: %v", finds)
	}
	if c.BaseURL != "https://playbook.example.org/docs/" || c.AlertURL != "/a/{alert}/" || !c.NoIndex || !c.UnsafeHTML ||
		!c.Review.FailWhenStale || c.Review.Every.Months != 6 || c.Fields[0] != "owner_slack" || c.Destination != "site" {
		t.Errorf("got %+v", c)
	}
	if got := c.Tickets.Link("PAY-1"); got != "https://t.example.org/browse/PAY-1" {
		t.Errorf("ticket link %q", got)
	}
}

func TestParseReportsBadSettingsAtTheirLine(t *testing.T) {
	src := "title: x\nbase_url: not a url\ntickets:\n  pattern: '['\n  url: https://t/\nreview:\n  every: often\nalert_url: /alerts/\ncolour: blue\n"
	_, finds := Parse("playbook.yaml", []byte(src))
	want := map[int]string{2: "base_url", 4: "tickets.pattern", 5: "tickets.url", 7: "review.every", 8: "alert_url", 9: "colour"}
	got := map[int]string{}
	for _, f := range finds {
		if f.Check != "config/invalid" || f.Path != "playbook.yaml" {
			t.Errorf("unexpected %v", f)
		}
		got[f.Line] = f.Message
	}
	for line, word := range want {
		if !strings.Contains(got[line], word) {
			t.Errorf("line %d: %q, want a message about %s", line, got[line], word)
		}
	}
}

func TestParseReportsBrokenYAML(t *testing.T) {
	_, finds := Parse("playbook.yaml", []byte("title: x\ntickets: [a\n"))
	if len(finds) != 1 || finds[0].Line == 0 || !strings.Contains(finds[0].Message, "not valid YAML") {
		t.Errorf("findings: %v", finds)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"title: x\n", "tickets:\n  pattern: '('\n", "review: {every: 3d}\n", "- a\n", "base_url: ::\n", "rules: 3\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		c, finds := Parse("playbook.yaml", src)
		if c == nil || c.Tickets.Pattern == nil || c.AlertURL == "" {
			t.Fatalf("config without defaults: %+v", c)
		}
		for _, fd := range finds {
			if fd.Check != "config/invalid" || fd.Message == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}

func TestParseRefusesBaseURLsThatCannotPrefixPages(t *testing.T) {
	for _, bad := range []string{
		"https://x//host/", `https:\\host\docs`, `https://host\docs/`, "https://host/a b/",
		"https://host/docs//", "https://host/docs/../x/", "https://host/%2e%2e/", "https://host/a/%2E/", "https://host/a%2f%2e%2e/", "https://host/?q=1", "https://host/#top",
		"ftp://host/", "https://user@host/", "https:///docs/", "https://host:99999/", "//host/",
	} {
		c, finds := Parse("playbook.yaml", []byte("base_url: "+strconvQuote(bad)+"\n"))
		if len(finds) != 1 || finds[0].Line != 1 || !strings.Contains(finds[0].Message, "base_url") {
			t.Errorf("base_url %q: findings %v", bad, finds)
		}
		if c.BaseURL != "" {
			t.Errorf("base_url %q kept as %q", bad, c.BaseURL)
		}
	}
	for _, good := range []string{"https://playbook.example.org", "https://org.github.io/playbook/", "http://127.0.0.1:8080/docs/ops/", "https://x.example/%7Eops/"} {
		if _, finds := Parse("playbook.yaml", []byte("base_url: "+good+"\n")); len(finds) != 0 {
			t.Errorf("base_url %q: %v", good, finds)
		}
	}
}

func TestParseKeepsTheDestinationInsideTheSiteFolder(t *testing.T) {
	for _, bad := range []string{"../somewhere", "/var/www", "public/../../x", ".", "..", `C:\www`, `..\up`} {
		c, finds := Parse("playbook.yaml", []byte("title: x\ndestination: "+strconvQuote(bad)+"\n"))
		if len(finds) != 1 || finds[0].Line != 2 || !strings.Contains(finds[0].Message, "inside the site folder") {
			t.Errorf("destination %q: findings %v", bad, finds)
		}
		if c.Destination != "public" {
			t.Errorf("destination %q kept as %q", bad, c.Destination)
		}
	}
	for _, good := range []string{"public", "build/site", "./out", "out/../public"} {
		if c, finds := Parse("playbook.yaml", []byte("destination: "+good+"\n")); len(finds) != 0 || c.Destination != good {
			t.Errorf("destination %q: %v, %q", good, finds, c.Destination)
		}
	}
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func TestParseKeepsRuleFilesInsideTheSiteFolder(t *testing.T) {
	c, finds := Parse("playbook.yaml", []byte("title: x\nrules:\n  - rules/*.yaml\n  - /etc/*\n  - ../../other/*.yaml\n"))
	if len(finds) != 2 || finds[0].Line != 2 || !strings.Contains(finds[0].Message, "inside the site folder") {
		t.Errorf("findings %v", finds)
	}
	if len(c.Rules) != 1 || c.Rules[0] != "rules/*.yaml" {
		t.Errorf("rules %q", c.Rules)
	}
}

func TestParseReadsSeveritiesAndReportsBadOnes(t *testing.T) {
	c, finds := Parse("playbook.yaml", []byte("title: x\n"))
	if len(finds) != 0 || strings.Join(c.Severities, ",") != "critical,warning,info" {
		t.Errorf("default severities %v, findings %v", c.Severities, finds)
	}
	c, finds = Parse("playbook.yaml", []byte("title: x\nseverities: [page, ticket]\n"))
	if len(finds) != 0 || strings.Join(c.Severities, ",") != "page,ticket" {
		t.Errorf("severities %v, findings %v", c.Severities, finds)
	}
	for _, src := range []string{"title: x\nseverities: []\n", "title: x\nseverities: [page, page]\n", "title: x\nseverities: [page, '']\n"} {
		_, finds = Parse("playbook.yaml", []byte(src))
		if len(finds) != 1 || finds[0].Line != 2 || !strings.Contains(finds[0].Message, "severities") {
			t.Errorf("%q: findings %v", src, finds)
		}
	}
}

func TestTicketExamplesMatchThePattern(t *testing.T) {
	tests := []struct{ pattern, project, want string }{
		{DefaultTicketPattern, "", "ABC-123"},
		{DefaultTicketPattern, "PAY", "PAY-123"},
		{`^(OPS|PAY|PLAT)-[0-9]+$`, "", "OPS-123"},
		{`^(OPS|PAY|PLAT)-[0-9]+$`, "PLAT", "PLAT-123"},
		{`^(OPS|PAY|PLAT)-[0-9]+$`, "DATA", "OPS-123"}, // a project the pattern refuses
		{`^[a-z]+/[a-z]+#[0-9]+$`, "", "ab/cd#123"},
		{`^INC[0-9]{7}$`, "", "INC1234567"},
	}
	for _, tt := range tests {
		tk := Tickets{Pattern: regexp.MustCompile(tt.pattern)}
		if got := tk.Example(tt.project); got != tt.want {
			t.Errorf("Example(%q) of %s = %q, want %q", tt.project, tt.pattern, got, tt.want)
		}
	}
	tk := Tickets{Pattern: regexp.MustCompile(DefaultTicketPattern)}
	for in, want := range map[string]string{"pay-5": "PAY-5", "PAY 5": "PAY-5", "PAY5": "PAY-5", "#PAY-5": "PAY-5", "PAY_5": "PAY-5", "payments": "", "PAY-5": ""} {
		if got := tk.Correct(in); got != want {
			t.Errorf("Correct(%q) = %q, want %q", in, got, want)
		}
	}
}

// pager_size is a whole number of entries: a value of another type, or a
// number with a fraction, gets one finding at its line that names the
// setting and the value written, and the default is kept; YAML's other
// spellings of whole numbers and an alias to one are read as numbers.
func TestParsePagerSizeTakesWholeNumbersOnly(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  int    // PagerSize after Parse
		finds string // "" for none, else the value the finding quotes
	}{
		{"25", 25, ""},
		{"0x10", 16, ""},
		{"~", DefaultPagerSize, ""},
		{"2.5", DefaultPagerSize, "2.5"},
		{"1e-1", DefaultPagerSize, "1e-1"},
		{"2.0", DefaultPagerSize, "2.0"},
		{"-.inf", DefaultPagerSize, "-.inf"},
		{".nan", DefaultPagerSize, ".nan"},
		{`"10"`, DefaultPagerSize, "10"},
		{"abc", DefaultPagerSize, "abc"},
		{"[1]", DefaultPagerSize, "a list"},
		{"{a: 1}", DefaultPagerSize, "a mapping"},
		{"99999999999999999999", DefaultPagerSize, "99999999999999999999"},
		{"0", DefaultPagerSize, "0"},
		{"-3", DefaultPagerSize, "-3"},
		{"10001", DefaultPagerSize, "10001"},
	} {
		src := "title: x\npager_size: " + tc.value + "\n"
		c, finds := Parse("playbook.yaml", []byte(src))
		if c.PagerSize != tc.want {
			t.Errorf("pager_size: %s: PagerSize %d, want %d", tc.value, c.PagerSize, tc.want)
		}
		if tc.finds == "" {
			if len(finds) != 0 {
				t.Errorf("pager_size: %s: findings %v", tc.value, finds)
			}
			continue
		}
		if len(finds) != 1 || finds[0].Line != 2 || !strings.Contains(finds[0].Message, "pager_size") || !strings.Contains(finds[0].Message, tc.finds) {
			t.Errorf("pager_size: %s: findings %v, want one at line 2 naming pager_size and %s", tc.value, finds, tc.finds)
		}
	}
	c, finds := Parse("playbook.yaml", []byte("title: &n 7\npager_size: *n\n"))
	if len(finds) != 0 || c.PagerSize != 7 {
		t.Errorf("pager_size: *n (7): PagerSize %d, findings %v", c.PagerSize, finds)
	}
}

// A setting playbook.yaml does not have, or a value of the wrong type, is
// named as the file writes it, with the closest setting when it looks
// like a slip of the keyboard, and never in the words of Go's types.
func TestParseNamesUnknownSettingsAndWrongTypesInTheFilesWords(t *testing.T) {
	src := "title: x\ntickets:\n  patern: x\nreview:\n  evry: 3 months\nnoindex: yes please\ntitel: x\nrules: 3\ncolour: blue\nfields: {a: 1}\n"
	_, finds := Parse("playbook.yaml", []byte(src))
	want := map[int]string{
		3:  `unknown setting "tickets.patern": did you mean "tickets.pattern"?`,
		5:  `unknown setting "review.evry": did you mean "review.every"?`,
		6:  `noindex must be true or false, got "yes please"`,
		7:  `unknown setting "titel": did you mean "title"?`,
		8:  `rules must be a list, got 3`,
		9:  `unknown setting "colour"`,
		10: `fields must be a list, got a mapping`,
	}
	got := map[int]string{}
	for _, f := range finds {
		got[f.Line] += f.Message
		if strings.Contains(f.Message, "config.file") || strings.Contains(f.Message, "struct {") || strings.Contains(f.Message, "!!") || strings.Contains(f.Message, "unmarshal") {
			t.Errorf("line %d: %q speaks of Go or YAML types", f.Line, f.Message)
		}
	}
	for line, msg := range want {
		if !strings.Contains(got[line], msg) {
			t.Errorf("line %d: %q, want %q", line, got[line], msg)
		}
	}
}
