package search

import (
	"math/rand"
	"strings"
	"testing"
)

// excerptAsWritten is excerpt as it was first written, plainly: the
// reference that excerpt, made in one pass, must agree with.
func excerptAsWritten(summary, body, title string) string {
	text := summary
	if text == "" {
		text = strings.TrimSpace(body)
		if rest, ok := strings.CutPrefix(text, title); ok {
			text = rest
		}
	}
	if len(text) > 4*excerptLen {
		text = text[:4*excerptLen]
	}
	text = strings.ToValidUTF8(strings.Join(strings.Fields(text), " "), "")
	rs := []rune(text)
	if len(rs) <= excerptLen {
		return text
	}
	cut := excerptLen
	for cut > excerptLen/2 && rs[cut] != ' ' {
		cut--
	}
	return strings.TrimSpace(string(rs[:cut])) + "…"
}

// The excerpt of a page is the same as the plain reference's, for
// bodies of every sort: short and long, with spaces of every kind,
// characters of several bytes, bytes that are not UTF-8, and a title
// that opens the body.
func TestExcerptIsTheReferencesExcerpt(t *testing.T) {
	pieces := []string{"a", "word", " ", "  ", "\t", "\n\n", "\u00a0", "\u2003", "\u3000", "é", "日本語", "\xff", "\xe2\x82", "…", "KubePodCrashLooping", "\u0085", "x\u200by"}
	r := rand.New(rand.NewSource(1))
	for range 5000 {
		var b strings.Builder
		for range r.Intn(400) {
			p := pieces[r.Intn(len(pieces))]
			b.WriteString(p)
		}
		body := b.String()
		title := ""
		if r.Intn(3) == 0 && len(body) > 3 {
			title = body[:r.Intn(len(body))]
		}
		summary := ""
		if r.Intn(5) == 0 {
			summary = body
			body = "other"
		}
		if got, want := excerpt(summary, body, title), excerptAsWritten(summary, body, title); got != want {
			t.Fatalf("excerpt(%q, %q, %q) = %q, want %q", summary, body, title, got, want)
		}
	}
}

func FuzzExcerpt(f *testing.F) {
	f.Add("", "Title body words", "Title")
	f.Add("A summary", "", "")
	f.Add("", strings.Repeat("word\xff\u3000", 100), "")
	f.Fuzz(func(t *testing.T, summary, body, title string) {
		if got, want := excerpt(summary, body, title), excerptAsWritten(summary, body, title); got != want {
			t.Fatalf("excerpt(%q, %q, %q) = %q, want %q", summary, body, title, got, want)
		}
	})
}
