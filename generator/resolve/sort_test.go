package resolve

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/site"
)

// A folder lists its weighted pages first, by weight; then the others by
// title with case ignored; pages of the same weight and title by URL.
// The order does not depend on the order the pages came in.
func TestSortPagesByWeightThenTitleThenURL(t *testing.T) {
	pages := []*site.Page{
		{Parsed: &site.Parsed{URL: "/f/none-b/", Title: "beta"}},
		{Parsed: &site.Parsed{URL: "/f/w2/", Title: "Zulu"}, Order: 2},
		{Parsed: &site.Parsed{URL: "/f/none-a2/", Title: "Alpha"}},
		{Parsed: &site.Parsed{URL: "/f/none-a1/", Title: "alpha"}},
		{Parsed: &site.Parsed{URL: "/f/w1/", Title: "Yankee"}, Order: 1},
		{Parsed: &site.Parsed{URL: "/f/neg/", Title: "Last"}, Order: -5},
		{Parsed: &site.Parsed{URL: "/f/none-c/", Title: "Charlie"}},
		{Parsed: &site.Parsed{URL: "/f/w1b/", Title: "Xray"}, Order: 1},
	}
	want := "/f/neg/ /f/w1b/ /f/w1/ /f/w2/ /f/none-a1/ /f/none-a2/ /f/none-b/ /f/none-c/"
	r := rand.New(rand.NewSource(1))
	for range 20 {
		r.Shuffle(len(pages), func(i, j int) { pages[i], pages[j] = pages[j], pages[i] })
		sortPages(pages)
		var got []string
		for _, p := range pages {
			got = append(got, p.URL)
		}
		if strings.Join(got, " ") != want {
			t.Fatalf("order\n%s\nwant\n%s", strings.Join(got, " "), want)
		}
	}
}
