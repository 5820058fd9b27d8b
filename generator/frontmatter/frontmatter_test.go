package frontmatter

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/diag"
)

func TestSplitSeparatesFrontMatterAndKnowsTheBodyLine(t *testing.T) {
	tests := []struct {
		name, src, yaml, body string
		line                  int
		ok                    bool
	}{
		{"no front matter", "# Title\n", "", "# Title\n", 1, true},
		{"front matter", "---\ntitle: A\n---\nBody\n", "title: A\n", "Body\n", 4, true},
		{"dots close it", "---\ntitle: A\n...\nBody\n", "title: A\n", "Body\n", 4, true},
		{"windows line ends", "---\r\ntitle: A\r\n---\r\nBody\r\n", "title: A\r\n", "Body\r\n", 4, true},
		{"byte order mark", "\xef\xbb\xbf---\ntitle: A\n---\n", "title: A\n", "", 4, true},
		{"empty front matter", "---\n---\nBody", "", "Body", 3, true},
		{"fence with trailing spaces", "---  \ntitle: A\n---\t\nB", "title: A\n", "B", 4, true},
		{"closing fence at end of file", "---\ntitle: A\n---", "title: A\n", "", 4, true},
		{"unclosed", "---\ntitle: A\n\nBody\n", "", "---\ntitle: A\n\nBody\n", 1, false},
		{"rule later is no front matter", "Text\n\n---\n\nMore\n", "", "Text\n\n---\n\nMore\n", 1, true},
		{"four dashes are not a fence", "----\nx\n----\n", "", "----\nx\n----\n", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml, body, line, ok := Split([]byte(tt.src))
			if string(yaml) != tt.yaml || string(body) != tt.body || line != tt.line || ok != tt.ok {
				t.Errorf("Split(%q) = %q, %q, %d, %v; want %q, %q, %d, %v", tt.src, yaml, body, line, ok, tt.yaml, tt.body, tt.line, tt.ok)
			}
		})
	}
}

func TestDecodeReadsEveryKindOfField(t *testing.T) {
	src := `title: High error rate
description: From another tool
kind: runbook
roles: on-call
owner: group:default/payments
tags: [api, "5xx"]
weight: 3
aliases: [/old/]
last_reviewed: 2026-03-01
review_every: 6 months
draft: false
ticket: PAY-1
tickets: [PAY-2]
alerts: [A, B]
severity: critical
path:
  - guides/one
  - guides/two
cover: wide
`
	m, finds := Decode("x.md", []byte(src), 2, Options{})
	if len(finds) != 1 || finds[0].Check != "frontmatter/unknown-field" || finds[0].Severity != diag.Warning || finds[0].Line != 20 {
		t.Fatalf("findings = %v, want one warning for cover on line 20", finds)
	}
	if m.Title != "High error rate" || m.Summary != "From another tool" || m.Kind != "runbook" || m.Owner != "group:default/payments" {
		t.Errorf("strings: %+v", m)
	}
	if !slices.Equal(m.Roles, []string{"on-call"}) || !slices.Equal(m.Tags, []string{"api", "5xx"}) || !slices.Equal(m.Tickets, []string{"PAY-1", "PAY-2"}) {
		t.Errorf("lists: roles %v tags %v tickets %v", m.Roles, m.Tags, m.Tickets)
	}
	if m.Weight != 3 || m.LastReviewed.String() != "2026-03-01" || m.ReviewEvery != (Period{Months: 6}) {
		t.Errorf("typed: weight %d, reviewed %s, every %v", m.Weight, m.LastReviewed, m.ReviewEvery)
	}
	if !slices.Equal(m.OnboardingPathLines, []int{18, 19}) || m.Line("owner", 0) != 6 {
		t.Errorf("lines: path %v, owner %d", m.OnboardingPathLines, m.Line("owner", 0))
	}
	if m.Param("cover") != "wide" {
		t.Errorf("extra field cover = %q", m.Param("cover"))
	}
}

func TestDecodeSuggestsTheKeyMeantForSlips(t *testing.T) {
	tests := []struct{ key, want string }{
		{"titel", `did you mean "title"`},
		{"Title", `did you mean "title"`},
		{"ownr", `did you mean "owner"`},
		{"last-reviewed", `did you mean "last_reviewed"`},
		{"tag", `did you mean "tags"`},
		{"runbok", `did you mean "runbook"`},
		// Keys that no tool defines get no suggestion.
		{"cover", ""},
		{"hero", ""},
	}
	for _, tt := range tests {
		_, finds := Decode("x.md", []byte(tt.key+": x\n"), 2, Options{})
		if len(finds) != 1 {
			t.Fatalf("%s: findings %v", tt.key, finds)
		}
		f := finds[0]
		if tt.want == "" {
			if f.Severity != diag.Warning || strings.Contains(f.Message, "did you mean") {
				t.Errorf("%s: %v, want a warning without suggestion", tt.key, f)
			}
			continue
		}
		if f.Severity != diag.Error || !strings.Contains(f.Message, tt.want) {
			t.Errorf("%s: %v, want an error with %s", tt.key, f, tt.want)
		}
	}
}

func TestDecodeKeepsDeclaredFieldsQuietly(t *testing.T) {
	m, finds := Decode("x.md", []byte("cover: '#ops'\n"), 2, Options{Allowed: []string{"cover"}})
	if len(finds) != 0 || m.Param("cover") != "#ops" {
		t.Errorf("findings %v, value %q", finds, m.Param("cover"))
	}
}

func TestDecodeKnowsOtherToolsFields(t *testing.T) {
	src := `id: caring
slug: /crockery/mugs
sidebar_label: Descale
sidebar_position: 2.6
owner_slack: "#kettles"
old_paths: [/manual/old.html]
layout: wide
type: learn
section: Kettles
parent: /manual.html
hide_table_of_contents: true
bookToc: false
cascade:
  owner: kettles
`
	m, finds := Decode("x.md", []byte(src), 2, Options{})
	if len(finds) != 0 {
		t.Fatalf("findings for fields other tools define: %v", finds)
	}
	if m.DocID != "caring" || m.Slug != "/crockery/mugs" || m.NavLabel != "Descale" || m.Weight != 3 ||
		m.OwnerSlack != "#kettles" || !slices.Equal(m.Aliases, []string{"/manual/old.html"}) {
		t.Errorf("mapped fields: %+v", m)
	}
	if m.Cascade != "owner: kettles" || m.CascadeLine != 14 || m.Param("layout") != "wide" {
		t.Errorf("cascade %q at %d, layout %q", m.Cascade, m.CascadeLine, m.Param("layout"))
	}
}

func TestSplitAnyReadsTOMLAndJSON(t *testing.T) {
	tests := []struct {
		name, src string
		format    Format
		title     string
		weight    int
		body      string
		line      int
	}{
		{"toml", "+++\ntitle = \"Kettle\"\nweight = 2\n[params]\nx = 1\n+++\nBody\n", TOML, "Kettle", 2, "Body\n", 7},
		{"json", "{\n  \"title\": \"Kettle\",\n  \"weight\": 2\n}\nBody\n", JSON, "Kettle", 2, "Body\n", 5},
		{"yaml", "---\ntitle: Kettle\nweight: 2\n---\nBody\n", YAML, "Kettle", 2, "Body\n", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm, format, body, line, ok := SplitAny([]byte(tt.src))
			if !ok || format != tt.format || string(body) != tt.body || line != tt.line {
				t.Fatalf("SplitAny = %q, %v, %q, %d, %v", fm, format, body, line, ok)
			}
			m, finds := DecodeAny("x.md", fm, format, 2, Options{})
			if len(finds) != 0 || m.Title != tt.title || m.Weight != tt.weight {
				t.Errorf("title %q weight %d findings %v", m.Title, m.Weight, finds)
			}
			if tt.format == TOML && (m.Line("weight", 0) != 3 || m.Line("params", 0) != 4) {
				t.Errorf("lines: weight %d params %d", m.Line("weight", 0), m.Line("params", 0))
			}
		})
	}
	_, finds := DecodeAny("x.md", []byte("title = \n"), TOML, 2, Options{})
	if len(finds) != 1 || finds[0].Check != "frontmatter/invalid" || finds[0].Line != 2 {
		t.Errorf("bad TOML: %v", finds)
	}
}

func TestDecodeReportsBadValuesAtTheirLine(t *testing.T) {
	src := "title: ok\nweight: heavy\nroles:\n  - a\n  - {b: c}\n"
	_, finds := Decode("x.md", []byte(src), 2, Options{})
	var lines []int
	for _, f := range finds {
		if f.Check != "frontmatter/invalid" {
			t.Errorf("unexpected %v", f)
		}
		lines = append(lines, f.Line)
	}
	if !slices.Equal(lines, []int{3, 6}) {
		t.Errorf("lines %v, want [3 6]: %v", lines, finds)
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]Period{
		"90d": {Days: 90}, "90 days": {Days: 90}, "2w": {Days: 14}, "12 weeks": {Days: 84},
		"6 months": {Months: 6}, "1y": {Months: 12}, "2 years": {Months: 24}, "1 month": {Months: 1},
	} {
		got, err := ParsePeriod(in)
		if err != nil || got != want {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "0d", "-3d", "soon", "3 fortnights", "1.5y"} {
		if _, err := ParsePeriod(in); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", in)
		}
	}
}

// FuzzSplit checks that splitting never loses or invents text: the front
// matter and body are pieces of the input, in order.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"---\ntitle: A\n---\nBody\n", "---\r\na: b\r\n...\r\n", "\xef\xbb\xbf---\n---\n", "---", "---\n", "# x\n---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		yaml, body, line, ok := Split(src)
		if line < 1 {
			t.Fatalf("body line %d", line)
		}
		if !bytes.HasSuffix(src, body) {
			t.Fatalf("body %q is not the end of the input", body)
		}
		if !bytes.Contains(src, yaml) {
			t.Fatalf("front matter %q is not in the input", yaml)
		}
		if !ok && !bytes.Equal(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), body) {
			t.Fatalf("unclosed front matter must leave the whole file as body")
		}
		if got := bytes.Count(src[:len(src)-len(body)], []byte("\n")) + 1; len(yaml) > 0 && len(body) > 0 && got != line {
			t.Fatalf("body line %d, but the body starts on line %d", line, got)
		}
	})
}

// Findings point at the file's lines as editors count them ("\n"), also
// when the YAML parser sees more lines (NEL, U+2028, U+2029, a lone "\r")
// or reads the front matter as UTF-16 after a byte-order mark.
func TestDecodeLinesAreFileLines(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{"\xff\xfe\x85\x00\x85\x00\x85\x00\x85\x00[\x00", "x.md:2: error: front matter starts with a UTF-16 byte-order mark: save the file as UTF-8 [frontmatter/invalid]"},
		{"\xfe\xff\x00t\x00:\x00 \x00x\x00\n", "x.md:2: error: front matter starts with a UTF-16 byte-order mark: save the file as UTF-8 [frontmatter/invalid]"},
		{"title: \"a\u2028b\u2029c\"\nweight: x\n", "x.md:3: error: weight: want a whole number from -1000000000 to 1000000000, got \"x\" [frontmatter/invalid]"},
		{"title: a\u0085\u0085\u0085\n[", "x.md:3: error: front matter is not valid YAML: could not find expected ':' [frontmatter/invalid]"},
		{"title: a\r\r\r\nweight: x\n", "x.md:3: error: weight: want a whole number from -1000000000 to 1000000000, got \"x\" [frontmatter/invalid]"},
	} {
		_, finds := Decode("x.md", []byte(tc.src), 2, Options{})
		var got []string
		for _, f := range finds {
			got = append(got, f.String())
		}
		if strings.Join(got, "\n") != tc.want {
			t.Errorf("%q: findings\n%s\nwant\n%s", tc.src, strings.Join(got, "\n"), tc.want)
		}
	}
}

// A number or period too large for a calendar or for the build cache's 32
// bits is an error of its line, not a value that wraps or a cache entry
// that never reads back; the largest allowed still reads.
func TestDecodeBoundsNumbersAndPeriods(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string
	}{
		{"review_every: 9999999999d\n", `x.md:2: error: review_every: want a period of at most 100 years, got "9999999999d" [frontmatter/invalid]`},
		{"review_every: 1317624576693539401w\n", `x.md:2: error: review_every: want a period of at most 100 years, got "1317624576693539401w" [frontmatter/invalid]`},
		{"review_every: 101 years\n", `x.md:2: error: review_every: want a period of at most 100 years, got "101 years" [frontmatter/invalid]`},
		{"review_every: 1201mo\n", `x.md:2: error: review_every: want a period of at most 100 years, got "1201mo" [frontmatter/invalid]`},
		{"review_every: 36526d\n", `x.md:2: error: review_every: want a period of at most 100 years, got "36526d" [frontmatter/invalid]`},
		{"review_every: 100y\nweight: 1000000000\n", ""},
		{"review_every: 36525d\nsidebar_position: -1000000000\n", ""},
		{"title: A\nweight: 4294967297\n", `x.md:3: error: weight: want a whole number from -1000000000 to 1000000000, got "4294967297" [frontmatter/invalid]`},
		{"sidebar_position: 2e9\n", `x.md:2: error: sidebar_position: want a number from -1000000000 to 1000000000, got "2e9" [frontmatter/invalid]`},
	} {
		m, finds := Decode("x.md", []byte(tc.src), 2, Options{})
		var got []string
		for _, f := range finds {
			got = append(got, f.String())
		}
		if strings.Join(got, "\n") != tc.want {
			t.Errorf("%q: findings\n%s\nwant\n%s", tc.src, strings.Join(got, "\n"), tc.want)
		}
		enc, err := EncodeResult(m, finds)
		if err != nil {
			t.Fatal(err)
		}
		if cm, _, err := DecodeResult(enc); err != nil || !reflect.DeepEqual(cm, m) {
			t.Errorf("%q: the cached front matter reads back otherwise (%v)", tc.src, err)
		}
	}
}

// A finding about one value of a list names that value's line: the first
// when it is written twice, the key's line in a flow list or for a single
// value, the fallback for a value the key does not hold.
func TestItemLineIsTheLineOfTheValue(t *testing.T) {
	src := "title: A\ntickets:\n  - OPS-2\n  - OPS-1\n  - OPS-2\nroles: [engineer, on-call]\nalerts: DiskFull\ntags:\n  - b\n  - a\n"
	m, finds := Decode("x.md", []byte(src), 2, Options{})
	if len(finds) > 0 {
		t.Fatal(finds)
	}
	for _, tc := range []struct {
		key, value string
		want       int
	}{
		{"tickets", "OPS-2", 4},
		{"tickets", "OPS-1", 5},
		{"roles", "on-call", 7},
		{"roles", "engineer", 7},
		{"alerts", "DiskFull", 8},
		{"tags", "a", 11},
		{"tags", "b", 10},
		{"tags", "c", 99},
		{"roles", "OPS-1", 99},
		{"ticket", "OPS-1", 99},
	} {
		if got := m.ItemLine(tc.key, tc.value, 99); got != tc.want {
			t.Errorf("%s %q: line %d, want %d", tc.key, tc.value, got, tc.want)
		}
	}
}

// FuzzDecode checks that any YAML decodes without panicking and that every
// finding points into the front matter.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"title: A\nroles: [a, b]\n", "weight: x\n", "a: &x 1\nb: *x\n", "- list\n", "? [a]\n: b\n", "title: A\ntitle: B\n", "path:\n  - a\n  - [b]\n", "last_reviewed: 2026-02-30\n", "review_every: 99999999999999999999d\n", "review_every: 9999999999d\n", "weight: 9999999999\n", "review_every: 999999999999999999y\n", "\xff\xfe\x85\x00\x85\x00[\x00", "a: \u2028\u2028[", "\r\r\r["} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, finds := Decode("x.md", src, 2, Options{})
		if m == nil {
			t.Fatal("nil meta")
		}
		// The front matter starts on line 2 and has as many lines as
		// editors count: one more than its "\n".
		last := 2 + bytes.Count(src, []byte("\n"))
		for _, fd := range finds {
			if fd.Path != "x.md" || fd.Line < 2 || fd.Line > last || fd.Check == "" || fd.Message == "" {
				t.Fatalf("finding %+v outside the front matter, lines 2 to %d", fd, last)
			}
		}
		// What a build cache keeps of it reads back the same.
		enc, err := EncodeResult(m, finds)
		if err != nil {
			t.Fatal(err)
		}
		cm, cfinds, err := DecodeResult(enc)
		if err != nil || !reflect.DeepEqual(cm, m) || !reflect.DeepEqual(cfinds, finds) {
			t.Fatalf("the cached front matter reads back otherwise (%v):\n%#v\n%#v", err, cm, m)
		}
	})
}

func TestDecodeReadsParamsInOrderWithTheirDefaults(t *testing.T) {
	src := "for: 5m\nparams:\n  namespace: payments\n  cluster:\n  pod: web-0\n"
	m, finds := Decode("x.md", []byte(src), 2, Options{})
	if len(finds) != 0 {
		t.Fatalf("findings %v", finds)
	}
	want := []Param{{"namespace", "payments"}, {"cluster", ""}, {"pod", "web-0"}}
	if !slices.Equal(m.Params, want) || m.For != "5m" {
		t.Errorf("params %v, for %q; want %v, 5m", m.Params, m.For, want)
	}
}

func TestDecodeRefusesParamsThatAreNotLabelNames(t *testing.T) {
	for src, line := range map[string]int{
		"params: [a, b]\n":                   2,
		"params:\n  1st: x\n":                3,
		"params:\n  name-space: x\n":         3,
		"params:\n  ns: [a]\n":               3,
		"params:\n  ns: a\n  ns: b\n":        4,
		"params:\n  ok: a\n  \"{{x}}\": b\n": 4,
	} {
		_, finds := Decode("x.md", []byte(src), 2, Options{})
		if len(finds) != 1 || finds[0].Check != "frontmatter/invalid" || finds[0].Line != line {
			t.Errorf("%q: findings %v, want one frontmatter/invalid on line %d", src, finds, line)
		}
	}
}
