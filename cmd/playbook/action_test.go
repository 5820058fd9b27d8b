package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/opsplaybook/playbook/generator/scaffold"
	"go.yaml.in/yaml/v3"
)

// action is the part of action.yml (GitHub's metadata syntax for
// actions) that the test runs.
type action struct {
	Name   string
	Inputs map[string]struct {
		Description string
		Default     string
	}
	Runs struct {
		Using string
		Steps []actionStep
	}
}

type actionStep struct {
	ID, Name, If, Uses, Shell, Run string
	Env                            map[string]string
	With                           map[string]string
}

// stepResult is what a user sees of a step in the job's log.
type stepResult struct {
	id     string
	out    string // stdout and stderr, where workflow commands are read
	code   int
	ran    bool
	reason string // why it did not run
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runAction runs the steps of action.yml as the runner would for a
// workflow in workspace that gives it inputs: the inputs' defaults
// filled in, ${{ inputs.X }} substituted, if: conditions of the form
// "inputs.X == 'v'" evaluated, each run: script run by bash -eo pipefail
// in the workspace, and the job stopped at the first step that fails.
// The steps that install Go and playbook are left out: the playbook on
// PATH is this test's binary (see TestMain).
func runAction(t *testing.T, a *action, workspace string, inputs map[string]string) []stepResult {
	t.Helper()
	values := map[string]string{}
	for name, in := range a.Inputs {
		values[name] = in.Default
	}
	for name, v := range inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		values[name] = v
	}
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			name, ok := strings.CutPrefix(e, "inputs.")
			if !ok {
				t.Fatalf("the test cannot evaluate ${{ %s }}", e)
			}
			if _, ok := a.Inputs[name]; !ok {
				t.Fatalf("${{ %s }}: action.yml has no such input", e)
			}
			return values[name]
		})
	}
	cond := regexp.MustCompile(`^inputs\.([a-z-]+) == '([^']*)'$`)
	var results []stepResult
	failed := false
	for _, st := range a.Runs.Steps {
		r := stepResult{id: st.ID}
		switch {
		case st.Uses != "" || st.ID == "install":
			r.reason = "installs Go or playbook"
		case failed:
			r.reason = "an earlier step failed"
		case st.If != "":
			m := cond.FindStringSubmatch(st.If)
			if m == nil {
				t.Fatalf("step %s: the test cannot evaluate if: %s", st.ID, st.If)
			}
			if values[m[1]] != m[2] {
				r.reason = "if: " + st.If
			}
		}
		if r.reason != "" {
			results = append(results, r)
			continue
		}
		if st.Shell != "bash" {
			t.Fatalf("step %s: shell %q, want bash (the same on every runner)", st.ID, st.Shell)
		}
		script := filepath.Join(t.TempDir(), "step.sh")
		if err := os.WriteFile(script, []byte(eval(st.Run)), 0o644); err != nil {
			t.Fatal(err)
		}
		// GitHub runs shell: bash as "bash --noprofile --norc -eo
		// pipefail {0}".
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = workspace
		cmd.Env = os.Environ()
		for k, v := range st.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("step %s: %v", st.ID, err)
		}
		r.ran, r.out = true, out.String()
		failed = r.code != 0
		results = append(results, r)
	}
	return results
}

func readAction(t *testing.T) *action {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(false)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

// TestActionInstallsThisModule checks what the test of the steps leaves
// out: the action is composite, sets up Go with actions/setup-go, and
// installs the playbook command of this module at the action's ref.
func TestActionInstallsThisModule(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using: %q, want composite", a.Runs.Using)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	module := regexp.MustCompile(`(?m)^module (\S+)$`).FindSubmatch(gomod)
	var setupGo, install bool
	for _, st := range a.Runs.Steps {
		if strings.HasPrefix(st.Uses, "actions/setup-go@") {
			setupGo = true
		}
		if st.ID == "install" {
			install = true
			want := "go install \"" + string(module[1]) + "/cmd/playbook@$PLAYBOOK_REF\""
			if !strings.Contains(st.Run, want) {
				t.Errorf("the install step does not run %s:\n%s", want, st.Run)
			}
			if st.Env["PLAYBOOK_REF"] != "${{ github.action_ref }}" {
				t.Errorf("the install step's PLAYBOOK_REF is %q, not the action's ref", st.Env["PLAYBOOK_REF"])
			}
			if !strings.Contains(st.Run, `>> "$GITHUB_PATH"`) {
				t.Errorf("the install step does not put the installed command on PATH")
			}
		}
	}
	if !setupGo || !install {
		t.Errorf("action.yml: setup-go step %v, install step %v; want both", setupGo, install)
	}
}

// TestActionSteps runs the action's steps against a small site, as a
// workflow would, and checks what its user sees: the findings as
// annotations on their file and line, the job failing on errors and, with
// strict (the default), on warnings, and the site built when asked for.
func TestActionSteps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the steps are bash scripts; the test runs them where bash is")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the action's steps")
	}
	a := readAction(t)
	clean := map[string]string{
		"site/playbook.yaml":           "title: Action\n",
		"site/content/teams/ops.md":    "---\ntitle: Ops\n---\n",
		"site/content/guides/start.md": "---\ntitle: Start\nowner: ops\n---\nSee [ops](../teams/ops.md).\n",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range clean {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	warning := with(map[string]string{"site/content/guides/g.md": "---\ntitle: Guide\naudience: everyone\n---\n"})
	broken := with(map[string]string{"site/content/guides/g.md": "---\ntitle: Guide\n---\n\nSee [the start](start.md) and [the runbook](../runbooks/nope.md).\n"})
	type want struct {
		step   string // the step that fails, or "" for none
		code   int
		notes  []string // in the failing step's output, or the check's
		public bool     // site/public/index.html written
	}
	for _, c := range []struct {
		name   string
		files  map[string]string
		inputs map[string]string
		want   want
	}{
		{"clean, defaults", clean, nil, want{}},
		{"clean, build", clean, map[string]string{"build": "true"}, want{public: true}},
		{"warning, strict by default", warning, map[string]string{"build": "true"}, want{step: "check", code: 1,
			notes: []string{`::warning file=site/content/guides/g.md,line=3,`}}},
		{"warning, not strict", warning, map[string]string{"strict": "false", "build": "true"}, want{public: true,
			notes: []string{`::warning file=site/content/guides/g.md,line=3,`}}},
		{"error", broken, map[string]string{"strict": "false", "build": "true"}, want{step: "check", code: 1,
			notes: []string{`::error file=site/content/guides/g.md,line=5,`, `link/broken`}}},
		{"strict misspelt", clean, map[string]string{"strict": "yes"}, want{step: "check", code: 2,
			notes: []string{`::error title=playbook action::strict must be true or false, not 'yes'`}}},
		{"no such site folder", clean, map[string]string{"source": "elsewhere"}, want{step: "check", code: 2,
			notes: []string{`elsewhere`}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := t.TempDir()
			for name, text := range c.files {
				p := filepath.Join(ws, filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inputs := map[string]string{"source": "site"}
			for k, v := range c.inputs {
				inputs[k] = v
			}
			results := runAction(t, a, ws, inputs)
			var log strings.Builder
			failedStep, code, checkOut, failedOut := "", 0, "", ""
			for _, r := range results {
				log.WriteString("step " + r.id + ": ")
				if !r.ran {
					log.WriteString("skipped: " + r.reason + "\n")
					continue
				}
				log.WriteString("exit " + strconv.Itoa(r.code) + "\n" + r.out)
				if r.id == "check" {
					checkOut = r.out
				}
				if r.code != 0 && failedStep == "" {
					failedStep, code, failedOut = r.id, r.code, r.out
				}
			}
			if failedStep != c.want.step || code != c.want.code {
				t.Fatalf("failing step %q exit %d, want %q exit %d\n%s", failedStep, code, c.want.step, c.want.code, log.String())
			}
			out := checkOut
			if failedStep != "" {
				out = failedOut
			}
			for _, n := range c.want.notes {
				if !strings.Contains(out, n) {
					t.Errorf("no %q in the output:\n%s", n, log.String())
				}
			}
			if c.want.notes == nil && strings.Contains(checkOut, "::") {
				t.Errorf("annotations on a clean site:\n%s", log.String())
			}
			_, err := os.Stat(filepath.Join(ws, "site", "public", "index.html"))
			if built := err == nil; built != c.want.public {
				t.Errorf("site built: %v, want %v\n%s", built, c.want.public, log.String())
			}
		})
	}
}

// TestWorkflowsUseTheAction checks the workflows a user copies (the
// README's, the user guide's, and the one "playbook init" writes): each
// uses this repository's action, with inputs that action.yml has.
func TestWorkflowsUseTheAction(t *testing.T) {
	a := readAction(t)
	files, err := scaffold.Playbook(scaffold.Starter{Ref: "v1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	workflows := map[string]string{}
	for _, f := range files {
		if f.Path == ".github/workflows/playbook.yml" {
			workflows["playbook init"] = string(f.Data)
		}
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	for _, doc := range []string{"../../README.md", "../../content/guides/contributing/previewing.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range block.FindAllStringSubmatch(string(data), -1) {
			if strings.Contains(m[1], "jobs:") {
				workflows[doc] = m[1]
			}
		}
	}
	if len(workflows) != 3 {
		t.Fatalf("found the workflows of %d places, want 3", len(workflows))
	}
	for where, text := range workflows {
		var wf struct {
			Jobs map[string]struct {
				Steps []struct {
					Uses string
					With map[string]any
				}
			}
		}
		if err := yaml.Unmarshal([]byte(text), &wf); err != nil {
			t.Errorf("%s: the workflow is not YAML: %v", where, err)
			continue
		}
		used := false
		for _, job := range wf.Jobs {
			for _, st := range job.Steps {
				if !strings.HasPrefix(st.Uses, scaffold.Action+"@") {
					continue
				}
				used = true
				for k := range st.With {
					if _, ok := a.Inputs[k]; !ok {
						t.Errorf("%s: the action has no input %q", where, k)
					}
				}
			}
		}
		if !used {
			t.Errorf("%s: the workflow does not use %s:\n%s", where, scaffold.Action, text)
		}
	}
	if !strings.Contains(workflows["playbook init"], scaffold.Action+"@v1.2.3") {
		t.Errorf("playbook init's workflow does not use the action at playbook's own release:\n%s", workflows["playbook init"])
	}
}
