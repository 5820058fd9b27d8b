package search_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook/search"
)

// analyzeJS runs the analysis of assets/search.js over texts with node
// and returns, for each text, its terms, its exact-hit term and its terms
// as a query.
func analyzeJS(t *testing.T, texts []string) (terms [][]string, exact []string, query [][]string) {
	t.Helper()
	node := needNode(t)
	dir := t.TempDir()
	in, err := json.Marshal(texts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "in.json"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	js, err := filepath.Abs("../assets/search.js")
	if err != nil {
		t.Fatal(err)
	}
	script := `const s = require(process.argv[1]);
const texts = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify(texts.map(t => [s.terms(t), s.exactTerm(t), s.queryTerms(t)])));`
	cmd := exec.Command(node, "-e", script, js, filepath.Join(dir, "in.json"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res [][3]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		var ts, qs []string
		var x string
		json.Unmarshal(r[0], &ts)
		json.Unmarshal(r[1], &x)
		json.Unmarshal(r[2], &qs)
		terms = append(terms, ts)
		exact = append(exact, x)
		query = append(query, qs)
	}
	return terms, exact, query
}

// textsOf returns every text the index analyses in docs.
func textsOf(docs []search.Doc) []string {
	var texts []string
	for _, d := range docs {
		texts = append(texts, d.Title, d.Body, d.Summary, d.Owner, d.Excerpt)
		texts = append(texts, d.Headings...)
		texts = append(texts, d.Alerts...)
		texts = append(texts, d.Roles...)
		texts = append(texts, d.Tags...)
	}
	return texts
}

// TestBrowserAnalysisMatchesIndex runs the browser's analysis and bleve's
// over every text of the example playbook and of the real corpora: both
// must give the same terms, in the same order, the same exact-hit term
// and the same terms when the text is typed as a query; and every query
// term of a text must be one of its terms, so that typing any text of a
// page finds the page.
func TestBrowserAnalysisMatchesIndex(t *testing.T) {
	sites := map[string][]search.Doc{"example": docsOf(t, exampleOptions())}
	addCorpora(t, sites, corpora()...)
	// A few spellings the corpora may lack.
	extra := []string{"ΟΔΥΣΣΕΥΣ", "İstanbul", "Ⱥpple", "straße", "ẞtraße İİ", "naïve café", "payments_api_error", "HTTP/2 5xx", "e.g. v1.2.3", "日本語のテキスト", "  PaymentsApiHighErrorRate\t", "ǅemal", "ﬁle",
		"KubePodCrashLooping", "HTTPServerError5xx", "k8s.io/api:v1", "a--b_-c", "x_", "数据库连接池重启", "接続がタイムアウトした", "データベースAPIサーバー", "서버 재시작", "ＡＰＩ①", "Ω Å K", "e\u0301te\u0301", "ﬀ_ﬁ", "a\u0308\u0301b", "\u0301start", "HTTP-Server.Go:Error_Rate", "X11 ipv6 IPv6Addr", "Ǆ ǅ ǆ", "ΣΑΣ σας", "मैं हिंदी", "ไทย", "10:30 e.g. 1.2.3-rc1 v2.0"}
	names := []string{"example", "pagerduty-ir", "govuk-manual", "hackney-devsys"}
	for _, name := range append(names, "extra") {
		docs, ok := sites[name]
		texts := extra
		if name != "extra" {
			if !ok {
				continue
			}
			texts = textsOf(docs)
		}
		t.Run(name, func(t *testing.T) {
			jsTerms, jsExact, jsQuery := analyzeJS(t, texts)
			if len(jsTerms) != len(texts) {
				t.Fatalf("node analysed %d texts of %d", len(jsTerms), len(texts))
			}
			vocab := map[string]bool{}
			bad := 0
			for i, text := range texts {
				want := search.TermsOf(text)
				for _, w := range want {
					vocab[w] = true
				}
				if !slices.Equal(want, jsTerms[i]) && !(len(want) == 0 && len(jsTerms[i]) == 0) {
					bad++
					if bad <= 5 {
						t.Errorf("text %q:\n index:   %q\n browser: %q", clip(text), want, jsTerms[i])
					}
				}
				wq := search.QueryTermsOf(text)
				if !slices.Equal(wq, jsQuery[i]) && !(len(wq) == 0 && len(jsQuery[i]) == 0) {
					bad++
					if bad <= 5 {
						t.Errorf("query %q:\n index:   %q\n browser: %q", clip(text), wq, jsQuery[i])
					}
				}
				for _, q := range wq {
					if !slices.Contains(want, q) {
						bad++
						if bad <= 5 {
							t.Errorf("text %q: query term %q is not among its terms %q", clip(text), q, want)
						}
					}
				}
				if w := search.ExactTermOf(text); w != jsExact[i] {
					bad++
					if bad <= 5 {
						t.Errorf("exact term of %q: index %q, browser %q", clip(text), w, jsExact[i])
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d texts analysed differently", bad)
			}
			t.Logf("%d texts, %d distinct terms: the same in the browser", len(texts), len(vocab))
		})
	}
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
