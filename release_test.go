package playbook_test

import (
	"bytes"
	"debug/macho"
	"debug/pe"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// goreleaser is the part of .goreleaser.yaml (GoReleaser v2's
// configuration) that a release depends on.
type goreleaser struct {
	Version int
	Builds  []struct {
		ID, Main, Binary string
		Env              []string
		Goos, Goarch     []string
		Flags, Ldflags   []string
	}
	Archives []struct {
		Formats         []string
		FormatOverrides []struct {
			Goos    string
			Formats []string
		} `yaml:"format_overrides"`
	}
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	}
	DockersV2 []struct {
		Dockerfile string
		IDs        []string `yaml:"ids"`
		Images     []string
		Platforms  []string
	} `yaml:"dockers_v2"`
}

func readRelease(t *testing.T) *goreleaser {
	t.Helper()
	data, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var g goreleaser
	if err := yaml.Unmarshal(data, &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return &g
}

// TestReleaseConfig checks that .goreleaser.yaml builds static binaries
// of the playbook command for Linux, macOS and Windows on amd64 and
// arm64, with archives (zip on Windows) and checksums, and an image from
// the Dockerfile; and that its -X ldflags set a variable that exists,
// so that a release's "playbook version" prints the release.
func TestReleaseConfig(t *testing.T) {
	g := readRelease(t)
	if g.Version != 2 {
		t.Errorf("version: %d, want 2 (GoReleaser v2)", g.Version)
	}
	if len(g.Builds) != 1 {
		t.Fatalf("%d builds, want 1", len(g.Builds))
	}
	b := g.Builds[0]
	if b.Main != "./cmd/playbook" || b.Binary != "playbook" {
		t.Errorf("build main %q binary %q, want ./cmd/playbook and playbook", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v: the binaries are static only with CGO_ENABLED=0", b.Env)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, os) {
			t.Errorf("goos %v lacks %s", b.Goos, os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("goarch %v lacks %s", b.Goarch, arch)
		}
	}
	if len(g.Archives) == 0 || len(g.Archives[0].FormatOverrides) == 0 || g.Archives[0].FormatOverrides[0].Goos != "windows" || !slices.Contains(g.Archives[0].FormatOverrides[0].Formats, "zip") {
		t.Errorf("archives: want tar.gz archives, zip for windows: %+v", g.Archives)
	}
	if g.Checksum.NameTemplate == "" {
		t.Errorf("no checksum file")
	}

	// Every -X names a package-level string variable of package main.
	x := regexp.MustCompile(`-X[= ]([^=\s]+)\.([A-Za-z_][A-Za-z0-9_]*)=(\S+)`)
	sets := x.FindAllStringSubmatch(strings.Join(b.Ldflags, " "), -1)
	if len(sets) == 0 {
		t.Fatalf("ldflags %q set no version", b.Ldflags)
	}
	vars := mainStringVars(t, filepath.FromSlash(b.Main))
	var ldflags []string
	for _, s := range sets {
		if s[1] != "main" || !vars[s[2]] {
			t.Errorf("ldflags -X %s.%s: no such string variable in package main of %s (have %v)", s[1], s[2], b.Main, vars)
		}
		ldflags = append(ldflags, "-X "+s[1]+"."+s[2]+"=v9.8.7")
	}
	// And the binary built so says so.
	bin := filepath.Join(t.TempDir(), "playbook")
	build := exec.Command("go", "build", "-ldflags", strings.Join(ldflags, " "), "-o", bin, b.Main)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "playbook v9.8.7" {
		t.Errorf("playbook version: %q, %v; want playbook v9.8.7", out, err)
	}

	if len(g.DockersV2) != 1 {
		t.Fatalf("%d dockers_v2 images, want 1", len(g.DockersV2))
	}
	d := g.DockersV2[0]
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		if !slices.Contains(d.Platforms, p) {
			t.Errorf("image platforms %v lack %s", d.Platforms, p)
		}
	}
	dockerfile, err := os.ReadFile(d.Dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FROM (gcr\.io/distroless/static\S*|scratch)$`).Match(dockerfile) {
		t.Errorf("%s: the image is not distroless/static or scratch", d.Dockerfile)
	}
	// dockers_v2 puts each platform's binaries at $TARGETPLATFORM/ in the
	// build context.
	if !bytes.Contains(dockerfile, []byte("COPY $TARGETPLATFORM/"+b.Binary+" ")) {
		t.Errorf("%s does not copy $TARGETPLATFORM/%s", d.Dockerfile, b.Binary)
	}
}

// mainStringVars returns the package-level string variables of the
// package in dir, by name.
func mainStringVars(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "string" {
					continue
				}
				for _, n := range vs.Names {
					vars[n.Name] = true
				}
			}
		}
	}
	return vars
}

// TestCrossCompile builds the release's static binaries for macOS and
// Windows on arm64, as GoReleaser does (offline: the modules are in the
// module cache), and checks that each is an executable for that system
// and processor.
func TestCrossCompile(t *testing.T) {
	for _, c := range []struct{ goos, goarch string }{{"darwin", "arm64"}, {"windows", "arm64"}} {
		t.Run(c.goos+"/"+c.goarch, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "playbook")
			cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/playbook")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+c.goos, "GOARCH="+c.goarch)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			switch c.goos {
			case "darwin":
				f, err := macho.Open(bin)
				if err != nil {
					t.Fatalf("not a Mach-O executable: %v", err)
				}
				defer f.Close()
				if f.Cpu != macho.CpuArm64 || f.Type != macho.TypeExec {
					t.Errorf("Mach-O cpu %v type %v, want arm64 executable", f.Cpu, f.Type)
				}
			case "windows":
				f, err := pe.Open(bin)
				if err != nil {
					t.Fatalf("not a PE executable: %v", err)
				}
				defer f.Close()
				if f.Machine != pe.IMAGE_FILE_MACHINE_ARM64 {
					t.Errorf("PE machine %#x, want arm64", f.Machine)
				}
			}
		})
	}
}
