package parse

import (
	"reflect"
	"testing"

	"github.com/opsplaybook/playbook/generator/markdown"
)

func sampleBodies() []*bodyPart {
	return []*bodyPart{
		{},
		{Headings: []markdown.Heading{}, Links: []bodyLink{}, Tasks: []markdown.Task{}, Notes: []markdown.Note{}, HTML: []markdown.Note{}},
		{
			H1: true, H1Text: "Title",
			Limit:    &markdown.LimitError{Line: -3, Check: "page/too-deep", Msg: "deep"},
			Notes:    []markdown.Note{{Line: 2, Check: "syntax/x", Message: "é ünïcode"}},
			HTML:     []markdown.Note{{Line: 9, Check: "html/y", Message: ""}},
			Headings: []markdown.Heading{{Level: 2, ID: "a-b", Text: "A b", Line: 4}},
			Links:    []bodyLink{{"b.md", 3, false}, {"c.png", 3, true}},
			Tasks:    []markdown.Task{{Text: "done", Checked: true, Line: 4}},
		},
	}
}

func TestCachedBodiesReadBackAsWritten(t *testing.T) {
	for i, bp := range sampleBodies() {
		enc := encodeBody(bp)
		got, err := decodeBody(enc)
		if err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, bp) {
			t.Errorf("body %d: read back\n%#v\nwritten\n%#v", i, got, bp)
		}
		for n := range len(enc) {
			if _, err := decodeBody(enc[:n]); err == nil {
				t.Errorf("body %d cut to %d of %d bytes was read", i, n, len(enc))
			}
		}
		if _, err := decodeBody(append(enc[:len(enc):len(enc)], 0)); err == nil {
			t.Errorf("body %d with a byte too many was read", i)
		}
	}
}

func FuzzDecodeBody(f *testing.F) {
	for _, bp := range sampleBodies() {
		f.Add(encodeBody(bp))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		bp, err := decodeBody(data)
		if err != nil {
			return
		}
		again, err := decodeBody(encodeBody(bp))
		if err != nil || !reflect.DeepEqual(again, bp) {
			t.Fatalf("a body read once does not read again the same: %v", err)
		}
	})
}
