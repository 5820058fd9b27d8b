package frontmatter

import (
	"reflect"
	"testing"

	"github.com/opsplaybook/playbook/generator/diag"
)

// fullMeta returns a Meta with every field set (by reflection, so that a
// field added to Meta is set too), and two findings.
func fullMeta(t testing.TB) (*Meta, []diag.Finding) {
	m := &Meta{}
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue // unexported: set below
		}
		switch f.Interface().(type) {
		case string:
			f.SetString("v" + v.Type().Field(i).Name + " é")
		case bool:
			f.SetBool(true)
		case int:
			f.SetInt(int64(-3 - i))
		case []string:
			f.Set(reflect.ValueOf([]string{"a", "", "c" + v.Type().Field(i).Name}))
		case []int:
			f.Set(reflect.ValueOf([]int{4, -1}))
		case map[string]int:
			f.Set(reflect.ValueOf(map[string]int{"title": 2, "owner": 9}))
		case map[string]string:
			f.Set(reflect.ValueOf(map[string]string{"owner": "content/_index.md:3"}))
		case Period:
			f.Set(reflect.ValueOf(Period{Days: 5, Months: 7}))
		case Date, []Param, []Field:
		default:
			t.Fatalf("Meta.%s is of a type fullMeta does not know: set it here, and encode it", v.Type().Field(i).Name)
		}
	}
	d, err := ParseDate("2026-03-01T10:00:00+01:00")
	if err != nil {
		t.Fatal(err)
	}
	m.LastReviewed, m.reviewedText = d, "2026-03-01T10:00:00+01:00"
	m.Params = []Param{{"namespace", "payments"}, {"pod", ""}}
	m.Extra = []Field{{"cover", "wide", 7}, {"menu", "main: {weight: 2}", 8}}
	m.items = []itemLine{{"alerts", "A", 3}, {"tickets", "PAY-1", 5}}
	for i := range v.NumField() {
		if name := v.Type().Field(i).Name; name != "nodes" && v.Field(i).IsZero() {
			t.Fatalf("fullMeta leaves Meta.%s unset: set it, and encode it", name)
		}
	}
	finds := []diag.Finding{
		{Check: "frontmatter/unknown-field", Severity: diag.Warning, Path: "content/a.md", Line: 4, Message: "unknown field", Fix: ""},
		{Check: "frontmatter/invalid", Severity: diag.Error, Path: "content/a.md", Line: 0, Message: "bad", Fix: "add it"},
	}
	return m, finds
}

func TestACachedFrontMatterReadsBackAsDecoded(t *testing.T) {
	full, fullFinds := fullMeta(t)
	cases := []struct {
		m     *Meta
		finds []diag.Finding
	}{
		{&Meta{}, nil},
		{&Meta{Lines: map[string]int{}, Roles: []string{}}, []diag.Finding{}},
		{full, fullFinds},
	}
	for _, src := range []string{"title: A\nroles: [a, b]\nlast_reviewed: 2026-03-01\nreview_every: 90d\n", "titel: A\nweight: x\n",
		"path:\n  - a\n  - b\nalerts:\n  - X\n  - Y\ncover: {a: 1}\nparams:\n  ns: web\n", "- list\n"} {
		m, finds := Decode("content/x.md", []byte(src), 2, Options{})
		cases = append(cases, struct {
			m     *Meta
			finds []diag.Finding
		}{m, finds})
	}
	for i, c := range cases {
		enc, err := EncodeResult(c.m, c.finds)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		m, finds, err := DecodeResult(enc)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !reflect.DeepEqual(m, c.m) || !reflect.DeepEqual(finds, c.finds) {
			t.Errorf("case %d: read back\n%#v %#v\nencoded\n%#v %#v", i, m, finds, c.m, c.finds)
		}
		for n := range len(enc) {
			if _, _, err := DecodeResult(enc[:n]); err == nil {
				t.Errorf("case %d cut to %d of %d bytes was read", i, n, len(enc))
			}
		}
		if _, _, err := DecodeResult(append(enc[:len(enc):len(enc)], 0)); err == nil {
			t.Errorf("case %d with a byte too many was read", i)
		}
	}
	inh, _ := Decode("x.md", []byte("owner: a\n"), 2, Options{Inheritable: true})
	if _, err := EncodeResult(inh, nil); err == nil {
		t.Error("a front matter decoded for inheritance was encoded")
	}
}

// FuzzDecodeResult checks that any bytes are either refused or read as a
// front matter that encodes and reads back the same.
func FuzzDecodeResult(f *testing.F) {
	full, finds := fullMeta(f)
	for _, m := range []*Meta{full, {}} {
		enc, err := EncodeResult(m, finds)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, finds, err := DecodeResult(data)
		if err != nil {
			return
		}
		enc, err := EncodeResult(m, finds)
		if err != nil {
			t.Fatal(err)
		}
		again, againFinds, err := DecodeResult(enc)
		if err != nil || !reflect.DeepEqual(again, m) || !reflect.DeepEqual(againFinds, finds) {
			t.Fatalf("a front matter read once does not read again the same: %v", err)
		}
	})
}
