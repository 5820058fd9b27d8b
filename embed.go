// Package playbook embeds the default site: the example playbook in
// content/ (also the user guide), the theme's layouts/ and its assets/.
// The generator reads them as fs.FS values; a site's own layouts/ and
// assets/ override them file by file.
package playbook

import (
	"embed"
	"io/fs"
)

//go:embed content layouts assets playbook.yaml
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

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the folder is embedded at compile time
	}
	return f
}
