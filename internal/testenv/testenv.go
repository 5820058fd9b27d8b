// Package testenv finds, for tests, the data that lives beside the
// repository rather than in it: the real playbooks of other teams
// (../shared/corpora), the cases of the issues (../shared/cases) and the
// corpus generator of the benchmarks (../shared/bench).
//
// Input: the environment variables PLAYBOOK_CORPORA, PLAYBOOK_CASES and
// PLAYBOOK_BENCH, which .ci/run sets when ../shared is beside the
// repository. Output: the folder a variable names. A test whose variable
// is unset is skipped with a message that names the variable ("skipped:
// set PLAYBOOK_CORPORA=..."), so that a clone without ../shared (a fork)
// passes and says what it did not run; a variable set to a folder that
// does not exist fails the test, since then the data was meant to be there.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// The environment variables, each naming a folder.
const (
	// CorporaVar names the folder of the real playbooks (../shared/corpora).
	CorporaVar = "PLAYBOOK_CORPORA"
	// CasesVar names the folder of the issues' cases (../shared/cases).
	CasesVar = "PLAYBOOK_CASES"
	// BenchVar names the folder holding the corpus generator gencorpus
	// (../shared/bench).
	BenchVar = "PLAYBOOK_BENCH"
)

// hint says what folder a variable usually names.
func hint(name string) string {
	switch name {
	case CorporaVar:
		return "../shared/corpora"
	case CasesVar:
		return "../shared/cases"
	case BenchVar:
		return "../shared/bench"
	}
	return "a folder"
}

// Lookup returns the absolute folder the variable name names and true,
// or "" and false when it is unset. A set variable whose folder is
// missing fails the test.
func Lookup(t testing.TB, name string) (string, bool) {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return "", false
	}
	dir, err := filepath.Abs(v)
	if err != nil {
		t.Fatalf("%s=%s: %v", name, v, err)
	}
	if fi, err := os.Stat(dir); err != nil {
		t.Fatalf("%s=%s: %v", name, v, err)
	} else if !fi.IsDir() {
		t.Fatalf("%s=%s: not a folder", name, v)
	}
	return dir, true
}

// Dir returns the absolute folder the variable name names, and skips the
// test when it is unset, with a message naming the variable and the
// folder it usually names.
func Dir(t testing.TB, name string) string {
	t.Helper()
	dir, ok := Lookup(t, name)
	if !ok {
		t.Skip(SkipMessage(name))
	}
	return dir
}

// SkipMessage is the message of a test skipped because name is unset.
func SkipMessage(name string) string {
	return "skipped: set " + name + "=" + hint(name) + " (.ci/run sets it when ../shared is beside the repository)"
}

// Corpora returns the folder of the real playbooks, or skips.
func Corpora(t testing.TB) string {
	t.Helper()
	return Dir(t, CorporaVar)
}

// Cases returns the folder of the issues' cases, or skips.
func Cases(t testing.TB) string {
	t.Helper()
	return Dir(t, CasesVar)
}

// Bench returns the folder holding gencorpus, or skips.
func Bench(t testing.TB) string {
	t.Helper()
	return Dir(t, BenchVar)
}
