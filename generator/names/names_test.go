package names

import (
	"strings"
	"testing"
)

func TestSegmentRefusesWhatCannotBeOnePathSegment(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "Disk/Full", `a\b`, "../../../x", "a\n/* /alerts/evil/ 200!", "tab\there", "nul\x00", "\xff\xfe"} {
		if Segment(bad) == nil {
			t.Errorf("Segment(%q) accepted it", bad)
		}
	}
	for _, good := range []string{"KubePodCrashLooping", "Disk Full", "50%Full", "Why?", "Ünïcode", "a.b", "..x"} {
		if err := Segment(good); err != nil {
			t.Errorf("Segment(%q): %v", good, err)
		}
	}
}

func TestFileNameIsAlwaysOneSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"NodeDiskFull":              "NodeDiskFull",
		"Disk/Full":                 "Disk-Full",
		"../../../outside-the-site": "-..-..-outside-the-site",
		"..":                        "-",
		"":                          "-",
		"a\nb":                      "a-b",
		`C:\x`:                      "C:-x",
		" .hidden":                  "hidden",
		"\xffok":                    "-ok",
	} {
		got := FileName(in)
		if got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
		if Segment(got) != nil {
			t.Errorf("FileName(%q) = %q is no segment: %v", in, got, Segment(got))
		}
	}
}

func TestRelRefusesPathsThatLeaveTheirFolder(t *testing.T) {
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", `..\x`, `C:\x`, "C:x", "a\x00b", "a\nb"} {
		if got, err := Rel(bad); err == nil {
			t.Errorf("Rel(%q) = %q, accepted", bad, got)
		}
	}
	for in, want := range map[string]string{"runbooks/x.md": "runbooks/x.md", "./a//b/": "a/b", "a/../b": "b", "..x/y": "..x/y"} {
		if got, err := Rel(in); err != nil || got != want {
			t.Errorf("Rel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Under("/site/content", "."); err == nil {
		t.Error("Under accepted the folder itself")
	}
	if got, err := Under("/site/content", "alerts/x.md"); err != nil || got != "/site/content/alerts/x.md" {
		t.Errorf("Under = %q, %v", got, err)
	}
}

func TestEscapedPathsPassTheCheckAndNothingElseDoes(t *testing.T) {
	for _, p := range []string{"/alerts/Disk Full/", "/alerts/50%Full/", "/alerts/a\n/* /alerts/evil/ 200!/", "/alerts/:splat/", "/ü/", "/alerts/Why?#x/"} {
		e := EscapePath(p)
		if err := CheckSitePath(e, false); err != nil {
			t.Errorf("EscapePath(%q) = %q: %v", p, e, err)
		}
		if strings.ContainsAny(e, " \n!*:?#") {
			t.Errorf("EscapePath(%q) = %q keeps a special character", p, e)
		}
	}
	for _, bad := range []string{"alerts/x/", "/a b/", "/a\n/", "/50%/", "/a/../b/", "/a*", "/:x/"} {
		if CheckSitePath(bad, false) == nil {
			t.Errorf("CheckSitePath(%q) accepted it", bad)
		}
	}
	if err := CheckSitePath("/docs/*", true); err != nil {
		t.Errorf("a trailing star: %v", err)
	}
}
