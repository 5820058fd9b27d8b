package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/search"
)

const searchHelp = `Usage: playbook search [flags] QUERY

Searches the site's pages as the site's search box does: every page that
has all the words of QUERY (a word also matches the words it begins, so
"escal" finds "escalation"; the parts of names, so "crash" finds
KubePodCrashLooping; accents do not matter; a word of five letters or
more that matches nothing finds words one or two edits away, so
"rolback" finds "rollback"), an exact alert name or title first, then by
where the words are (title, alert names, headings, owner and tags, body).
Prints the title, URL, kind, owner and a snippet of each result, in the
order the browser lists them.

The first search builds an index of the site and keeps it in the user's
cache folder; later searches reuse it until a file of the site changes.

Flags:
  -s, --source DIR     the site folder, with playbook.yaml (default ".")
      --content DIR    the markdown folder (default: DIR/content)
      --drafts         include pages with draft: true
      --kind KIND      only pages of this kind (runbook, alert, guide, ...)
      --owner TEAM     only pages this team owns
      --role ROLE      only pages for this persona
  -n, --limit N        the number of results (default 10)
      --json           print the results as JSON
      --cache DIR      keep the index in DIR (default: the user's cache)

Exit status: 0 found, 1 nothing found, 2 usage or I/O errors.
`

func searchCmd(args []string, stdout, stderr io.Writer) int {
	var f siteFlags
	var q search.Query
	var asJSON bool
	var cache string
	fl := newFlagSet("search", searchHelp, stdout, stderr)
	f.register(fl)
	fl.StringVar(&q.Kind, "kind", "", "")
	fl.StringVar(&q.Owner, "owner", "", "")
	fl.StringVar(&q.Role, "role", "", "")
	fl.IntVar(&q.Limit, "n", search.DefaultLimit, "")
	fl.IntVar(&q.Limit, "limit", search.DefaultLimit, "")
	fl.BoolVar(&asJSON, "json", false, "")
	fl.StringVar(&cache, "cache", "", "")
	// Flags may come before or after the query's words.
	var words []string
	rest := args
	for {
		if code, stop := parseFlagsOnly(fl, rest, searchHelp, stdout, stderr); stop {
			return code
		}
		if fl.NArg() == 0 {
			break
		}
		words = append(words, fl.Arg(0))
		rest = fl.Args()[1:]
	}
	if q.Limit < 1 {
		fmt.Fprintf(stderr, "playbook search: -n %d: the number of results is at least 1\n\n%s", q.Limit, searchHelp)
		return exitUsage
	}
	q.Text = strings.Join(words, " ")
	if strings.TrimSpace(q.Text) == "" {
		fmt.Fprintf(stderr, "playbook search: no query\n\n%s", searchHelp)
		return exitUsage
	}
	s, err := openSite(&f)
	if err != nil {
		return fail(stderr, "search", err, searchHelp)
	}
	hits, err := searchIndex(s, cache, f.drafts, q)
	if err != nil {
		return fail(stderr, "search", err, searchHelp)
	}
	if asJSON {
		if hits == nil {
			hits = []search.Hit{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		enc.Encode(hits)
	} else {
		for _, h := range hits {
			meta := h.Kind
			if h.Owner != "" {
				meta += " · " + h.Owner
			}
			fmt.Fprintf(stdout, "%s\n  %s  (%s)\n", h.Title, h.URL, meta)
			if h.Snippet != "" {
				fmt.Fprintf(stdout, "  %s\n", h.Snippet)
			}
		}
	}
	if len(hits) == 0 {
		if !asJSON {
			fmt.Fprintf(stderr, "no pages match %q\n", q.Text)
		}
		return exitFindings
	}
	return exitOK
}

// searchIndex runs q on the site's cached index, building the index
// first when there is none or the site has changed since.
func searchIndex(s *siteSetup, cache string, drafts bool, q search.Query) ([]search.Hit, error) {
	if cache == "" {
		root, err := os.UserCacheDir()
		if err != nil {
			root = os.TempDir()
		}
		abs, err := filepath.Abs(s.contentDir)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(abs))
		cache = filepath.Join(root, "playbook", "search", hex.EncodeToString(sum[:])[:16])
	}
	fingerprint := func() (string, error) {
		return search.FingerprintDir(s.contentDir, s.opts.Config, []byte(version()), []byte(fmt.Sprint(drafts)))
	}
	return search.SearchCached(cache, fingerprint, func() ([]search.Doc, error) {
		res, err := generator.Check(s.opts)
		if err != nil {
			return nil, err
		}
		return search.Docs(res.Site), nil
	}, q)
}

// parseFlagsOnly parses flags up to the first argument that is not one;
// it returns an exit code when the command should stop.
func parseFlagsOnly(fl *flag.FlagSet, args []string, help string, stdout, stderr io.Writer) (int, bool) {
	err := fl.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return exitOK, true
	}
	if err != nil {
		return flagError(fl, err, help, stderr), true
	}
	return 0, false
}
