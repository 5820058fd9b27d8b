package config

import (
	"regexp/syntax"
	"strings"
	"unicode"
)

// Example returns a ticket id that the pattern accepts, for a finding to
// show instead of the pattern itself: the project key given (a team's
// tickets_project) with "-123" when the pattern accepts that, else an id
// made from the pattern (its first alternative, letters counted from A
// and digits from 1, three of them for a run), or "" when none can be made.
func (t Tickets) Example(project string) string {
	if t.Pattern == nil {
		return ""
	}
	if project = strings.TrimSpace(project); project != "" {
		for _, c := range []string{project + "-123", project + "123", project} {
			if t.Pattern.MatchString(c) {
				return c
			}
		}
	}
	re, err := syntax.Parse(t.Pattern.String(), syntax.Perl)
	if err != nil {
		return ""
	}
	g := &exampleGen{}
	if !g.gen(re.Simplify(), 0) {
		return ""
	}
	if ex := g.b.String(); ex != "" && t.Pattern.MatchString(ex) {
		return ex
	}
	return ""
}

// Correct returns the id a malformed ticket id was most likely meant to
// be, when that form matches the pattern: in upper case, with a hyphen for
// a space, an underscore or a slash, or between the project key and the
// number ("pay 5", "PAY5" and "#PAY-5" are "PAY-5"); or "".
func (t Tickets) Correct(id string) string {
	if t.Pattern == nil {
		return ""
	}
	base := strings.TrimPrefix(strings.TrimSpace(id), "#")
	hyphened := strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '/' || r == ':' {
			return '-'
		}
		return r
	}, base)
	var split strings.Builder
	rs := []rune(base)
	for i, r := range rs {
		if i > 0 && unicode.IsDigit(r) && unicode.IsLetter(rs[i-1]) {
			split.WriteByte('-')
		}
		split.WriteRune(r)
	}
	for _, c := range []string{base, hyphened, split.String()} {
		for _, c := range []string{c, strings.ToUpper(c)} {
			if c != id && t.Pattern.MatchString(c) {
				return c
			}
		}
	}
	return ""
}

// exampleGen writes a string that a parsed regular expression matches.
type exampleGen struct {
	b              strings.Builder
	letter, digits int
}

// gen writes an example of re; it reports false for what it cannot
// write (a pattern nested too deep, a class of nothing printable).
func (g *exampleGen) gen(re *syntax.Regexp, depth int) bool {
	if depth > 100 || g.b.Len() > 200 {
		return false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			g.b.WriteRune(r)
		}
		return true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		g.b.WriteRune(g.next(func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' }))
		return true
	case syntax.OpCharClass:
		in := func(r rune) bool {
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if r >= re.Rune[i] && r <= re.Rune[i+1] {
					return true
				}
			}
			return false
		}
		r := g.next(in)
		if r < 0 {
			return false
		}
		g.b.WriteRune(r)
		return true
	case syntax.OpCapture:
		return g.gen(re.Sub[0], depth+1)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !g.gen(s, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return g.gen(re.Sub[0], depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		n := 3
		switch re.Op {
		case syntax.OpPlus:
			if re.Sub[0].Op != syntax.OpCharClass || !classOnlyDigits(re.Sub[0].Rune) {
				n = 2
			}
		case syntax.OpStar:
			n = 2
		case syntax.OpQuest:
			n = 1
		case syntax.OpRepeat:
			n = max(re.Min, 3)
			if re.Max >= 0 {
				n = min(n, re.Max)
			}
		}
		for range n {
			if !g.gen(re.Sub[0], depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// next picks a rune of a class: the next capital letter from A, else the
// next digit from 1, else the next small letter from a, else the first
// printable rune in the ASCII range, or -1.
func (g *exampleGen) next(in func(rune) bool) rune {
	for i := range 26 {
		if r := 'A' + rune((g.letter+i)%26); in(r) {
			g.letter++
			return r
		}
	}
	for i := range 10 {
		if r := '0' + rune((g.digits+1+i)%10); in(r) {
			g.digits++
			return r
		}
	}
	for i := range 26 {
		if r := 'a' + rune((g.letter+i)%26); in(r) {
			g.letter++
			return r
		}
	}
	for r := rune('!'); r <= '~'; r++ {
		if in(r) {
			return r
		}
	}
	return -1
}

// classOnlyDigits reports whether a character class (pairs of rune
// ranges) holds only the digits 0-9.
func classOnlyDigits(ranges []rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] < '0' || ranges[i+1] > '9' {
			return false
		}
	}
	return len(ranges) > 0
}
