// Package watch is how the live preview learns of changes: a Watcher
// watches a site's content folder, layouts/, assets/, playbook.yaml and
// rule files with fsnotify (folders created later too) and delivers the
// events in batches, one per burst of saves. Its input is the folders to
// watch; its output is a channel of Batch values, which
// preview.Rebuilder applies to the build engine.
package watch

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Batch is what changed on disk during one burst of events.
type Batch struct {
	// Content are the changed paths under the content folder,
	// slash-separated and relative to it; a folder stands for everything
	// under it.
	Content []string
	// Site is true when the configuration, layouts, assets or rule files
	// changed: the site has to be opened again.
	Site bool
}

func (b *Batch) empty() bool { return len(b.Content) == 0 && !b.Site }

// Options say what a Watcher watches.
type Options struct {
	// ContentDir is the content folder; SiteDir the site folder, with
	// playbook.yaml, layouts/ and assets/.
	ContentDir, SiteDir string
	// Files are other files whose change changes the site (rule files).
	Files []string
	// Folders are other folders whose change changes the site (static
	// folders).
	Folders []string
	// Quiet is how long the events of one burst may be apart (a few
	// milliseconds); MaxWait the longest a batch waits for its burst to
	// end.
	Quiet, MaxWait time.Duration
}

// Watcher watches a site's folders with fsnotify, folders created later
// too, and delivers the events in batches.
type Watcher struct {
	fw      *fsnotify.Watcher
	opt     Options
	batches chan Batch

	// Watches are added and removed by their own goroutine, in order:
	// fsnotify's Add can wait for its reader, which waits for the loop
	// that reads the events.
	mu    sync.Mutex
	queue []func()
	wake  chan struct{}
}

// Start starts watching; it stops when ctx is done.
func Start(ctx context.Context, opt Options) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return filepath.Clean(p)
	}
	opt.ContentDir, opt.SiteDir = abs(opt.ContentDir), abs(opt.SiteDir)
	for i, f := range opt.Files {
		opt.Files[i] = abs(f)
	}
	opt.Folders = slices.Clone(opt.Folders)
	for i, f := range opt.Folders {
		opt.Folders[i] = abs(f)
	}
	if opt.Quiet <= 0 {
		opt.Quiet = 3 * time.Millisecond
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = 100 * time.Millisecond
	}
	w := &Watcher{fw: fw, opt: opt, batches: make(chan Batch), wake: make(chan struct{}, 1)}
	dirs := []string{opt.ContentDir, opt.SiteDir}
	for _, f := range opt.Files {
		dirs = append(dirs, filepath.Dir(f))
	}
	for _, d := range []string{"layouts", "assets"} {
		dirs = append(dirs, filepath.Join(opt.SiteDir, d))
	}
	dirs = append(dirs, opt.Folders...)
	for _, d := range dirs {
		w.addTree(d)
	}
	go w.changeWatches(ctx)
	go w.run(ctx)
	return w, nil
}

// Batches delivers the batches; it is closed when the watcher stops.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// later queues a change of the watches.
func (w *Watcher) later(f func()) {
	w.mu.Lock()
	w.queue = append(w.queue, f)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Watcher) changeWatches(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
		w.mu.Lock()
		q := w.queue
		w.queue = nil
		w.mu.Unlock()
		for _, f := range q {
			f()
		}
	}
}

// addTree watches a folder and every folder under it.
func (w *Watcher) addTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			w.fw.Add(p)
		}
		return nil
	})
}

// forgetTree stops watching a folder that went, and those under it.
func (w *Watcher) forgetTree(dir string) {
	for _, p := range w.fw.WatchList() {
		if p == dir || strings.HasPrefix(p, dir+string(filepath.Separator)) {
			w.fw.Remove(p)
		}
	}
}

func within(p, dir string) (string, bool) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// classify adds one event's path to a batch.
func (w *Watcher) classify(b *Batch, name string) {
	if rel, ok := within(name, w.opt.ContentDir); ok && rel != "." {
		b.Content = append(b.Content, rel)
	}
	if rel, ok := within(name, w.opt.SiteDir); ok {
		top, _, _ := strings.Cut(rel, "/")
		if top == "playbook.yaml" || top == "layouts" || top == "assets" || top == "mkdocs.yml" {
			b.Site = true
		}
	}
	if slices.Contains(w.opt.Files, name) {
		b.Site = true
	}
	for _, d := range w.opt.Folders {
		if _, ok := within(name, d); ok {
			b.Site = true
		}
	}
}

func (w *Watcher) run(ctx context.Context) {
	defer close(w.batches)
	defer w.fw.Close()
	var pending Batch
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	ready := false
	for {
		var out chan Batch
		if ready && !pending.empty() {
			out = w.batches
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			name := ev.Name
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.later(func() { w.forgetTree(name) })
			}
			if ev.Has(fsnotify.Create) {
				// A new folder, or one renamed into place. Files made in
				// it before it is watched are read with the folder.
				w.later(func() { w.addTree(name) })
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if pending.empty() {
				first = time.Now()
			}
			ready = false
			w.classify(&pending, ev.Name)
			wait := min(w.opt.Quiet, time.Until(first.Add(w.opt.MaxWait)))
			timer.Reset(max(wait, 0))
		case <-w.fw.Errors:
			// An overflowed queue loses events: read everything again.
			pending.Content = append(pending.Content, ".")
			ready = true
		case <-timer.C:
			ready = true
		case out <- pending:
			pending, ready = Batch{}, false
		}
	}
}
