package generator_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var sidebarRE = regexp.MustCompile(`(?s)<nav class="sidebar".*?</nav>`)

// guidesSite is a site with n guides in one folder and a runbook.
func guidesSite(n int) *txtar.Archive {
	ar := &txtar.Archive{Files: []txtar.File{
		{Name: "playbook.yaml", Data: []byte("title: Many\n")},
		{Name: "content/runbooks/restart.md", Data: []byte("---\ntitle: Restart\nowner: ops\nticket: OPS-1\n---\nRestart it.\n")},
		{Name: "content/teams/ops.md", Data: []byte("---\ntitle: Ops\n---\n")},
	}}
	for i := range n {
		ar.Files = append(ar.Files, txtar.File{
			Name: fmt.Sprintf("content/guides/g%04d.md", i),
			Data: []byte(fmt.Sprintf("---\ntitle: Guide %04d\n---\nText.\n", i)),
		})
	}
	return ar
}

// TestSidebarStaysTheSameSizeAsTheSiteGrows checks that a page's sidebar
// shows the pages around it in a long folder and links to the folder for
// the rest, so that a page does not grow with the number of pages.
func TestSidebarStaysTheSameSizeAsTheSiteGrows(t *testing.T) {
	sidebar := func(n int, page string) string {
		t.Helper()
		site, _ := buildArchive(t, guidesSite(n))
		data, ok := site.File(page)
		if !ok {
			t.Fatalf("%d guides: no %s", n, page)
		}
		return sidebarRE.FindString(string(data))
	}
	small := sidebar(10, "guides/g0005/index.html")
	for i := range 10 {
		if !strings.Contains(small, fmt.Sprintf(">Guide %04d<", i)) {
			t.Errorf("10 guides: Guide %04d is not in the sidebar", i)
		}
	}
	if strings.Contains(small, "more in") {
		t.Error("10 guides: the sidebar says there are more")
	}

	big := sidebar(1000, "guides/g0500/index.html")
	if !strings.Contains(big, `href="/guides/g0500/" title="Guide 0500" aria-current="page">Guide 0500<`) {
		t.Errorf("1000 guides: the page shown is not marked current in\n%s", big)
	}
	for _, near := range []string{"Guide 0499", "Guide 0501"} {
		if !strings.Contains(big, ">"+near+"<") {
			t.Errorf("1000 guides: %s, beside the page shown, is not in the sidebar", near)
		}
	}
	if n := strings.Count(big, `<li class="depth-0"`); n > 60 {
		t.Errorf("1000 guides: the sidebar lists %d pages", n)
	}
	if !strings.Contains(big, `<a href="/guides/">960 more in Guides</a>`) {
		t.Errorf("1000 guides: no link to the guides for the rest in\n%s", big)
	}
	// From another section, the guides are one link to the guides' page,
	// whatever their number.
	other := sidebar(1000, "runbooks/restart/index.html")
	if !strings.Contains(other, ">Restart<") || !strings.Contains(other, `<a href="/guides/">All Guides</a>`) || strings.Contains(other, ">Guide 0000<") {
		t.Errorf("1000 guides, from a runbook: unexpected sidebar\n%s", other)
	}
	if fewer := sidebar(10, "runbooks/restart/index.html"); len(other) != len(fewer) {
		t.Errorf("a runbook's sidebar is %d bytes beside 1000 guides, %d beside 10", len(other), len(fewer))
	}
	if len(big) > 3*len(small) {
		t.Errorf("the sidebar of a page is %d bytes with 1000 guides, %d with 10", len(big), len(small))
	}
}
