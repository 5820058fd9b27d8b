package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/live"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/rules"
	"github.com/opsplaybook/playbook/search"
)

const serveHelp = `Usage: playbook serve [flags]

Builds the site into memory and serves it on http://127.0.0.1:1313/, then
watches content, layouts, assets, rule files and playbook.yaml: each save
rebuilds what it changes and reloads the open pages (a stylesheet change
is swapped in without a reload). Findings are printed as by "playbook
check" and shown in the pages: errors as an overlay over the last good
site, warnings as a banner. /api/search?q=QUERY answers as "playbook
search --json" does, from the pages as they are now (also kind, owner,
role and n). With no site in the working folder (no
playbook.yaml and no content/ folder), it serves the example playbook
that is built into playbook.

Flags:
` + siteFlagsHelp + `      --port N         the port (default 1313)
      --bind ADDR      the address to listen on (default 127.0.0.1; 0.0.0.0
                       shares the preview with the network)
      --open           open the preview in the web browser ($BROWSER if
                       set, else the system's default)
`

func serve(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var port int
	var bind string
	var open bool
	fl := newFlagSet("serve", serveHelp, stdout, stderr)
	f.register(fl)
	fl.IntVar(&port, "port", 1313, "")
	fl.StringVar(&bind, "bind", "127.0.0.1", "")
	fl.BoolVar(&open, "open", false, "")
	if code, stop := parseFlags(fl, args, serveHelp, stdout, stderr); stop {
		return code
	}
	if port < 0 || port > 65535 {
		return fail(stderr, "serve", usageError{fmt.Errorf("--port %d: a port is a number from 1 to 65535 (0 picks a free one)", port)}, serveHelp)
	}
	var opts generator.Options
	var site *siteSetup
	what := ""
	if !f.sourceSet() && f.content == "" && !isSite(".") {
		format, err := diag.ParseFormat(f.format)
		if err != nil {
			return fail(stderr, "serve", usageError{err}, serveHelp)
		}
		f.format = string(format)
		opts = generator.Options{
			Content: playbook.Content(), ContentPrefix: "content/",
			Config: playbook.Config(), ConfigFile: config.FileName,
			Layouts: playbook.Layouts(), Assets: playbook.Assets(),
			Version: version(), Drafts: f.drafts,
		}
		for _, name := range slices.Sorted(maps.Keys(playbook.Rules())) {
			opts.Rules = append(opts.Rules, rules.File{Path: name, Data: playbook.Rules()[name]})
		}
		what = "the example playbook built into playbook (no playbook.yaml or content/ here)"
	} else {
		var err error
		site, err = openSite(&f)
		if err != nil {
			return fail(stderr, "serve", err, serveHelp)
		}
		opts = site.opts
		what = displayPath(site.contentDir)
	}
	opts.Now = time.Now()
	format, _ := diag.ParseFormat(f.format)
	start := time.Now()
	session, res, err := live.New(opts)
	report(stderr, format, res, err)
	fmt.Fprintln(stderr, summary("built", pageCount(res), res.Snapshot.Findings, time.Since(start))+" from "+what)
	lv := preview.NewLive(res.Snapshot, status(res, err))

	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil {
		return fail(stderr, "serve", err, serveHelp)
	}
	api := &search.Live{}
	api.Set(session.Docs())
	mux := http.NewServeMux()
	mux.Handle("/api/search", api)
	mux.Handle("/", &preview.Handler{Live: lv})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(lv.Close)
	fmt.Fprintf(stderr, "serving on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	if open {
		if err := openBrowser("http://" + ln.Addr().String() + "/"); err != nil {
			fmt.Fprintf(stderr, "playbook serve: not opening a browser: %v\n", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if site != nil {
		var ruleFiles []string
		for _, r := range opts.Rules {
			ruleFiles = append(ruleFiles, filepath.FromSlash(r.Path))
		}
		w, err := live.Watch(ctx, live.WatchOptions{ContentDir: site.contentDir, SiteDir: site.dir, Files: ruleFiles})
		if err != nil {
			fmt.Fprintf(stderr, "playbook serve: not watching for changes: %v\n", err)
		} else {
			go rebuild(w, session, lv, api, &f, format, stderr)
		}
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return fail(stderr, "serve", err, serveHelp)
		}
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
		fmt.Fprintln(stderr, "stopped")
	}
	return exitOK
}

// indexDelay is how long the preview waits after the last change before
// it brings the search export up to date: saves in a row reload their
// pages without waiting for the index.
const indexDelay = 250 * time.Millisecond

// rebuild applies each batch of changes to the session and tells the
// pages; once changes stop, it brings the search export up to date.
func rebuild(w *live.Watcher, s *live.Session, lv *preview.Live, api *search.Live, f *siteFlags, format diag.Format, stderr io.Writer) {
	var idle <-chan time.Time
	var st preview.Status
	for {
		var batch live.Batch
		select {
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			batch = b
		case <-idle:
			idle = nil
			// The pages have reloaded; now the search export.
			if res, err := s.Index(); err != nil {
				fmt.Fprintf(stderr, "playbook serve: %v\n", err)
			} else if !st.Failed {
				lv.Publish(res.Snapshot, st, preview.Nothing, nil)
				api.Set(s.Docs())
			}
			continue
		}
		start := time.Now()
		prev := s.Snapshot()
		var res *live.Result
		var err error
		if batch.Site {
			// The configuration, layouts, assets or rules changed: open
			// the site again, as a new command would.
			site, oerr := openSite(f)
			if oerr != nil {
				lv.Publish(nil, preview.Status{Report: oerr.Error() + "\n", Failed: true}, preview.Reload, nil)
				fmt.Fprintf(stderr, "playbook serve: %v\n", oerr)
				continue
			}
			site.opts.Now = time.Now()
			res, err = s.Reset(site.opts, batch.Content...)
		} else {
			res, err = s.Update(batch.Content)
		}
		st = status(res, err)
		var served preview.Files = res.Snapshot
		if st.Failed && prev != nil {
			served = nil // the last good site stays up
		}
		ev := preview.Nothing
		var swaps map[string]string
		if len(res.Changed) > 0 || len(res.Removed) > 0 {
			ev = preview.Reload
			if swaps = res.StyleSwaps(prev); swaps != nil {
				ev = preview.Styles
			}
		}
		lv.Publish(served, st, ev, swaps)
		api.Set(s.Docs())
		if ev != preview.Nothing || err != nil {
			report(stderr, format, res, err)
			fmt.Fprintln(stderr, summary("rebuilt", res.Rendered, res.Snapshot.Findings, time.Since(start)))
		}
		if err == nil && res.IndexStale {
			idle = time.After(indexDelay)
		}
	}
}

// status is what the pages show of a build: the findings as "playbook
// check" prints them, or the error that stopped it.
func status(res *live.Result, err error) preview.Status {
	if err != nil {
		return preview.Status{Report: err.Error() + "\n", Failed: true}
	}
	var b bytes.Buffer
	diag.Write(&b, diag.Text, res.Snapshot.Findings)
	return preview.Status{Report: b.String(), Failed: res.Snapshot.Errors() > 0}
}

func report(stderr io.Writer, format diag.Format, res *live.Result, err error) {
	if err != nil {
		fmt.Fprintf(stderr, "playbook serve: %v\n", err)
		return
	}
	diag.Write(stderr, format, res.Snapshot.Findings)
}

func pageCount(res *live.Result) int { return res.Rendered }

// isSite reports whether a folder holds a site: playbook.yaml or content/.
func isSite(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
		return true
	}
	st, err := os.Stat(filepath.Join(dir, "content"))
	return err == nil && st.IsDir()
}

// openBrowser opens url in the user's web browser: $BROWSER when set,
// else the system's opener. It does not wait for the browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch {
	case os.Getenv("BROWSER") != "":
		cmd = exec.Command(os.Getenv("BROWSER"), url)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", url)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
