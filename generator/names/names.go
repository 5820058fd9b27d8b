// Package names is the one place where a name that comes from data (an
// alert name, an alias, a team or persona id, a page reference, an argument
// of "playbook new", a path in playbook.yaml) becomes part of a file path or
// a URL path. Content, playbook.yaml and rule files come from pull requests
// (see DESIGN.md, Trust boundaries), so every such name is made safe here
// or refused with the reason, which callers turn into a finding or an
// error. Its input is strings; its output is strings and errors. It touches
// no file.
package names

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment checks that name can stand as it is for one URL path segment and
// one file name: not empty, valid UTF-8, no control character (a newline
// would inject lines into _redirects), no "/" or "\" (which would make
// folders), not "." or "..". Spaces, "%", "?" and the like are fine: they
// are escaped (see EscapePath). The error says why not.
func Segment(name string) error {
	switch {
	case name == "":
		return errors.New("is empty")
	case !utf8.ValidString(name):
		return errors.New("is not valid UTF-8")
	case strings.ContainsFunc(name, unicode.IsControl):
		return errors.New("holds a control character (such as a newline)")
	case strings.ContainsAny(name, `/\`):
		return errors.New(`holds "/" or "\"`)
	case name == "." || name == "..":
		return fmt.Errorf("is %q", name)
	}
	return nil
}

// FileName makes one safe file name of a name, keeping as much of it as
// it can: control characters, "/" and "\" become "-", leading dots and
// spaces and trailing spaces are dropped (so ".." is never a name), and an
// empty result is "-". "Disk/Full" is "Disk-Full"; "../../x" is "-..-x".
func FileName(name string) string {
	name = strings.ToValidUTF8(name, "-")
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return '-'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, " ")
	if name == "" {
		return "-"
	}
	return name
}

// Rel checks a relative, slash-separated path that comes from data (a page
// reference, a destination, a rule file glob, a path given to "playbook
// new") and returns it cleaned. It refuses an absolute path (also "C:\x"
// and "\\host\x"), a path that leaves its folder through "..", a backslash,
// and control characters, saying why.
func Rel(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("is empty")
	case !utf8.ValidString(p):
		return "", errors.New("is not valid UTF-8")
	case strings.ContainsFunc(p, unicode.IsControl):
		return "", errors.New("holds a control character")
	case strings.Contains(p, `\`):
		return "", errors.New(`holds a backslash: use "/"`)
	case strings.HasPrefix(p, "/") || filepath.IsAbs(p) || filepath.VolumeName(p) != "" || len(p) > 1 && p[1] == ':':
		return "", errors.New("is an absolute path")
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", errors.New(`leaves its folder through ".."`)
	}
	return c, nil
}

// Under joins rel (as Rel checks it) to the folder root, in the form of
// the operating system, and refuses a path that would not be inside root.
// root itself is trusted (it comes from the person running the command).
func Under(root, rel string) (string, error) {
	c, err := Rel(rel)
	if err != nil {
		return "", err
	}
	if c == "." {
		return "", errors.New("names the folder itself, not a file in it")
	}
	return filepath.Join(root, filepath.FromSlash(c)), nil
}

// EscapePath percent-encodes a site path ("/alerts/Disk Full/") for files
// that hosts read, such as _redirects: every byte other than ASCII letters,
// digits, "-", ".", "_", "~" and the "/" separators is written as %XX, so
// that no space, newline, "%", "*" (Netlify's splat), ":" (a Netlify
// placeholder) or "!" reaches the file as it is.
func EscapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// CheckSitePath checks a site path before it is written into a file that a
// host reads (_redirects, _headers): it starts with "/", has no "." or
// ".." segment, and holds only what EscapePath leaves, plus "%XX" escapes
// and, where star is true, a trailing "*". The error says why not.
func CheckSitePath(p string, star bool) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q does not start with /", p)
	}
	q := p
	if star {
		q = strings.TrimSuffix(q, "*")
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		case c == '%' && i+2 < len(q) && isHex(q[i+1]) && isHex(q[i+2]):
		default:
			return fmt.Errorf("%q holds %q unescaped", p, c)
		}
	}
	for _, seg := range strings.Split(q, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q has a %q segment", p, seg)
		}
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
