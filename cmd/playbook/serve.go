package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/engine"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/project"
	"github.com/opsplaybook/playbook/generator/watch"
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
` + siteFlagsHelp + `      --port N         the port (default 1313; when it is taken, the next
                       free one)
      --bind ADDR      the address to listen on (default 127.0.0.1; 0.0.0.0
                       shares the preview with the network)
      --open           open the preview in the web browser ($BROWSER if
                       set, else the system's default)
` + cacheFlagsHelp + baseURLHelp

func serve(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var port int
	var bind string
	var open bool
	fl := newFlagSet("serve", serveHelp, stdout, stderr)
	f.register(fl)
	f.baseURLFlag(fl)
	fl.IntVar(&port, "port", 1313, "")
	fl.StringVar(&bind, "bind", "127.0.0.1", "")
	fl.BoolVar(&open, "open", false, "")
	var cf cacheFlags
	cf.register(fl)
	if code, stop := parseFlags(fl, args, serveHelp, stdout, stderr); stop {
		return code
	}
	if err := cf.check(); err != nil {
		return fail(stderr, "serve", err, serveHelp)
	}
	if port < 0 || port > 65535 {
		return fail(stderr, "serve", usageError{fmt.Errorf("--port %d: a port is a number from 1 to 65535 (0 picks a free one)", port)}, serveHelp)
	}
	// The address first, so that a bad --bind or a taken port is said
	// before any work.
	ln, moved, err := listen(bind, port)
	if err != nil {
		return fail(stderr, "serve", usageError{err}, serveHelp)
	}
	defer ln.Close()
	var opts generator.Options
	var site *siteSetup
	what := ""
	if !f.sourceSet() && f.content == "" && !project.IsSite(".") {
		format, err := diag.ParseFormat(f.format)
		if err != nil {
			return fail(stderr, "serve", usageError{err}, serveHelp)
		}
		f.format = string(format)
		opts = project.Example(version(), f.drafts)
		if f.baseURL != "" {
			u, err := config.BaseURL(f.baseURL)
			if err != nil {
				return fail(stderr, "serve", usageError{fmt.Errorf("--base-url %q %v", f.baseURL, err)}, serveHelp)
			}
			opts.PreviewURL = u
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
		site.previewNote(stderr)
	}
	if cache := cf.open("serve", stderr, site.cacheKeepOut("")); cache != nil {
		f.cache, opts.Cache = cache, cache
		defer cache.Prune()
	}
	// Ctrl-C is ours from here on, also while the site is first built.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.cache != nil {
		// A session writes the cache's index now and then, so that
		// what its rebuilds cached outlives a killed session.
		go flushCacheEvery(ctx, f.cache, time.Minute)
	}
	opts.Now = time.Now()
	opts.SearchAPI, opts.LivePreview = true, true
	format, _ := diag.ParseFormat(f.format)
	eng, res, err := engine.New(ctx, opts)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "stopped")
		return exitOK
	}
	var report bytes.Buffer
	if err != nil {
		fmt.Fprintf(&report, "playbook serve: %v\n", err)
	} else {
		diag.Write(&report, format, res.Snapshot.Findings)
	}
	stderr.Write(report.Bytes())
	fmt.Fprintln(stderr, summary("built", res.Snapshot.Pages, res.Snapshot.Findings, res.Took)+" from "+what)
	if f.cache != nil {
		closeCache(f.cache, "serve", stderr)
	}
	lv := preview.NewPublisher(res.Snapshot, preview.StatusOf(res, err))

	mux := http.NewServeMux()
	mux.Handle("/api/search", eng.SearchAPI())
	base := "/"
	if site != nil {
		base = basePath(site.config.URL())
	} else {
		base = basePath(opts.PreviewURL)
	}
	mux.Handle("/", underBase(base, &preview.Handler{Publisher: lv}))
	srv := &http.Server{Handler: &preview.Hosts{Bind: bind, Next: mux}, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	srv.RegisterOnShutdown(lv.Close)
	fmt.Fprintf(stderr, "%sserving on http://%s%s (Ctrl-C to stop)\n", moved, ln.Addr(), base)
	if open {
		if err := openBrowser("http://" + ln.Addr().String() + base); err != nil {
			fmt.Fprintf(stderr, "playbook serve: not opening a browser: %v\n", err)
		}
	}
	if site != nil {
		var ruleFiles []string
		for _, r := range opts.Rules {
			ruleFiles = append(ruleFiles, filepath.FromSlash(r.Path))
		}
		w, err := watch.Start(ctx, watch.Options{ContentDir: site.contentDir, SiteDir: site.dir, Files: ruleFiles, Folders: site.StaticDirs})
		if err != nil {
			fmt.Fprintf(stderr, "playbook serve: not watching for changes: %v\n", err)
		} else {
			rb := &preview.Rebuilder{
				Engine: eng, Batches: w.Batches(), Publisher: lv, Log: stderr, Format: format, Reported: report.String(),
				Reopen: func() (*engine.Options, error) {
					s, err := openSite(&f)
					if err != nil {
						return nil, err
					}
					s.opts.Now, s.opts.SearchAPI, s.opts.LivePreview = opts.Now, true, true
					return &s.opts, nil
				},
			}
			go rb.Run(ctx)
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

// portsTried is how many ports after a taken one serve tries.
const portsTried = 20

// listen listens on bind:port. When the port is taken (and is not 0, any
// free port), it listens on the next free one of the portsTried after it,
// and moved says so ("port 1313 is taken: "), for the line that names
// the address.
func listen(bind string, port int) (ln net.Listener, moved string, err error) {
	ln, err = net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err == nil || port == 0 || !addrInUse(err) {
		return ln, "", err
	}
	last := min(port+portsTried, 65535)
	for p := port + 1; p <= last; p++ {
		ln, err2 := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(p)))
		if err2 == nil {
			return ln, fmt.Sprintf("port %d is taken: ", port), nil
		}
		if !addrInUse(err2) {
			return nil, "", err2
		}
	}
	return nil, "", fmt.Errorf("ports %d to %d are all taken: give another with --port (0 picks any free one)", port, last)
}

// addrInUse reports whether a listen failed because the port is taken.
func addrInUse(err error) bool {
	const wsaeaddrinuse = syscall.Errno(10048) // Windows' EADDRINUSE
	return errors.Is(err, syscall.EADDRINUSE) || (runtime.GOOS == "windows" && errors.Is(err, wsaeaddrinuse))
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
