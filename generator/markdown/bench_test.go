package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// benchPage is a typical runbook body: headings, lists, links, code, a
// table, tasks and callouts in all three spellings.
func benchPage() []byte {
	var b strings.Builder
	b.WriteString("# Payments: high error rate\n\n")
	for i := range 5 {
		b.WriteString("## Diagnosis step\n\nCheck the [dashboard](https://grafana.example.com/d/abc){target=_blank} and the `api` logs; see [the database runbook](../db/restore.md#restore).\n\n")
		b.WriteString("> [!WARNING]\n> Do not restart the primary during business hours.\n\n")
		b.WriteString("!!! tip \"Faster\"\n    Use the saved query.\n\n")
		b.WriteString(":::note\nEscalate after 15 minutes.\n:::\n\n")
		b.WriteString("- [ ] Page the on-call\n- [x] Open a ticket\n- [ ] Post in #incidents\n\n")
		b.WriteString("```bash\nkubectl -n payments get pods -l app=api\nkubectl -n payments logs deploy/api --since=15m | grep -c ERROR\n```\n\n")
		b.WriteString("| Signal | Threshold |\n|---|---:|\n| 5xx | 2% |\n| p99 | 800ms |\n\n")
		if i%2 == 0 {
			b.WriteString("Some *emphasis*, **strong** text, and a footnote.[^n]\n\n")
		}
	}
	b.WriteString("[^n]: The note.\n")
	return []byte(b.String())
}

// BenchmarkConvert measures the playbook's converter on a typical page.
func BenchmarkConvert(b *testing.B) {
	src := benchPage()
	m := New(Options{})
	var out bytes.Buffer
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := m.Render(&out, src, m.Parse(src)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvertPlainGoldmark is the baseline: goldmark with GFM,
// footnotes and definition lists only, no highlighting.
func BenchmarkConvertPlainGoldmark(b *testing.B) {
	src := benchPage()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList))
	var out bytes.Buffer
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := md.Convert(src, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// worstAccepted are the costliest bodies CheckLimits lets through, one of
// each shape whose cost grows faster than its size, each just under the
// limits.
func worstAccepted() map[string][]byte {
	repeat := func(unit string) []byte {
		return []byte(strings.Repeat(unit, (MaxPageBytes-1)/len(unit)))
	}
	var lists, footnotes strings.Builder
	for i := range MaxNesting {
		lists.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	lists.WriteString("\npara\n\n")
	for i := range MaxFootnotes / 2 {
		footnotes.WriteString("a[^" + strings.Repeat("n", i%7+1) + string(rune('a'+i%26)) + "] ")
	}
	footnotes.WriteString("\n\n")
	for i := range MaxFootnotes / 2 {
		footnotes.WriteString("[^" + strings.Repeat("n", i%7+1) + string(rune('a'+i%26)) + "]: note\n")
	}
	return map[string][]byte{
		"callouts":  repeat(strings.Repeat(":::note\n", MaxNesting) + "x\n" + strings.Repeat(":::\n", MaxNesting)),
		"lists":     repeat(lists.String()),
		"quotes":    repeat(strings.Repeat("> ", MaxNesting) + "x\n\n"),
		"headings":  []byte(strings.Repeat("## Heading\n\n", MaxHeadings)),
		"text":      repeat("Some *text* with a [link](https://example.org) and `code`.\n\n"),
		"footnotes": []byte(footnotes.String()),
	}
}

// BenchmarkWorstAccepted converts each of worstAccepted's bodies, to
// show that what CheckLimits accepts stays cheap (ns/op is per body).
func BenchmarkWorstAccepted(b *testing.B) {
	m := New(Options{})
	for name, src := range worstAccepted() {
		b.Run(name, func(b *testing.B) {
			if err := CheckLimits(src); err != nil {
				b.Fatalf("refused: %s", err.Msg)
			}
			var out bytes.Buffer
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				if err := m.Render(&out, src, m.Parse(src)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
