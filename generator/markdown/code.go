package markdown

import (
	"bytes"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/dlclark/regexp2/v2"
	"github.com/opsplaybook/playbook/generator/buildcache"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// codeBlocks is the goldmark extension that highlights fenced code with
// chroma: <pre class="chroma"> with token classes (see HighlightCSS), no
// inline styles. Code without a language, or in one chroma does not know,
// is written as goldmark writes it: <pre><code class="language-X">.
type codeBlocks struct {
	// cache keeps highlighted blocks between builds; nil keeps none.
	cache buildcache.Store
}

func init() {
	// chroma gives each of its lexers' regular expressions a 250 ms match
	// timeout (chroma's regexp.go), and a match that times out is taken
	// as no match: on a loaded machine a keyword then comes out as a
	// name, and the same page highlights differently from one build to
	// the next. regexp2 measures those timeouts with a clock that ticks
	// once per check period and adds the period to every deadline; a
	// period of a day turns the timeouts off in practice, and highlighting
	// is the same on every build. What the timeout guarded against, a
	// lexer's regexp taking long on a hostile block, is bounded instead
	// by highlighting no block longer than maxHighlighted.
	regexp2.SetTimeoutCheckPeriod(24 * time.Hour)
}

// maxHighlighted is the longest code block that is highlighted, in bytes;
// a longer one is written as plain code.
const maxHighlighted = 64 << 10

// Extend implements goldmark.Extender.
func (c codeBlocks) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&codeRenderer{
			Config:    html.NewConfig(),
			formatter: chromahtml.New(chromahtml.WithClasses(true)),
			style:     styles.Get(lightStyle),
			lexers:    map[string]chroma.Lexer{},
			cache:     c.cache,
			chroma:    moduleVersion(chromaModule),
		}, 200),
	))
}

// maxCachedLexers bounds the lexer cache of a converter; names beyond it
// are looked up every time.
const maxCachedLexers = 256

type codeRenderer struct {
	html.Config
	formatter *chromahtml.Formatter // safe for concurrent use
	style     *chroma.Style

	// known holds the names, aliases (lowercased) and file extensions of
	// chroma's lexers, so that a language chroma does not know costs no
	// lookup: chroma's own search for one tries every file pattern of
	// every lexer and takes milliseconds.
	once  sync.Once
	known map[string]bool

	// lexers caches chroma's lookups by language name.
	mu     sync.RWMutex
	lexers map[string]chroma.Lexer

	// cache keeps chroma's HTML of a block between builds, under
	// highlightKey; nil keeps none. chroma is the version of chroma the
	// binary was built with, part of the key.
	cache  buildcache.Store
	chroma string
}

// chromaModule is chroma's module path, whose version is part of a
// highlighted block's cache key.
const chromaModule = "github.com/alecthomas/chroma/v2"

// highlightFormat names the cached values of highlighted blocks and their
// form; it changes when what the renderer asks of chroma (formatter
// options, the style) or keeps of its output does.
const highlightFormat = "markdown/highlight/1"

// moduleVersion returns the version (and, when replaced, the replacement's)
// of a module the binary was built with, or "unknown".
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, m := range bi.Deps {
		if m.Path != path {
			continue
		}
		v := m.Version + " " + m.Sum
		if m.Replace != nil {
			v += " => " + m.Replace.Path + " " + m.Replace.Version + " " + m.Replace.Sum
		}
		return v
	}
	return "unknown"
}

// highlightKey is the cache key of chroma's HTML of code in a language:
// it depends on the code, the language name, chroma's version and the
// style (the formatter's options are in highlightFormat).
func (r *codeRenderer) highlightKey(lang []byte, code string) buildcache.Key {
	h := buildcache.NewHasher(highlightFormat)
	h.String(r.chroma)
	h.String(lightStyle)
	h.Bytes(lang)
	h.String(code)
	return h.Sum()
}

// highlight returns chroma's HTML of code with a lexer, from the cache when
// it holds it; ok is false when the lexer could not start (the block is
// then written as plain code), and err is the formatter's error.
func (r *codeRenderer) highlight(l chroma.Lexer, lang []byte, code string) (out []byte, ok bool, err error) {
	var k buildcache.Key
	if r.cache != nil {
		k = r.highlightKey(lang, code)
		if out, ok := r.cache.Get(k); ok {
			return out, true, nil
		}
	}
	it, err := l.Tokenise(nil, code)
	if err != nil {
		return nil, false, nil
	}
	var b bytes.Buffer
	if err := r.formatter.Format(&b, r.style, it); err != nil {
		return b.Bytes(), true, err
	}
	if r.cache != nil {
		r.cache.Put(k, b.Bytes())
	}
	return b.Bytes(), true, nil
}

// index fills r.known from chroma's registry.
func (r *codeRenderer) index() {
	r.known = map[string]bool{}
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		c := l.Config()
		r.known[strings.ToLower(c.Name)] = true
		for _, a := range c.Aliases {
			r.known[strings.ToLower(a)] = true
		}
		for _, globs := range [][]string{c.Filenames, c.AliasFilenames} {
			for _, g := range globs {
				g = strings.TrimPrefix(g, "*.")
				if !strings.ContainsAny(g, "*?[\\") {
					r.known[g] = true
				}
			}
		}
	}
}

// SetOption implements renderer.SetOptioner.
func (r *codeRenderer) SetOption(name renderer.OptionName, value any) {
	r.Config.SetOption(name, value)
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
}

// lexer returns chroma's lexer for a language, by name, alias or file
// extension, or nil.
func (r *codeRenderer) lexer(name string) chroma.Lexer {
	r.once.Do(r.index)
	if !r.known[name] && !r.known[strings.ToLower(name)] {
		return nil
	}
	r.mu.RLock()
	l, ok := r.lexers[name]
	r.mu.RUnlock()
	if ok {
		return l
	}
	l = lexers.Get(name)
	if l != nil {
		l = chroma.Coalesce(l)
	}
	r.mu.Lock()
	if len(r.lexers) < maxCachedLexers {
		r.lexers[name] = l
	}
	r.mu.Unlock()
	return l
}

func (r *codeRenderer) render(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := n.Language(src)
	size := 0
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		size += s.Stop - s.Start
	}
	if len(lang) > 0 && size <= maxHighlighted {
		if l := r.lexer(string(lang)); l != nil {
			var code strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				code.Write(s.Value(src))
			}
			if out, ok, err := r.highlight(l, lang, code.String()); ok {
				// The language goes on the <pre> as data-lang, for the
				// theme's copy button (prompts of console blocks).
				if rest, ok := bytes.CutPrefix(out, []byte(`<pre class="chroma">`)); ok {
					_, _ = w.WriteString(`<pre class="chroma" data-lang="`)
					r.Writer.Write(w, lang)
					_, _ = w.WriteString(`">`)
					out = rest
				}
				_, _ = w.Write(out)
				_ = w.WriteByte('\n')
				return ast.WalkSkipChildren, err
			}
		}
	}
	_, _ = w.WriteString("<pre><code")
	if len(lang) > 0 {
		_, _ = w.WriteString(` class="language-`)
		r.Writer.Write(w, lang)
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	for i := 0; i < n.Lines().Len(); i++ {
		s := n.Lines().At(i)
		r.Writer.RawWrite(w, s.Value(src))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}
