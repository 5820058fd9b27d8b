package site

import (
	"hash/fnv"
	"testing"

	"github.com/opsplaybook/playbook/generator/markdown"
)

// Anchor finds a heading by its id, exactly or with runs of hyphens
// taken as one, whether IndexAnchors made a map (ids that are not in
// their squashed form) or not (ids that are), and without IndexAnchors.
func TestAnchor(t *testing.T) {
	pages := map[string][]string{
		"plain ids":          {"rollback", "check-the-disk", "step-2"},
		"ids made by hand":   {"Rollback", "check--the_disk", "-step-2-"},
		"ids of other runes": {"überblick", "check-the-disk"},
	}
	for name, ids := range pages {
		for _, indexed := range []bool{true, false} {
			p := &Parsed{}
			for _, id := range ids {
				p.Outline.Headings = append(p.Outline.Headings, markdown.Heading{ID: id})
			}
			if indexed {
				p.IndexAnchors()
			}
			for _, id := range ids {
				if got, ok := p.Anchor(id); !ok || got != id {
					t.Errorf("%s (indexed %v): Anchor(%q) = %q, %v", name, indexed, id, got, ok)
				}
				if got, ok := p.Anchor(squash(id)); !ok || got != id {
					t.Errorf("%s (indexed %v): Anchor(%q) = %q, %v; want %q", name, indexed, squash(id), got, ok, id)
				}
			}
			if got, ok := p.Anchor("check---the-disk"); !ok || squash(got) != "check-the-disk" {
				t.Errorf("%s (indexed %v): Anchor(check---the-disk) = %q, %v", name, indexed, got, ok)
			}
			if got, ok := p.Anchor("nowhere"); ok {
				t.Errorf("%s (indexed %v): Anchor(nowhere) = %q", name, indexed, got)
			}
		}
	}
}

// AnchorSum is the FNV-1a hash of the ids, each followed by a zero byte.
func TestAnchorSum(t *testing.T) {
	p := &Parsed{}
	h := fnv.New64a()
	for _, id := range []string{"a", "Über-Blick", ""} {
		p.Outline.Headings = append(p.Outline.Headings, markdown.Heading{ID: id})
		h.Write([]byte(id))
		h.Write([]byte{0})
	}
	p.IndexAnchors()
	if p.AnchorSum != h.Sum64() {
		t.Errorf("AnchorSum = %x, want %x", p.AnchorSum, h.Sum64())
	}
}

func TestSquashed(t *testing.T) {
	for _, id := range []string{"", "a", "a-b", "step-2", "a--b", "-a", "a-", "A", "a_b", "ü", "a b", "a.b"} {
		if squashed(id) && squash(id) != id {
			t.Errorf("squashed(%q), but squash makes %q", id, squash(id))
		}
	}
}
