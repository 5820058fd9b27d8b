package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/generator/config"
	"github.com/opsplaybook/playbook/generator/diag"
	"github.com/opsplaybook/playbook/generator/output"
	"github.com/opsplaybook/playbook/generator/preview"
	"github.com/opsplaybook/playbook/generator/rules"
)

const serveHelp = `Usage: playbook serve [flags]

Builds the site into memory and serves it on http://127.0.0.1:1313/. With no
site in the working folder (no playbook.yaml and no content/ folder), it
serves the example playbook that is built into playbook. Findings are
printed as by "playbook check"; the site is served all the same.

Flags:
` + siteFlagsHelp + `      --port N         the port (default 1313)
      --bind ADDR      the address to listen on (default 127.0.0.1; 0.0.0.0
                       shares the preview with the network)
`

func serve(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var port int
	var bind string
	fl := newFlagSet("serve", serveHelp, stdout, stderr)
	f.register(fl)
	fl.IntVar(&port, "port", 1313, "")
	fl.StringVar(&bind, "bind", "127.0.0.1", "")
	if code, stop := parseFlags(fl, args, serveHelp, stdout, stderr); stop {
		return code
	}
	var opts generator.Options
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
		s, err := openSite(&f)
		if err != nil {
			return fail(stderr, "serve", err, serveHelp)
		}
		opts = s.opts
		what = displayPath(s.contentDir)
	}
	opts.Now = time.Now()
	start := time.Now()
	mem := output.NewMemory()
	res, err := generator.Build(opts, mem)
	if err != nil {
		return fail(stderr, "serve", err, serveHelp)
	}
	format, _ := diag.ParseFormat(f.format)
	diag.Write(stderr, format, res.Findings)
	fmt.Fprintln(stderr, summary("built", res.Sources, res.Findings, time.Since(start))+" from "+what)

	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err != nil {
		return fail(stderr, "serve", err, serveHelp)
	}
	srv := &http.Server{Handler: &preview.Handler{Site: mem, Modified: start}, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stderr, "serving on http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
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

// isSite reports whether a folder holds a site: playbook.yaml or content/.
func isSite(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, config.FileName)); err == nil {
		return true
	}
	st, err := os.Stat(filepath.Join(dir, "content"))
	return err == nil && st.IsDir()
}
