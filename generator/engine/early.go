package engine

import (
	"github.com/opsplaybook/playbook/generator/site"
	"github.com/opsplaybook/playbook/search"
)

// early holds the search analyses that a one-shot build reads from the
// build cache while it resolves and checks the site. Those stages run
// on one core; after an edit, nearly every page's analysis is in the
// cache (search.Stream.Cached), and reading them all takes about as long
// as resolving does, on the core left free. The renders, which change
// what they read, start once it is done (wait).
type early struct {
	stream *search.Stream
	done   chan struct{}
	// docs are the analyses found, by parsed page; set before done is
	// closed.
	docs map[*site.Parsed]*search.Analysed
}

// startEarly starts reading the analyses of the parsed pages from the
// cache, for a one-shot build that renders (not check) with a cache;
// it returns nil otherwise.
func (e *Engine) startEarly() *early {
	if !e.oneShot() || e.opt.Cache == nil || e.opt.CheckOnly {
		return nil
	}
	pages := make([]*site.Parsed, 0, len(e.parsed))
	for _, p := range e.parsed {
		if !p.Meta.Draft || e.opt.Drafts {
			pages = append(pages, p)
		}
	}
	x := &early{stream: search.NewStream(e.opt.Cache), done: make(chan struct{})}
	go func() {
		defer close(x.done)
		docs := make(map[*site.Parsed]*search.Analysed, len(pages))
		for _, p := range pages {
			if a, ok := x.stream.Cached(p); ok {
				docs[p] = a
			}
		}
		x.docs = docs
	}()
	return x
}

// wait waits for the reads and returns the analyses found; x may be nil.
func (x *early) wait() map[*site.Parsed]*search.Analysed {
	if x == nil {
		return nil
	}
	<-x.done
	return x.docs
}
