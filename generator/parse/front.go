package parse

import (
	"strconv"

	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/frontmatter"
)

// readFront decodes a page's front matter (frontmatter.DecodeAny): from
// the cache when it has it, otherwise by decoding it, and then puts it in
// the cache. What DecodeAny returns depends on the file's name (findings
// name it), the front matter's bytes, its format and first line, and the
// extra fields the site declares (Options.Allowed), and on nothing else:
// the key is made of them (and buildcache adds the version of playbook).
// YAML decoding took about a sixth of a build's CPU at 10,000 pages
// whose bodies came from the cache.
func readFront(file string, fm []byte, format frontmatter.Format, firstLine int, opt Options) (*frontmatter.Meta, []diag.Finding) {
	fopt := frontmatter.Options{Allowed: opt.Config.Fields}
	if opt.Cache == nil {
		return frontmatter.DecodeAny(file, fm, format, firstLine, fopt)
	}
	h := buildcache.NewHasher("front matter/1")
	h.String(file)
	h.Bytes(fm)
	h.String(strconv.Itoa(int(format)))
	h.String(strconv.Itoa(firstLine))
	h.Strings(fopt.Allowed)
	key := h.Sum()
	var m *frontmatter.Meta
	var finds []diag.Finding
	var err error
	// DecodeResult copies what it keeps: the cache's bytes are lent.
	if buildcache.View(opt.Cache, key, func(data []byte) { m, finds, err = frontmatter.DecodeResult(data) }) && err == nil {
		return m, finds
	}
	m, finds = frontmatter.DecodeAny(file, fm, format, firstLine, fopt)
	if data, err := frontmatter.EncodeResult(m, finds); err == nil {
		opt.Cache.Put(key, data)
	}
	return m, finds
}
