package markdown

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/dlclark/regexp2/v2"
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
type codeBlocks struct{}

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
func (codeBlocks) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(
		util.Prioritized(&codeRenderer{
			Config:    html.NewConfig(),
			formatter: chromahtml.New(chromahtml.WithClasses(true)),
			style:     styles.Get(lightStyle),
			lexers:    map[string]chroma.Lexer{},
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
			if it, err := l.Tokenise(nil, code.String()); err == nil {
				// The language goes on the <pre> as data-lang, for the
				// theme's copy button (prompts of console blocks).
				var b bytes.Buffer
				err := r.formatter.Format(&b, r.style, it)
				out := b.Bytes()
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
