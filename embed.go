// Package playbook embeds the default site: the example playbook in
// content/ (also the user guide) with its rules/, the theme's layouts/ and
// its assets/.
// The generator reads them as fs.FS values; a site's own layouts/ and
// assets/ override them file by file.
package playbook

import (
	"embed"
	"io/fs"
)

//go:embed content layouts assets rules playbook.yaml
var files embed.FS

// Content returns the example playbook.
func Content() fs.FS { return sub("content") }

// Layouts returns the default layouts.
func Layouts() fs.FS { return sub("layouts") }

// Assets returns the default CSS and JavaScript.
func Assets() fs.FS { return sub("assets") }

// Config returns the example playbook's playbook.yaml.
func Config() []byte {
	b, _ := files.ReadFile("playbook.yaml")
	return b
}

// Rules returns the example playbook's Prometheus rule files, by their
// path in the repository ("rules/payments.rules.yaml").
func Rules() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := files.ReadDir("rules")
	for _, e := range entries {
		b, err := files.ReadFile("rules/" + e.Name())
		if err == nil {
			out["rules/"+e.Name()] = b
		}
	}
	return out
}

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the folder is embedded at compile time
	}
	return f
}
