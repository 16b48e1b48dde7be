package chart

import (
	"fmt"
	"strings"
	"time"
)

// Coverage is the first and last day a time series has data for, so that
// a period the data does not cover from end to end reads as partial.
type Coverage struct {
	From    string `json:"from"`    // YYYY-MM-DD
	Through string `json:"through"` // YYYY-MM-DD
}

// Partial is a period the data does not cover yet: its value so far and
// how many of its days are in.
type Partial struct {
	Period string `json:"period"`
	Value  any    `json:"value"`
	Days   int    `json:"days"`
	Of     int    `json:"of"`
}

// span is a period's first and last day at a grain.
func span(start time.Time, grain string) (time.Time, time.Time) {
	switch grain {
	case "week":
		return start, start.AddDate(0, 0, 6)
	case "month":
		return start, start.AddDate(0, 1, -1)
	case "quarter":
		return start, start.AddDate(0, 3, -1)
	case "year":
		return start, start.AddDate(1, 0, -1)
	}
	return start, start
}

// covered reports how many days of the period starting at label the data
// covers, of how many it has; ok is false when that cannot be told.
func (c *Coverage) covered(label, grain string) (days, of int, ok bool) {
	if c == nil {
		return 0, 0, false
	}
	start, err1 := time.Parse(time.DateOnly, label)
	from, err2 := time.Parse(time.DateOnly, c.From)
	through, err3 := time.Parse(time.DateOnly, c.Through)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	first, last := span(start, grain)
	of = int(last.Sub(first).Hours()/24) + 1
	lo, hi := maxTime(first, from), minTime(last, through)
	if hi.Before(lo) {
		return 0, of, true
	}
	return int(hi.Sub(lo).Hours()/24) + 1, of, true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// complete drops a last period the data does not cover yet, keeping it
// as the number's partial period, so that a full week is compared with a
// full week and not with three days of the next. A partial period with
// none before it stays: it is all there is to show.
func (n *Number) complete(s Spec, t Table) Table {
	xi, yi := t.index(s.X), t.index(s.Y[0])
	if xi < 0 || len(t.Rows) == 0 {
		return t
	}
	last := t.Rows[len(t.Rows)-1]
	days, of, ok := s.Coverage.covered(label(last[xi]), s.Grain)
	if !ok || days >= of {
		return t
	}
	n.Partial = &Partial{Period: label(last[xi]), Value: last[yi], Days: days, Of: of}
	if len(t.Rows) > 1 {
		t.Rows = t.Rows[:len(t.Rows)-1]
	}
	return t
}

// comparable reports whether the period before the number's is whole; a
// series that starts mid-week has a first week that cannot be compared.
func (n *Number) comparable(s Spec, label string) bool {
	days, of, ok := s.Coverage.covered(label, s.Grain)
	if ok && days < of {
		n.Compared = fmt.Sprintf("not compared: the period before has data for %d of its %d days", days, of)
		return false
	}
	return true
}

// TimeLabel is how a moment reads on an axis: a timestamp at midnight as
// its day, any other without its seconds' T, and a day that starts a
// period as that period (2026-01 for a month, 2026 Q1, 2026).
func TimeLabel(v, typ, grain string) string {
	if !isTime(typ) {
		return v
	}
	if day, rest, ok := strings.Cut(v, "T"); ok {
		if strings.TrimRight(strings.TrimSuffix(rest, "Z"), "0:.") == "" {
			v = day
		} else {
			return day + " " + rest[:min(len(rest), 5)]
		}
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return v
	}
	switch grain {
	case "month":
		return d.Format("2006-01")
	case "quarter":
		return fmt.Sprintf("%d Q%d", d.Year(), (int(d.Month())+2)/3)
	case "year":
		return d.Format("2006")
	}
	return v
}

// markPartial names the periods on a time axis that the data does not
// cover from end to end (the first and the last can be), so a half week
// does not read as a drop.
func (g *grid) markPartial(s Spec, typ string) {
	if s.Coverage == nil || s.Grain == "" || s.Grain == "day" || s.X == "" {
		return
	}
	base, _, _ := strings.Cut(strings.ToUpper(typ), "(")
	if base != "DATE" {
		return
	}
	for _, i := range []int{0, len(g.categories) - 1} {
		if days, of, ok := s.Coverage.covered(g.raw[g.categories[i]], s.Grain); ok && days < of {
			g.categories[i] = fmt.Sprintf("%s (%d of %d days)", g.categories[i], days, of)
		}
	}
}

// isTime reports whether a column of this type holds moments.
func isTime(typ string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(typ), "(")
	return base == "DATE" || strings.HasPrefix(base, "TIMESTAMP")
}
