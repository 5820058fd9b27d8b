package suggest

import "testing"

func TestClosest(t *testing.T) {
	commands := []string{"build", "check", "completion", "help", "new", "search", "serve", "version"}
	tests := []struct{ word, want string }{
		{"biuld", "build"},  // a swap of neighbours
		{"buidl", "build"},  // another
		{"serv", "serve"},   // a letter left out
		{"chekc", "check"},  // a swap at the end
		{"Build", "build"},  // case
		{"servve", "serve"}, // a letter twice
		{"publish", ""},     // not a slip
		{"nw", "new"},       // short words: one edit
		{"xy", ""},          // short words: not two
		{"sarch", "search"}, // two letters out of six
		{"versoin", "version"},
		{"destinaton", ""}, // not a command
	}
	for _, tt := range tests {
		if got := Closest(tt.word, commands); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := Closest("destinaton", []string{"destination", "drafts"}); got != "destination" {
		t.Errorf("Closest(destinaton) = %q, want destination", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"", "ab", 2}, {"ab", "ba", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3}, {"né", "ne", 1}} {
		if got := Distance(tt.a, tt.b); got != tt.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
