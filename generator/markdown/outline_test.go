package markdown

import (
	"reflect"
	"testing"
)

// outline parses body, whose first line is file line first, and reads its
// outline.
func outline(t *testing.T, body string, first int) Outline {
	t.Helper()
	src := []byte(body)
	return ReadOutline(New(Options{}).Parse(src), src, NewLines(src, first))
}

func TestReadOutlineTakesALeadingH1AsTheTitle(t *testing.T) {
	o := outline(t, "# Payments: `api` &amp; db\n\nText.\n\n# Second\n", 1)
	if o.H1 == nil || o.H1Text != "Payments: api & db" {
		t.Fatalf("H1 = %v %q, want the first heading's text", o.H1, o.H1Text)
	}
}

func TestReadOutlineIgnoresAnH1AfterContent(t *testing.T) {
	for name, body := range map[string]string{
		"paragraph": "Intro.\n\n# Title\n",
		"h2":        "## Section\n\n# Title\n",
		"list":      "- item\n\n# Title\n",
		"callout":   ":::note\nx\n:::\n\n# Title\n",
		"raw html":  "<div>x</div>\n\n# Title\n",
	} {
		t.Run(name, func(t *testing.T) {
			if o := outline(t, body, 1); o.H1 != nil {
				t.Errorf("H1 = %q, want none after content", o.H1Text)
			}
		})
	}
}

func TestReadOutlineIgnoresAnH1InsideAContainer(t *testing.T) {
	if o := outline(t, "> # Quoted\n", 1); o.H1 != nil {
		t.Errorf("H1 = %q, want none", o.H1Text)
	}
}

func TestReadOutlineSeesAnH1AfterAComment(t *testing.T) {
	o := outline(t, "<!-- markdownlint-disable MD041 -->\n\n# Title\n", 1)
	if o.H1Text != "Title" {
		t.Errorf("H1 = %q, want Title after an HTML comment", o.H1Text)
	}
}

func TestReadOutlineListsHeadingsWithIDsAndLines(t *testing.T) {
	body := "# Title\n\n## Step 1: Check\n\ntext\n\n## Step 1: Check\n\n### Custom {#mine}\n"
	want := []Heading{
		{Level: 1, ID: "title", Text: "Title", Line: 10},
		{Level: 2, ID: "step-1-check", Text: "Step 1: Check", Line: 12},
		{Level: 2, ID: "step-1-check-1", Text: "Step 1: Check", Line: 16},
		{Level: 3, ID: "mine", Text: "Custom", Line: 18},
	}
	if got := outline(t, body, 10).Headings; !reflect.DeepEqual(got, want) {
		t.Errorf("headings:\n got %+v\nwant %+v", got, want)
	}
}

func TestReadOutlineGivesLinksTheirFileLines(t *testing.T) {
	// The body starts at file line 5, after four lines of front matter.
	body := "Intro with [a](a.md).\n" + // 5
		"\n" + // 6
		"- [b](b.md)\n" + // 7
		"  and ![img](i.png)\n" + // 8
		"<https://x.example>\n" + // 9
		"[ref][r] and [multi\n" + // 10
		"line](m.md)\n" + // 11
		"\n" + // 12
		"> [!NOTE]\n" + // 13
		"> See [c](c.md).\n" + // 14
		"\n" + // 15
		"| a |\n|---|\n| [d](d.md) |\n" + // 16-18
		"\n" + // 19
		"[r]: /ref\n" // 20
	type link struct {
		Dest  string
		Line  int
		Image bool
	}
	want := []link{
		{"a.md", 5, false},
		{"b.md", 7, false},
		{"i.png", 8, true},
		{"https://x.example", 9, false},
		{"/ref", 10, false},
		{"m.md", 10, false},
		{"c.md", 14, false},
		{"d.md", 18, false},
	}
	var got []link
	for _, l := range outline(t, body, 5).Links {
		if l.Node == nil {
			t.Errorf("link %s has no node", l.Dest)
		}
		got = append(got, link{l.Dest, l.Line, l.Image})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("links:\n got %+v\nwant %+v", got, want)
	}
}

func TestReadOutlineListsTasksWithTheirOwnText(t *testing.T) {
	body := "- [ ] Page the on-call\n" +
		"- [x] Run `kubectl get pods`\n" +
		"  - [ ] Sub-step\n" +
		"- [ ]\n" +
		"- not a task\n"
	want := []Task{
		{Text: "Page the on-call", Checked: false, Line: 1},
		{Text: "Run kubectl get pods", Checked: true, Line: 2},
		{Text: "Sub-step", Checked: false, Line: 3},
		{Text: "", Checked: false, Line: 4},
	}
	if got := outline(t, body, 1).Tasks; !reflect.DeepEqual(got, want) {
		t.Errorf("tasks:\n got %+v\nwant %+v", got, want)
	}
}

func TestReadOutlineGivesAnEmptyTaskInACalloutALine(t *testing.T) {
	// Found by FuzzCallouts: the line of an empty task item recursed
	// without end.
	o := outline(t, ":::important\n# Heading inside\n\n- [ ]", 1)
	if len(o.Tasks) != 1 || o.Tasks[0].Line != 4 {
		t.Errorf("tasks = %+v, want one on line 4", o.Tasks)
	}
}

func TestLinesMapsOffsetsToFileLines(t *testing.T) {
	l := NewLines([]byte("ab\ncd\n\nef"), 7)
	for off, want := range map[int]int{0: 7, 2: 7, 3: 8, 6: 9, 7: 10, 8: 10, 100: 10} {
		if got := l.At(off); got != want {
			t.Errorf("At(%d) = %d, want %d", off, got, want)
		}
	}
}
