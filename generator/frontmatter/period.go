package frontmatter

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Date is a calendar day, as in "last_reviewed: 2026-03-01".
type Date struct{ time.Time }

// ParseDate reads "2006-01-02" or an RFC 3339 time.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return Date{t}, nil
		}
	}
	return Date{}, fmt.Errorf("want a date like 2026-03-01, got %q", s)
}

// String formats the date as 2006-01-02, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02")
}

// Period is a review interval such as "90d", "12 weeks" or "6 months".
// Months and years are calendar months, so "6 months" from 31 August is the
// end of February, as people count them.
type Period struct {
	Days, Months int
}

// MaxPeriodYears bounds a review interval: a period longer than this many
// years (36,525 days or 1,200 months) is an error, not a date past the
// calendar's end.
const MaxPeriodYears = 100

// ParsePeriod reads a number followed by a unit: d, day(s), w, week(s),
// m, mo, month(s), y, year(s). Spaces between them are optional. A period
// longer than MaxPeriodYears is an error.
func ParsePeriod(s string) (Period, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 {
		return Period{}, fmt.Errorf("want a period like 90d, 12 weeks or 6 months, got %q", s)
	}
	n, err := strconv.Atoi(t[:i])
	if err != nil || n <= 0 {
		return Period{}, fmt.Errorf("want a period like 90d, 12 weeks or 6 months, got %q", s)
	}
	var p Period
	most := MaxPeriodYears
	switch strings.ToLower(strings.TrimSpace(t[i:])) {
	case "d", "day", "days":
		p, most = Period{Days: n}, MaxPeriodYears*36525/100
	case "w", "wk", "week", "weeks":
		p, most = Period{Days: 7 * n}, MaxPeriodYears*36525/100/7
	case "m", "mo", "month", "months":
		p, most = Period{Months: n}, MaxPeriodYears*12
	case "y", "yr", "year", "years":
		p = Period{Months: 12 * n}
	default:
		return Period{}, fmt.Errorf("want a period like 90d, 12 weeks or 6 months, got %q", s)
	}
	if n > most {
		return Period{}, fmt.Errorf("want a period of at most %d years, got %q", MaxPeriodYears, s)
	}
	return p, nil
}

// IsZero reports whether no period was given.
func (p Period) IsZero() bool { return p.Days == 0 && p.Months == 0 }

// After returns the day the period ends when it starts on d. Months are
// added first and clamped to the end of the target month, as calendars
// count them: 31 August + 6 months is 28 (or 29) February, 29 February +
// 1 year is 28 February; then the days are added.
func (p Period) After(d Date) Date {
	t := d.Time
	if p.Months != 0 {
		y, m, day := t.Date()
		first := time.Date(y, m+time.Month(p.Months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		last := first.AddDate(0, 1, -1).Day()
		t = first.AddDate(0, 0, min(day, last)-1)
	}
	return Date{t.AddDate(0, 0, p.Days)}
}

func (p Period) String() string {
	switch {
	case p.IsZero():
		return ""
	case p.Months == 0 && p.Days%7 == 0:
		return plural(p.Days/7, "week")
	case p.Months == 0:
		return plural(p.Days, "day")
	case p.Days == 0 && p.Months%12 == 0:
		return plural(p.Months/12, "year")
	case p.Days == 0:
		return plural(p.Months, "month")
	}
	return plural(p.Months, "month") + " " + plural(p.Days, "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
