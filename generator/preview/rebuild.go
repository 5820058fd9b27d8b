package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/watch"
)

// Rebuilder applies each batch of changes a Watcher sees to the engine and
// tells the open pages: a reload, a stylesheet swap, or nothing. A batch
// that arrives while an update runs supersedes it: the update is cancelled
// and one update covers both. Every update prints one line to Log (what
// changed, pages rendered, findings, time), and the findings before it
// when they changed, in Format.
type Rebuilder struct {
	Engine    *engine.Engine
	Batches   <-chan watch.Batch
	Publisher *Publisher
	// Reopen reads the site's options again after its configuration,
	// layouts, assets or rule files changed.
	Reopen func() (*engine.Options, error)
	Log    io.Writer
	Format diag.Format
	// Reported is the findings report already printed (by the first
	// build), which is not printed again until it changes.
	Reported string
}

// Run applies batches until ctx is done or the batches end.
func (b *Rebuilder) Run(ctx context.Context) {
	pending := make(chan watch.Batch, 64)
	var mu sync.Mutex
	cancel := context.CancelFunc(func() {})
	go func() {
		defer close(pending)
		for {
			select {
			case <-ctx.Done():
				return
			case bt, ok := <-b.Batches:
				if !ok {
					return
				}
				mu.Lock()
				cancel() // a newer change supersedes the update under way
				mu.Unlock()
				pending <- bt
			}
		}
	}()
	lastReport := b.Reported
	var carry watch.Batch // a superseded update's batch
	for bt := range pending {
		bt.Content = append(carry.Content, bt.Content...)
		bt.Site = bt.Site || carry.Site
		carry = watch.Batch{}
		// Take every batch that is waiting: one update covers them.
	more:
		for {
			select {
			case next, ok := <-pending:
				if !ok {
					break more
				}
				bt.Content = append(bt.Content, next.Content...)
				bt.Site = bt.Site || next.Site
			default:
				break more
			}
		}
		uctx, c := context.WithCancel(ctx)
		mu.Lock()
		cancel = c
		mu.Unlock()
		ch := engine.Change{Content: bt.Content}
		if bt.Site && b.Reopen != nil {
			opt, err := b.Reopen()
			if err != nil {
				c()
				b.Publisher.Publish(nil, Status{Report: err.Error() + "\n", Failed: true}, Reload, nil)
				fmt.Fprintf(b.Log, "playbook serve: %v\n", err)
				continue
			}
			ch.Options = opt
		}
		prev := b.Engine.Snapshot()
		res, err := b.Engine.Update(uctx, ch)
		c()
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, context.Canceled) {
			// Superseded: the newer batch is queued, and the next update
			// covers this one too.
			carry = bt
			continue
		}
		st := StatusOf(res, err)
		var served Files = res.Snapshot
		if st.Failed && prev != nil {
			served = nil // the last good site stays up
		}
		ev := Nothing
		var swaps map[string]string
		if len(res.Changed) > 0 || len(res.Removed) > 0 {
			ev = Reload
			if swaps = StyleSwaps(res, prev); swaps != nil {
				ev = Styles
			}
		}
		b.Publisher.Publish(served, st, ev, swaps)
		var report bytes.Buffer
		if err != nil {
			fmt.Fprintf(&report, "playbook serve: %v\n", err)
		} else {
			diag.Write(&report, b.Format, res.Snapshot.Findings)
		}
		if report.String() != lastReport {
			b.Log.Write(report.Bytes())
			lastReport = report.String()
		}
		fmt.Fprintln(b.Log, Line(bt, res, err))
	}
}

// StatusOf is what the pages show of an update: the findings as
// "playbook check" prints them, or the error that stopped it.
func StatusOf(res *engine.Result, err error) Status {
	if err != nil {
		return Status{Report: err.Error() + "\n", Failed: true}
	}
	var b bytes.Buffer
	diag.Write(&b, diag.Text, res.Snapshot.Findings)
	return Status{Report: b.String(), Failed: res.Snapshot.Errors() > 0}
}

// Line is the one line an update prints: what changed (the paths of the
// site among the batch's, see engine.Result.Sources), the pages
// rendered (and of them, those that had their sidebar alone rendered),
// the findings and the time, as in
//
//	rebuilt after runbooks/db.md: 3 pages rendered in 8ms: 0 errors, 1 warning
//	rebuilt after guides/a.md: 12 pages rendered (9 only their sidebar) in 9ms: 0 errors, 0 warnings
func Line(bt watch.Batch, res *engine.Result, err error) string {
	what := "a change"
	content := bt.Content
	if res != nil && len(res.Sources) > 0 {
		// The paths of the site, not an editor's temporary files.
		content = res.Sources
	}
	switch {
	case bt.Site && len(content) == 0:
		what = "the configuration, layouts, assets or rules"
	case len(content) == 1:
		what = content[0]
	case len(content) > 1:
		c := slices.Clone(content)
		slices.Sort(c)
		c = slices.Compact(c)
		if len(c) == 1 {
			what = c[0]
		} else {
			what = fmt.Sprintf("%s and %d more", c[0], len(c)-1)
		}
		if bt.Site {
			what += ", the configuration, layouts, assets or rules"
		}
	}
	if err != nil {
		return fmt.Sprintf("rebuild after %s failed in %s", what, res.Took.Round(time.Millisecond))
	}
	errs, warns := diag.Count(res.Snapshot.Findings)
	rendered := plural(res.Rendered, "page") + " rendered"
	if res.Spliced > 0 {
		rendered += fmt.Sprintf(" (%d only their sidebar)", res.Spliced)
	}
	return fmt.Sprintf("rebuilt after %s: %s in %s: %s, %s", what, rendered,
		res.Took.Round(100*time.Microsecond), plural(errs, "error"), plural(warns, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// StyleSwaps returns, when an update changed only stylesheets, the
// output names of the old stylesheets and of those that replace them, so
// that pages can swap them in place; otherwise nil. prev is the snapshot
// before the update.
func StyleSwaps(r *engine.Result, prev *engine.Snapshot) map[string]string {
	if prev == nil || len(r.Removed) == 0 {
		return nil
	}
	// Only stylesheets may be gone. This is asked first: it reads no
	// file, and most updates that remove files remove others.
	for _, old := range r.Removed {
		if path.Ext(old) != ".css" {
			return nil
		}
	}
	swaps := map[string]string{}
	var added []string
	for _, name := range r.Changed {
		if !prev.Has(name) {
			if path.Ext(name) != ".css" {
				return nil
			}
			added = append(added, name)
		}
	}
	for _, old := range r.Removed {
		stem := unhashed(old)
		for _, n := range added {
			if unhashed(n) == stem {
				swaps[old] = n
			}
		}
		if swaps[old] == "" {
			return nil
		}
	}
	if len(swaps) != len(added) {
		return nil
	}
	// Every other change must be the pages naming the new stylesheets.
	for _, name := range r.Changed {
		if !prev.Has(name) {
			continue
		}
		if path.Ext(name) != ".html" {
			return nil
		}
		was, _ := prev.File(name)
		for o, n := range swaps {
			was = bytes.ReplaceAll(was, []byte(o), []byte(n))
		}
		now, _ := r.Snapshot.File(name)
		if !bytes.Equal(was, now) {
			return nil
		}
	}
	return swaps
}

// unhashed returns an asset name without its content hash:
// "assets/style.0123456789.css" is "assets/style.css".
func unhashed(name string) string {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	return stem + ext
}
