package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONFindingsCarryTheFixAndAreNotHTMLEscaped(t *testing.T) {
	var l List
	l.AddFix("owner/missing", Error, "content/runbooks/db.md", 3, `add "owner: <team id>" & a team page`, "runbook has no owner")
	l.Warnf("runbook/orphan", "content/runbooks/x.md", 1, "no alert leads here")
	var b bytes.Buffer
	if err := Write(&b, JSON, l); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`"message": "runbook has no owner: add \"owner: <team id>\" & a team page"`,
		`"fix": "add \"owner: <team id>\" & a team page"`,
		`"fix": ""`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `\u003c`) || strings.Contains(out, `\u0026`) {
		t.Errorf("JSON escapes < or &:\n%s", out)
	}
	var back []Finding
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back) != 2 || back[0].Fix != l[0].Fix || back[0].Message != l[0].Message {
		t.Errorf("read back %+v, %v", back, err)
	}
}

func TestClosestSuggestsSlipsOfTheKeyboardOnly(t *testing.T) {
	teams := []string{"data", "payments", "platform", "security"}
	tests := []struct {
		word string
		want string
	}{
		{"Payments", "payments"}, // case first
		{"paymnets", "payments"}, // a swap
		{"platfrm", "platform"},  // a letter left out
		{"dta", "data"},
		{"billing", ""},  // nothing near
		{"payments", ""}, // no fix for what is right
		{"PLATFORM", "platform"},
	}
	for _, tt := range tests {
		if got := Closest(tt.word, teams); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Closest("neglecting-the-post-mortem-and-followup", []string{"neglecting-the-postmortem-and-followup", "other"}); got != "neglecting-the-postmortem-and-followup" {
		t.Errorf("long ids allow more edits: got %q", got)
	}
}
