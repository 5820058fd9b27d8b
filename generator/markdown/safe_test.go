package markdown

import (
	"strings"
	"testing"
)

func TestDangerousURLSeesThroughWhatBrowsersIgnore(t *testing.T) {
	for _, c := range []struct {
		url   string
		image bool
		want  bool
	}{
		{"javascript:alert(1)", false, true},
		{"JaVaScRiPt:alert(1)", false, true},
		{"  javascript:alert(1)", false, true},
		{"\x01\x1fjavascript:x", false, true},
		{"java\tscript:x", false, true},
		{"java\nscript:x", false, true},
		{"java\r\nscript:x", false, true},
		{"jav&#x61;script:x", false, true},
		{"jav&#X61script:x", false, true},
		{"&#106;avascript:x", false, true},
		{"&#0000000106;avascript:x", false, true},
		{"javascript&colon;x", false, true},
		{"java&Tab;script:x", false, true},
		{"&#32;javascript:x", false, true},
		{"vbscript:msgbox", false, true},
		{"VBScript:x", false, true},
		{"data:text/html,<script>", false, true},
		{"data:image/png;base64,AA", false, true},
		{"data:image/png;base64,AA", true, false},
		{"data:image/gif,AA", true, false},
		{"DATA:IMAGE/JPEG;base64,AA", true, false},
		{"data:image/webp;base64,AA", true, false},
		{"data:image/svg+xml;base64,AA", true, true},
		{"data:image/pngx;base64,AA", true, true},
		{"data:image/png", true, true},
		{"https://example.com/javascript:x", false, false},
		{"/javascript/guide", false, false},
		{"?javascript:x", false, false},
		{"#javascript:x", false, false},
		{"javascript%3Ax", false, false},
		{"%20javascript:x", false, false},
		{"java\x01script:x", false, false},
		{"javascripts:x", false, false},
		{"mailto:a@b.c", false, false},
		{"", false, false},
		{"&", false, false},
		{"&#", false, false},
		{"&#x;", false, false},
		{"&#99999999999;javascript:x", false, false},
	} {
		if got := dangerousURL([]byte(c.url), c.image); got != c.want {
			t.Errorf("dangerousURL(%q, image %v) = %v, want %v", c.url, c.image, got, c.want)
		}
	}
}

func TestNeutralizeURLsReplacesDangerousURLAttributesOnly(t *testing.T) {
	for in, want := range map[string]string{
		`<a href="javascript:x">a</a>`:                           `<a href="#">a</a>`,
		`<a href='JAVASCRIPT:x' title="t">`:                      `<a href='#' title="t">`,
		`<a href=javascript:x>`:                                  `<a href=#>`,
		"<a href =\n\"javascript:x\">":                           "<a href =\n\"#\">",
		`<a title='x'href="javascript:x">`:                       `<a title='x'href="#">`,
		`<a/href="javascript:x">`:                                `<a/href="#">`,
		`<img src="data:image/png;base64,AA">`:                   `<img src="data:image/png;base64,AA">`,
		`<img src="data:image/svg+xml,x">`:                       `<img src="#">`,
		`<a href="data:image/png;base64,AA">`:                    `<a href="#">`,
		`<a title="javascript:x" data-x="javascript:x">`:         `<a title="javascript:x" data-x="javascript:x">`,
		`<a href="https://e.example/?q=javascript:x">`:           `<a href="https://e.example/?q=javascript:x">`,
		`<a href="javascript:x('<b>')">`:                         `<a href="#<b>')">`,
		`<a href="javascript:x`:                                  `<a href="#`,
		`<a href=javascript:x"y>`:                                `<a href=#"y>`,
		`<meta http-equiv=refresh content="0;url=javascript:x">`: `<meta http-equiv=refresh content="0;url=#">`,
		`=`:         `=`,
		`a= `:       `a= `,
		`<a href=>`: `<a href=>`,
	} {
		if got := string(neutralizeURLs([]byte(in))); got != want {
			t.Errorf("neutralizeURLs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNeutralizeURLsReturnsCleanInputUnchanged(t *testing.T) {
	in := []byte(`<a href="https://example.com">x</a>`)
	if got := neutralizeURLs(in); &got[0] != &in[0] {
		t.Error("clean input was copied")
	}
}

func TestRawHTMLNULIsReplaced(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		out, err := New(Options{UnsafeHTML: unsafe}).Convert([]byte("a <b title=\"\x00\">x</b>\n\n<div>\x00</div>\n"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.IndexByte(out, 0) >= 0 || !strings.Contains(out, "\ufffd") {
			t.Errorf("unsafe %v: NUL not replaced in %q", unsafe, out)
		}
	}
}

func TestIsCommentAcceptsOneCommentOnly(t *testing.T) {
	for in, want := range map[string]bool{
		"<!-- x -->":            true,
		"  <!--\nx\n-->\n":      true,
		"<!---->":               true,
		"<!-->":                 true,
		"<!--->":                true,
		"<!-- x --> <b>":        false,
		"<!-- a --> <!-- b -->": false,
		"<b>":                   false,
		"<!-- x":                false,
	} {
		if got := isComment([]byte(in)); got != want {
			t.Errorf("isComment(%q) = %v, want %v", in, got, want)
		}
	}
}
