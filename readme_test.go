package playbook_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/config"
)

// TestReadmeStartsAPlaybook checks the README's start for a newcomer: its
// three commands install, init and serve, and its playbook.yaml example
// reads without a finding.
func TestReadmeStartsAPlaybook(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, start, ok := strings.Cut(readme, "## Start your own playbook\n")
	if !ok {
		t.Fatal("README has no \"Start your own playbook\" section")
	}
	start, _, _ = strings.Cut(start, "\n## ")
	sh := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(start)
	if sh == nil {
		t.Fatal("the start has no commands")
	}
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(sh[1]), "\n") {
		cmd, _, _ := strings.Cut(l, "#")
		cmds = append(cmds, strings.Join(strings.Fields(cmd), " "))
	}
	want := []string{"go install github.com/opsplaybook/playbook/cmd/playbook@latest", "playbook init my-playbook", "playbook serve -s my-playbook"}
	if strings.Join(cmds, "\n") != strings.Join(want, "\n") {
		t.Errorf("the start's commands:\n%s\nwant:\n%s", strings.Join(cmds, "\n"), strings.Join(want, "\n"))
	}
	_, configure, ok := strings.Cut(readme, "## Configure\n")
	if !ok {
		t.Fatal("README has no \"Configure\" section")
	}
	y := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(configure)
	if y == nil {
		t.Fatal("Configure has no playbook.yaml")
	}
	c, finds := config.Parse("README.md", []byte(y[1]))
	if len(finds) > 0 {
		t.Errorf("the README's playbook.yaml: %v", finds)
	}
	if c.BaseURL == "" || len(c.Rules) == 0 || c.Tickets.URL == "" || c.Review.Every.IsZero() {
		t.Errorf("the README's playbook.yaml leaves settings out: %+v", c)
	}
}
