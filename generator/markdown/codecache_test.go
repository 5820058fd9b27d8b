package markdown

import (
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/buildcache"
)

// TestHighlightedCodeFromTheCacheIsTheSame converts code blocks with a
// build cache, cold then warm: the HTML is that of a converter without
// one, and the warm one took the blocks from the cache.
func TestHighlightedCodeFromTheCacheIsTheSame(t *testing.T) {
	src := []byte("# Code\n\n```go\nfunc main() { fmt.Println(\"hi\") }\n```\n\n```console\n$ kubectl get pods\n```\n\n```mermaid\ngraph TD\n```\n\n```sh\necho <b>\n```\n")
	want, err := New(Options{}).Convert(src)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := buildcache.Open(t.TempDir(), buildcache.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, run := range []string{"cold", "warm"} {
		got, err := New(Options{Cache: cache}).Convert(src)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: with a cache\n%s\nwithout\n%s", run, got, want)
		}
	}
	if s := cache.Stats(); s.Hits != 3 {
		t.Errorf("stats %+v: want the three highlighted blocks read from the cache", s)
	}
	if !strings.Contains(want, `data-lang="console"`) {
		t.Fatalf("no highlighted block:\n%s", want)
	}
}
