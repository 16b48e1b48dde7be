package views

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

var (
	decimalScale = regexp.MustCompile(`^DECIMAL\(\d+,\s*(\d+)\)`)
	identifier   = regexp.MustCompile(`(?i)^(id|dt|year|month)$|_id$`)
)

// FormatNumber writes a number of a result column as a result table shows
// it, as the pages' script does (chartlook.js formatCell): thousands
// separators, a DECIMAL with its own decimals, a DOUBLE with as few as
// make sense; identifiers and years as they are. Anything that does not
// read as a number comes back unchanged.
func FormatNumber(text, typ, column string) string {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || identifier.MatchString(column) || math.IsInf(f, 0) || math.IsNaN(f) {
		return text
	}
	if m := decimalScale.FindStringSubmatch(strings.ToUpper(typ)); m != nil {
		scale, _ := strconv.Atoi(m[1])
		return grouped(strconv.FormatFloat(f, 'f', scale, 64))
	}
	if !strings.ContainsAny(text, ".eE") { // an integer, kept exact however large
		return grouped(text)
	}
	digits := 2
	if a := math.Abs(f); a < 1 && a > 0 {
		digits = 2 - int(math.Floor(math.Log10(a))) // three significant digits
	}
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return grouped(s)
}

// grouped puts thousands separators into the whole part of a plain
// decimal number.
func grouped(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}
