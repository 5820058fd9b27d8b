// Package diag holds the findings that every stage of the pipeline reports:
// a check id, a severity, a file and a line, and a message. It also formats
// them for people (text), for GitHub Actions (workflow annotations) and for
// programs (JSON). It reads nothing and writes only to the writer it is given.
package diag

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity orders findings: errors fail a build, warnings fail it only with
// --strict.
type Severity int

const (
	Warning Severity = iota
	Error
)

func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Finding is one problem in one file. Path is slash-separated and relative to
// the site (for example "content/runbooks/db.md"); Line is 1-based, or 0 when
// the problem belongs to the whole file. Fix is what to do about it, when the
// check knows ("did you mean \"payments\"?", "add \"ticket: <id>\""); it is
// also the end of Message, so that text output names it too.
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path"`
	Line     int      `json:"line,omitempty"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
}

// String formats the finding as "path:line: severity: message [check]".
func (f Finding) String() string {
	loc := f.Path
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	if loc == "" {
		return fmt.Sprintf("%s: %s [%s]", f.Severity, f.Message, f.Check)
	}
	return fmt.Sprintf("%s: %s: %s [%s]", loc, f.Severity, f.Message, f.Check)
}

// List collects findings. The zero value is ready to use; it is not safe for
// concurrent use.
type List []Finding

// Add appends a finding.
func (l *List) Add(check string, sev Severity, path string, line int, format string, args ...any) {
	*l = append(*l, Finding{Check: check, Severity: sev, Path: path, Line: line, Message: fmt.Sprintf(format, args...)})
}

// AddFix appends a finding whose message is the formatted problem, then
// ": " and the fix, and whose Fix is the fix alone. An empty fix adds the
// problem alone, as Add does.
func (l *List) AddFix(check string, sev Severity, path string, line int, fix, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if fix != "" {
		msg += ": " + fix
	}
	*l = append(*l, Finding{Check: check, Severity: sev, Path: path, Line: line, Message: msg, Fix: fix})
}

// Errorf appends a finding of error severity.
func (l *List) Errorf(check, path string, line int, format string, args ...any) {
	l.Add(check, Error, path, line, format, args...)
}

// Warnf appends a finding of warning severity.
func (l *List) Warnf(check, path string, line int, format string, args ...any) {
	l.Add(check, Warning, path, line, format, args...)
}

// Sort orders findings by path, line, check and message, so output is the
// same from run to run whatever order the stages found them in.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Check, b.Check),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns the number of errors and of warnings.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Format is an output format for findings.
type Format string

const (
	Text   Format = "text"
	GitHub Format = "github"
	JSON   Format = "json"
)

// ParseFormat checks a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, GitHub, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, github or json)", s)
}

// Write prints findings in the given format. The JSON format writes one
// array, also when there are no findings, with "<", ">" and "&" as they are
// (not as \u003c and so on: the output is read by programs and people, never
// put into HTML).
func Write(w io.Writer, format Format, fs []Finding) error {
	switch format {
	case JSON:
		if fs == nil {
			fs = []Finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(fs)
	case GitHub:
		for _, f := range fs {
			if _, err := fmt.Fprintln(w, githubAnnotation(f)); err != nil {
				return err
			}
		}
	default:
		for _, f := range fs {
			if _, err := fmt.Fprintln(w, f.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// githubAnnotation formats a workflow command that GitHub Actions shows on
// the pull request's diff:
// ::error file=F,line=L,title=CHECK::MESSAGE
func githubAnnotation(f Finding) string {
	var b strings.Builder
	b.WriteString("::")
	b.WriteString(f.Severity.String())
	b.WriteString(" file=")
	b.WriteString(escapeProperty(f.Path))
	if f.Line > 0 {
		fmt.Fprintf(&b, ",line=%d", f.Line)
	}
	b.WriteString(",title=")
	b.WriteString(escapeProperty(f.Check))
	b.WriteString("::")
	b.WriteString(escapeData(f.Message + " [" + f.Check + "]"))
	return b.String()
}

// escapeData and escapeProperty follow the escaping of @actions/core.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
