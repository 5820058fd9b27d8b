package search_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/opsplaybook/playbook"
	"github.com/opsplaybook/playbook/generator"
	"github.com/opsplaybook/playbook/internal/testenv"
	"github.com/opsplaybook/playbook/search"
)

// classDocs are pages with the kinds of text each class of queries below
// is about.
func classDocs() []search.Doc {
	return []search.Doc{
		{URL: "/alerts/kubepodcrashlooping/", Title: "KubePodCrashLooping", Kind: "alert", Alerts: []string{"KubePodCrashLooping"}, Body: "A container keeps restarting."},
		{URL: "/alerts/nodediskfull/", Title: "NodeDiskFull", Kind: "alert", Alerts: []string{"NodeDiskFull"}, Body: "The node's disk is nearly full."},
		{URL: "/alerts/httpservererrors5xx/", Title: "HTTPServerErrors5xx", Kind: "alert", Alerts: []string{"HTTPServerErrors5xx"}, Body: "Too many answers with status 500 to 599."},
		{URL: "/guides/cafe/", Title: "Café rota", Kind: "guide", Body: "The naïve approach to the Zürich office: send your résumé. Ｆｕｌｌｗｉｄｔｈ text, the ﬁle of ﬁxes."},
		{URL: "/guides/db/", Title: "数据库", Kind: "guide", Body: "数据库连接池已满，请重启服务。\n\nデータベースの接続がタイムアウトしました。\n\n서버를 재시작하세요."},
		{URL: "/guides/refunds/", Title: "Refund a payment", Kind: "guide", Body: "How to refund a card payment by hand. Возврат платежа."},
		{URL: "/guides/replication/", Title: "Replication lag", Kind: "guide", Body: "When the replica falls behind, roll back the last deploy: a rollback takes minutes."},
		{URL: "/guides/upgrade/", Title: "Upgrading the agent", Kind: "guide", Body: "Upgrade the agent to v1.2.3 before Friday; 10.4 is broken. The reports are written in R. See payments_api_error and k8s.io/client-go."},
		{URL: "/runbooks/payments/", Title: "Payments runbook", Kind: "runbook", Body: "Check the payments API first. Do not roll the database back."},
	}
}

// TestQueryClasses runs the queries of each class on the pages above,
// with "playbook search" and with the browser: both must list the same
// pages, and list the page the query is about (first, when first is set).
func TestQueryClasses(t *testing.T) {
	docs := classDocs()
	type query struct {
		q, want string
		first   bool
	}
	classes := []struct {
		name    string
		queries []query
		none    []string // queries that must find nothing
	}{
		{"CamelCase parts", []query{
			{"crash", "/alerts/kubepodcrashlooping/", true},
			{"pod crash", "/alerts/kubepodcrashlooping/", true},
			{"crashloop", "/alerts/kubepodcrashlooping/", true},
			{"CrashLooping", "/alerts/kubepodcrashlooping/", true},
			{"looping", "/alerts/kubepodcrashlooping/", true},
			{"kubepod", "/alerts/kubepodcrashlooping/", true},
			{"KubePodCrashLooping", "/alerts/kubepodcrashlooping/", true},
			{"disk full", "/alerts/nodediskfull/", true},
			{"server errors", "/alerts/httpservererrors5xx/", true},
			{"5xx", "/alerts/httpservererrors5xx/", true},
			{"http", "/alerts/httpservererrors5xx/", true},
			{"api error", "/guides/upgrade/", true},
			{"client-go", "/guides/upgrade/", true},
		}, []string{"podloop", "ashloop"}},
		{"CJK", []query{
			{"连接池", "/guides/db/", true},
			{"重启", "/guides/db/", true},
			{"数据库", "/guides/db/", true},
			{"接続", "/guides/db/", true},
			{"タイムアウト", "/guides/db/", true},
			{"データベース", "/guides/db/", true},
			{"재시작", "/guides/db/", true},
		}, []string{"连接池满", "タイムアウトです"}},
		{"short terms and versions", []query{
			{"v1.2.3", "/guides/upgrade/", true},
			{"1.2.3", "/guides/upgrade/", true},
			{"10.4", "/guides/upgrade/", true},
			{"R", "/guides/upgrade/", true},
			{"k8s", "/guides/upgrade/", true},
		}, []string{"v1.2.4", "Q"}},
		{"normalization and accents", []query{
			{"cafe", "/guides/cafe/", true},
			{"Café", "/guides/cafe/", true},
			{"Cafe\u0301", "/guides/cafe/", true},
			{"CAFÉ", "/guides/cafe/", true},
			{"zurich", "/guides/cafe/", true},
			{"resume", "/guides/cafe/", true},
			{"naive", "/guides/cafe/", true},
			{"fullwidth", "/guides/cafe/", true},
			{"ｃａｆｅ", "/guides/cafe/", true},
			{"file fixes", "/guides/cafe/", true},
			{"naïve", "/guides/cafe/", true},
		}, nil},
		{"typos", []query{
			{"refnd", "/guides/refunds/", true},
			{"refnud", "/guides/refunds/", true},
			{"replicaton", "/guides/replication/", true},
			{"replcation", "/guides/replication/", true},
			{"replicaiton", "/guides/replication/", true},
			{"rolback", "/guides/replication/", true},
			{"rolback minutes", "/guides/replication/", true},
			{"crashlooing", "/alerts/kubepodcrashlooping/", true},
			{"upgarde agent", "/guides/upgrade/", true},
			{"возрат", "/guides/refunds/", true},
		}, []string{"refd", "rfnd", "reflund payment card xyzzy", "repl1cation", "rfeudn", "erplciation", "rpelicatoin"}},
	}
	ix := memIndex(t, docs)
	dir := writeExport(t, docs)
	for _, c := range classes {
		t.Run(c.name, func(t *testing.T) {
			var qs []string
			for _, q := range c.queries {
				qs = append(qs, q.q)
			}
			qs = append(qs, c.none...)
			browser := browserSearch(t, dir, qs)
			for i, q := range qs {
				hits, err := ix.Search(search.Query{Text: q})
				if err != nil {
					t.Fatal(err)
				}
				got := urls(hits)
				if !slices.Equal(got, browser[i]) && !(len(got) == 0 && len(browser[i]) == 0) {
					t.Errorf("%q:\n playbook search: %v\n browser:         %v", q, got, browser[i])
				}
				if i >= len(c.queries) {
					if len(got) > 0 {
						t.Errorf("%q found %v, want nothing", q, got)
					}
					continue
				}
				want := c.queries[i]
				if want.first && (len(got) == 0 || got[0] != want.want) {
					t.Errorf("%q lists %v, want %s first", q, got, want.want)
				} else if !slices.Contains(got, want.want) {
					t.Errorf("%q lists %v, want %s among them", q, got, want.want)
				}
			}
		})
	}
}

// TestCloseSpellingsRankBelowExactHits checks that a page found by a
// close spelling scores less than the same page found by the word, and
// that a word someone typed right finds only what it says.
func TestCloseSpellingsRankBelowExactHits(t *testing.T) {
	docs := append(classDocs(), search.Doc{URL: "/guides/refind/", Title: "How to refind a lost key", Kind: "guide", Body: "refind"})
	ix := memIndex(t, docs)
	score := func(q, url string) float64 {
		t.Helper()
		hits, err := ix.Search(search.Query{Text: q, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.URL == url {
				return h.Score
			}
		}
		t.Fatalf("%q does not find %s: %v", q, url, urls(hits))
		return 0
	}
	if typo, word := score("refnd", "/guides/refunds/"), score("refund", "/guides/refunds/"); typo >= word/2 {
		t.Errorf(`"refnd" scores %v on the refunds page, "refund" %v: want a close spelling below a prefix hit (%v)`, typo, word, word/2)
	}
	hits, _ := ix.Search(search.Query{Text: "refind"})
	if got := urls(hits); !slices.Equal(got, []string{"/guides/refind/"}) {
		t.Errorf(`"refind", a word of the site, lists %v; want only its page, no close spellings`, got)
	}
}

// TestSearchCases runs the queries of ../shared/cases/search on their
// sites: each finds the page its expected.txt names, in "playbook search"
// and in the browser alike.
func TestSearchCases(t *testing.T) {
	casesDir := filepath.Join(testenv.Cases(t), "search")
	cases := []struct {
		dir, want string
		queries   []string
	}{
		{"search-camelcase-alert-names", "/alerts/kubepodcrashlooping/", []string{"crash", "pod crash", "crashloop", "kubepod", "KubePodCrashLooping"}},
		{"search-cjk-substring", "/guides/db/", []string{"连接池", "タイムアウト", "重启", "接続", "数据库", "データベース"}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join(casesDir, c.dir)
			cfg, err := os.ReadFile(filepath.Join(dir, "playbook.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			docs := docsOf(t, generator.Options{
				Content: os.DirFS(filepath.Join(dir, "content")), ContentPrefix: "content/",
				Config: cfg, ConfigFile: "playbook.yaml",
				Layouts: playbook.Layouts(), Assets: playbook.Assets(), Now: now, Version: "test",
			})
			ix := memIndex(t, docs)
			browser := browserSearch(t, writeExport(t, docs), c.queries)
			for i, q := range c.queries {
				hits, err := ix.Search(search.Query{Text: q})
				if err != nil {
					t.Fatal(err)
				}
				got := urls(hits)
				if !slices.Contains(got, c.want) {
					t.Errorf("playbook search %q lists %v, want %s", q, got, c.want)
				}
				if !slices.Equal(got, browser[i]) {
					t.Errorf("%q:\n playbook search: %v\n browser:         %v", q, got, browser[i])
				}
			}
		})
	}
}
