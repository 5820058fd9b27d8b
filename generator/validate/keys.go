package validate

import (
	"maps"
	"slices"

	"github.com/opsplaybook/playbook/generator/site"
)

func keys(m map[string]*site.Page) []string {
	return slices.Sorted(maps.Keys(m))
}
