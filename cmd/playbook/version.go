package main

import "runtime/debug"

// buildVersion is the release's version (v1.2.3), set when the release
// binaries are linked: go build -ldflags "-X main.buildVersion=v1.2.3"
// (.goreleaser.yaml). It is "" in any other build, and never changes
// while the program runs.
var buildVersion string

// version returns the release's version, else the module version (go
// install ...@v1.2.3), else the commit for a build from a checkout.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "devel " + rev
}
