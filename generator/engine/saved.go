package engine

import "github.com/opsplaybook/playbook/generator/buildcache"

// entryCache is where render keeps what catalog.json, llms.txt and
// pages.json show of each page from one build to the next
// (render.Options.Cache): the build cache, for a one-shot build, whose
// renderer starts with none of them; nil for an engine that keeps them
// in memory from one update to the next.
func (e *Engine) entryCache() buildcache.Store {
	if !e.oneShot() {
		return nil
	}
	return e.opt.Cache
}
