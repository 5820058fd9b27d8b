package markdown

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// maxFuzzInput and maxFuzzURL bound fuzz inputs: longer ones find
// nothing new and slow the search down.
const (
	maxFuzzInput = 1 << 13
	maxFuzzURL   = 1 << 11
)

// addGoldenSeeds adds the .md half of every golden case as a seed.
func addGoldenSeeds(f *testing.F, add func(src string)) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no golden archives: %v", err)
	}
	for _, path := range paths {
		_, _, cases := readGolden(f, path)
		for _, c := range cases {
			add(string(c.md))
		}
	}
}

// FuzzCallouts wraps random markdown in each callout spelling and checks
// that every spelling still opens its callout, that safe-mode output stays
// well-formed and free of raw HTML and dangerous URLs, that conversion is
// deterministic, and that the outline of the page can be read.
func FuzzCallouts(f *testing.F) {
	addGoldenSeeds(f, func(src string) { f.Add(src) })
	m := New(Options{})
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > maxFuzzInput {
			t.Skip()
		}
		defer watchdog(src).Stop()
		cases := []struct {
			src, prefix string
		}{
			{src, ""},
			{":::note Fuzz\n" + src + "\n:::\n", "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Fuzz</p>\n"},
			{"::::tip[Fuzz]\n:::danger\n" + src + "\n:::\n::::\n", "<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Fuzz</p>\n"},
			{"!!! warning \"Fuzz\"\n" + prefixLines(src, "    "), "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Fuzz</p>\n"},
			{"???+ error\n" + prefixLines(src, "\t"), "<details class=\"callout callout-danger\" open>\n<summary class=\"callout-title\">Error</summary>\n"},
			{"> [!IMPORTANT]\n>\n" + prefixLines(src, "> "), "<div class=\"callout callout-important\" role=\"note\">\n<p class=\"callout-title\">Important</p>\n"},
		}
		for _, c := range cases {
			out, err := m.Convert([]byte(c.src))
			if err != nil {
				t.Fatalf("%q: %v", c.src, err)
			}
			if err := checkSafeHTML(out); err != nil {
				t.Fatalf("%q:\n%s\n%v", c.src, out, err)
			}
			// The GitHub marker stays a blockquote when a reference
			// definition ("[!important]: url") makes a link of it, or a
			// line starting with ':' makes it a definition term.
			github := strings.Contains(c.prefix, "Important")
			if c.prefix != "" && !strings.HasPrefix(out, c.prefix) &&
				!(github && (strings.Contains(src, "]:") || strings.HasPrefix(out, "<blockquote>\n<dl>"))) {
				t.Fatalf("%q: output does not open with %q:\n%s", c.src, c.prefix, out)
			}
		}
		// Conversion is deterministic, and the outline can be read.
		doc := m.Parse([]byte(src))
		var b strings.Builder
		if err := m.Render(&b, []byte(src), doc); err != nil {
			t.Fatal(err)
		}
		if out, _ := m.Convert([]byte(src)); out != b.String() {
			t.Fatalf("%q: two conversions differ:\n%s\n%s", src, out, b.String())
		}
		_ = ReadOutline(doc, []byte(src), NewLines([]byte(src), 1))
	})
}

// FuzzLinks puts random text where URLs go, in every kind of link and in
// raw HTML, and checks that no href or src a browser would read as a
// javascript:, vbscript: or non-image data: URL comes out, in safe mode
// and in unsafe mode alike.
func FuzzLinks(f *testing.F) {
	for _, u := range []string{
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x61;script:alert(1)", "&#106;avascript:x",
		"&#0000106;avascript:x", "javascript&colon;x", "java\tscript:x", " &#1;javascript:x",
		"vbscript:x", "data:text/html,x", "data:image/png;base64,AA", "data:image/svg+xml,x",
		"https://example.com/?q=javascript:x", "../a.md#b", "<javascript:x>",
	} {
		f.Add(u, false)
		f.Add(u, true)
	}
	addGoldenSeeds(f, func(src string) {
		f.Add(src, false)
		f.Add(src, true)
	})
	safe, unsafe := New(Options{}), New(Options{UnsafeHTML: true})
	f.Fuzz(func(t *testing.T, u string, unsafeHTML bool) {
		if len(u) > maxFuzzURL {
			t.Skip()
		}
		defer watchdog(u).Stop()
		m, check := safe, checkSafeHTML
		if unsafeHTML {
			m, check = unsafe, checkUnsafeHTML
		}
		for _, src := range []string{
			u,
			"[x](" + u + ")",
			"[x](<" + u + ">)",
			"![x](" + u + ")",
			"<" + u + ">",
			"[x] [y][x]\n\n[x]: " + u + "\n",
			"[x](" + u + "){target=_blank}",
			"<a href=\"" + u + "\">x</a> <img src='" + u + "'> <a href=" + u + ">y</a>",
			"<div>\n<a href=\"" + u + "\">x</a>\n</div>\n",
		} {
			out, err := m.Convert([]byte(src))
			if err != nil {
				t.Fatalf("%q: %v", src, err)
			}
			if bad := plainDangerousAttribute(out); bad != "" {
				t.Fatalf("%q (unsafe %v): output has %s:\n%s", src, unsafeHTML, bad, out)
			}
			if err := check(out); err != nil {
				t.Fatalf("%q (unsafe %v):\n%s\n%v", src, unsafeHTML, out, err)
			}
		}
	})
}

// plainDangerousAttribute returns the first `href="javascript:` (or src,
// or vbscript:) in out, in any case, that starts an attribute name, or "".
func plainDangerousAttribute(out string) string {
	low := strings.ToLower(out)
	for _, bad := range []string{`href="javascript:`, `src="javascript:`, `href="vbscript:`, `src="vbscript:`} {
		for i := 0; ; {
			j := strings.Index(low[i:], bad)
			if j < 0 {
				break
			}
			i += j
			if i == 0 || strings.IndexByte(" \t\n\r\f\"'/=<>", low[i-1]) >= 0 {
				return out[i : i+len(bad)]
			}
			i++
		}
	}
	return ""
}

// watchdog crashes the fuzzing process when an input takes far longer than
// any should, so that the fuzzer reports and keeps the input instead of
// stalling on it.
func watchdog(input string) *time.Timer {
	return time.AfterFunc(10*time.Second, func() {
		panic(fmt.Sprintf("input hangs: %q", input))
	})
}

// prefixLines puts prefix before every line of s.
func prefixLines(s, prefix string) string {
	var b strings.Builder
	for line := range strings.Lines(s) {
		b.WriteString(prefix)
		b.WriteString(line)
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}
