package preview

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Prefix is the folder under which the live preview serves its own files;
// no site file is served from there while it is live.
const Prefix = "/_playbook/"

//go:embed live.js
var liveJS []byte

//go:embed live.css
var liveCSS []byte

// Status is what the last build found, as "playbook check" prints it.
type Status struct {
	// Report is the findings in check's text, or the error that stopped
	// the build; "" when there is nothing to say.
	Report string
	// Failed is true when the build has errors: the served site is then
	// the last good one and the report shows as an overlay; otherwise it
	// shows as a banner.
	Failed bool
}

// Event tells the pages what changed.
type Event int

const (
	// Nothing changed that a page shows.
	Nothing Event = iota
	// Reload asks every page to reload.
	Reload
	// Styles asks every page to swap the stylesheets of Swap in place.
	Styles
)

// Publisher is the state of a live preview: the site being served, what its
// last build found, and the pages listening for changes.
type Publisher struct {
	mu     sync.Mutex
	st     *state
	subs   map[chan []byte]bool
	closed bool
}

// state is one version of the preview; it never changes once made.
type state struct {
	site    Files
	status  Status
	version int
	head    []byte // inserted before </head>
	body    []byte // inserted before </body>
}

// NewPublisher starts a live preview of site.
func NewPublisher(site Files, status Status) *Publisher {
	l := &Publisher{subs: map[chan []byte]bool{}}
	l.st = newState(site, status, 1)
	return l
}

func newState(site Files, status Status, version int) *state {
	st := &state{site: site, status: status, version: version}
	st.head = []byte(`<link rel="stylesheet" href="` + Prefix + `live.css">`)
	var b bytes.Buffer
	switch {
	case status.Report == "":
	case status.Failed:
		// The first finding, the root cause as often as not, is the
		// title; all of them follow, as check prints them.
		first, _, _ := strings.Cut(strings.TrimSpace(status.Report), "\n")
		b.WriteString(`<div id="playbook-overlay" role="alertdialog" aria-labelledby="playbook-overlay-title" aria-describedby="playbook-overlay-note">` +
			`<p id="playbook-overlay-title">`)
		b.WriteString(html.EscapeString(first))
		b.WriteString(`</p><p id="playbook-overlay-note">The site has errors, and this is the last good build; fix them and it reloads.</p><pre>`)
		b.WriteString(html.EscapeString(status.Report))
		b.WriteString(`</pre></div>`)
	default:
		b.WriteString(`<div id="playbook-warnings" role="status"><button type="button" id="playbook-warnings-dismiss">Dismiss</button><pre>`)
		b.WriteString(html.EscapeString(status.Report))
		b.WriteString(`</pre></div>`)
	}
	fmt.Fprintf(&b, `<script src="%slive.js" data-version="%d"></script>`, Prefix, version)
	st.body = b.Bytes()
	return st
}

func (l *Publisher) current() *state {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.st
}

// Publish makes a new version of the preview and tells the pages. site
// nil keeps the site served so far (the last good one). For Styles, swap
// maps the URLs of stylesheets that went to those that replace them.
func (l *Publisher) Publish(site Files, status Status, ev Event, swap map[string]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if site == nil {
		site = l.st.site
	}
	if ev == Nothing && status == l.st.status {
		l.st = newState(site, status, l.st.version)
		return
	}
	l.st = newState(site, status, l.st.version+1)
	var msg []byte
	if ev == Styles && len(swap) > 0 {
		data, _ := json.Marshal(map[string]any{"version": l.st.version, "swap": swap})
		msg = []byte("event: styles\ndata: " + string(data) + "\n\n")
	} else {
		msg = []byte("event: reload\ndata: " + strconv.Itoa(l.st.version) + "\n\n")
	}
	for c := range l.subs {
		select {
		case c <- msg:
		default: // a page that does not keep up reloads on reconnecting
		}
	}
}

// Close ends every event stream, so that the server can shut down.
func (l *Publisher) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for c := range l.subs {
		close(c)
		delete(l.subs, c)
	}
}

// serveOwn serves the preview's own files and events.
func (l *Publisher) serveOwn(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case Prefix + "live.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(liveJS)
	case Prefix + "live.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(liveCSS)
	case Prefix + "events":
		l.events(w, r)
	default:
		return false
	}
	return true
}

// events streams server-sent events: first the current version, then one
// event for each change.
func (l *Publisher) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan []byte, 16)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	l.subs[c] = true
	version := l.st.version
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		if l.subs[c] {
			delete(l.subs, c)
		}
		l.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "retry: 500\nevent: hello\ndata: %d\n\n", version)
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg, ok := <-c:
			if !ok {
				return
			}
			w.Write(msg)
			fl.Flush()
		}
	}
}

// inject adds the preview's stylesheet, script and findings to a page.
func (st *state) inject(page []byte) []byte {
	out := make([]byte, 0, len(page)+len(st.head)+len(st.body))
	if i := lastIndexFold(page, "</head>"); i >= 0 {
		out = append(append(append(out, page[:i]...), st.head...), page[i:]...)
	} else {
		out = append(append(out, st.head...), page...)
	}
	if i := lastIndexFold(out, "</body>"); i >= 0 {
		return append(out[:i:i], append(append([]byte(nil), st.body...), out[i:]...)...)
	}
	return append(out, st.body...)
}

func lastIndexFold(b []byte, s string) int {
	if i := bytes.LastIndex(b, []byte(s)); i >= 0 {
		return i
	}
	return bytes.LastIndex(bytes.ToLower(b), []byte(s))
}
