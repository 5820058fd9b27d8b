package generator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var checkID = regexp.MustCompile(`^[a-z]+/[a-z]+(-[a-z]+)*$`)

// checkIDs finds every check id the module's code can report: the string
// literals given to the findings' constructors (Errorf, Warnf, Add,
// AddFix, and the validator's err and fix), set as a Finding's or an
// error's Check, declared as a constant named Check..., or assigned to a
// variable named check.
func checkIDs(t *testing.T, root string) map[string]string {
	t.Helper()
	ids := map[string]string{} // id -> where
	fset := token.NewFileSet()
	add := func(e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && checkID.MatchString(s) {
			if _, seen := ids[s]; !seen {
				ids[s] = fset.Position(lit.Pos()).String()
			}
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || n == "node_modules" || (strings.HasPrefix(n, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				case *ast.Ident:
					name = fn.Name
				}
				switch name {
				case "Errorf", "Warnf", "Add", "AddFix", "err", "fix":
					for _, a := range n.Args[:min(2, len(n.Args))] {
						add(a)
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Check" {
					add(n.Value)
				}
			case *ast.ValueSpec:
				for i, nm := range n.Names {
					if strings.HasPrefix(nm.Name, "Check") && i < len(n.Values) {
						add(n.Values[i])
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == "check" && i < len(n.Rhs) {
						add(n.Rhs[i])
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestEveryCheckIsInTheChecksReference keeps the user guide's reference of
// checks whole: every check id the code can report is named there, so a
// contributor who meets one can look it up.
func TestEveryCheckIsInTheChecksReference(t *testing.T) {
	ids := checkIDs(t, "..")
	// The scan must see each way a check id is written, or it proves
	// nothing.
	for _, id := range []string{"owner/missing", "config/invalid", "page/too-deep", "mdx/component", "symlink/loop", "rule/invalid", "severity/unknown", "alert/unknown"} {
		if _, ok := ids[id]; !ok {
			t.Errorf("the scan of the code did not find %s", id)
		}
	}
	guide, err := os.ReadFile("../content/guides/contributing/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for id, where := range ids {
		if !strings.Contains(string(guide), "`"+id+"`") {
			missing = append(missing, id+" (reported at "+where+")")
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("content/guides/contributing/checks.md does not list `%s`", m)
	}
}
