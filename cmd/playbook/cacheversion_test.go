package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The build cache of a build from a checkout is keyed by the executable's
// Go build ID, read from its ELF note, which is what "go tool buildid"
// prints: an executable whose code differs has another, so its cache
// entries are not read.
func TestExecutableIDIsTheGoBuildID(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the build ID is read from ELF executables; elsewhere the executable is hashed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatalf("go tool buildid %s: %v", exe, err)
	}
	want := strings.TrimSpace(string(out))
	got, err := executableID(exe)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("executableID = %q, go tool buildid says %q", got, want)
	}
	if !goBuildIDForm(got) {
		t.Fatalf("%q is not taken as a build ID the go command made", got)
	}
}

// A file with no Go build ID is known by the SHA-256 of its bytes.
func TestExecutableIDWithoutBuildIDIsItsHash(t *testing.T) {
	p := filepath.Join(t.TempDir(), "playbook")
	data := []byte("#!/bin/sh\necho not a Go executable\n")
	if err := os.WriteFile(p, data, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := executableID(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("executableID = %q, want the SHA-256 %q", got, want)
	}
	if _, err := executableID(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("no error for a missing executable")
	}
}

// Only a build ID of the go command's form is trusted to change with the
// executable: one set by hand (-ldflags=-buildid=redacted, as Bazel's
// rules_go do) is the same for every build.
func TestGoBuildIDForm(t *testing.T) {
	for id, want := range map[string]bool{
		"E6UKNFglMvRIBYcaMy8m/J2x-4RuVwXX3ij5R8F_U/LRUc_NktWKnW_g7aHLum/ykg9vtG5oNwHpNqdSH6-": true,
		"redacted": false,
		"":         false,
		"E6UKNFglMvRIBYcaMy8m/J2x-4RuVwXX3ij5R8F_U":                                            false,
		"E6UKNFglMvRIBYcaMy8m/J2x-4RuVwXX3ij5R8F_U/LRUc_NktWKnW_g7aHLum/ykg9vtG5oNwHpNqdSH6=":  false,
		"E6UKNFglMvRIBYcaMy8m/J2x-4RuVwXX3ij5R8F_U/LRUc_NktWKnW_g7aHLum/ykg9vtG5oNwHpNqdSH6-/": false,
	} {
		if got := goBuildIDForm(id); got != want {
			t.Errorf("goBuildIDForm(%q) = %v, want %v", id, got, want)
		}
	}
}
