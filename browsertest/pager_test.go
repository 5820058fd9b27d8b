package browsertest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/rules"
)

// TestListingPagesOnAPhone reads a listing that runs over several pages
// (the example with pager_size: 4) as a reader on a phone does: the first
// page says where it is, Next leads to the second, which lists other
// runbooks and leads back; both pass axe in both themes.
func TestListingPagesOnAPhone(t *testing.T) {
	chromium(t)
	axe := axeScript(t)
	opt := generator.Options{
		Content: playbook.Content(), ContentPrefix: "content/", ConfigFile: "playbook.yaml",
		Config:  append([]byte(strings.TrimRight(string(playbook.Config()), "\n")), "\npager_size: 4\n"...),
		Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now,
	}
	for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
		opt.Rules = append(opt.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
	}
	mem := output.NewMemory()
	if _, err := generator.Build(opt, mem); err != nil {
		t.Fatal(err)
	}
	h := &preview.Handler{Site: mem, Modified: now}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	listed := `[...document.querySelectorAll("main .pagelist-title")].map(a => a.getAttribute("href")).join(" ")`
	for _, theme := range []string{"light", "dark"} {
		b := newBrowser(t, phoneW, phoneH)
		b.run(t, open(srv.URL+"/"), setTheme(theme), open(srv.URL+"/runbooks/"))
		first := eval[string](t, b, listed)
		if n := len(strings.Fields(first)); n != 4 {
			t.Fatalf("%s: /runbooks/ lists %d runbooks, want 4 (pager_size): %s", theme, n, first)
		}
		if where := eval[string](t, b, `document.querySelector(".pager-where").textContent`); !strings.HasPrefix(where, "Showing 1–4 of ") {
			t.Errorf("%s: the first page says %q", theme, where)
		}
		axeCheck(t, b, axe, theme+": /runbooks/, page 1")
		next := eval[string](t, b, `document.querySelector('.pager a[rel="next"]').getAttribute("href")`)
		if next != "/runbooks/page/2/" {
			t.Fatalf("%s: Next leads to %q", theme, next)
		}
		b.run(t, open(srv.URL+next))
		second := eval[string](t, b, listed)
		if second == "" || strings.Contains(first, strings.Fields(second)[0]) {
			t.Errorf("%s: page 2 lists %q, page 1 %q", theme, second, first)
		}
		if title := eval[string](t, b, `document.title`); !strings.Contains(title, "page 2") {
			t.Errorf("%s: page 2 is titled %q", theme, title)
		}
		axeCheck(t, b, axe, theme+": /runbooks/page/2/")
		if prev := eval[string](t, b, `document.querySelector('.pager a[rel="prev"]').getAttribute("href")`); prev != "/runbooks/" {
			t.Errorf("%s: Previous leads to %q", theme, prev)
		}
		if msgs := b.messages(); len(msgs) > 0 {
			t.Errorf("%s: the pages logged %v", theme, msgs)
		}
	}
}
