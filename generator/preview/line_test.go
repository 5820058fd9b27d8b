package preview_test

import (
	"testing"
	"time"

	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/watch"
)

func TestLineSaysWhatWasRendered(t *testing.T) {
	snap := &engine.Snapshot{}
	for _, c := range []struct {
		res  engine.Result
		want string
	}{
		{engine.Result{Rendered: 1, Took: 8 * time.Millisecond, Snapshot: snap},
			"rebuilt after guides/a.md: 1 page rendered in 8ms: 0 errors, 0 warnings"},
		{engine.Result{Rendered: 12, Spliced: 9, Took: 9 * time.Millisecond, Snapshot: snap},
			"rebuilt after guides/a.md: 12 pages rendered (9 only their sidebar) in 9ms: 0 errors, 0 warnings"},
	} {
		if got := preview.Line(watch.Batch{Content: []string{"guides/a.md"}}, &c.res, nil); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// The line names the paths of the site the update read, not an editor's
// temporary files that came in the same batch; without them, the batch's.
func TestLineNamesThePagesNotTheEditorsFiles(t *testing.T) {
	snap := &engine.Snapshot{}
	bt := watch.Batch{Content: []string{"guides/.a.md.swp", "guides/a.md", "guides/a.md~"}}
	res := engine.Result{Rendered: 1, Took: 8 * time.Millisecond, Snapshot: snap, Sources: []string{"guides/a.md"}}
	if got, want := preview.Line(bt, &res, nil), "rebuilt after guides/a.md: 1 page rendered in 8ms: 0 errors, 0 warnings"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	res.Sources = nil
	if got, want := preview.Line(bt, &res, nil), "rebuilt after guides/.a.md.swp and 2 more: 1 page rendered in 8ms: 0 errors, 0 warnings"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
