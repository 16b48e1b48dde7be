package query

import (
	"strconv"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
)

// maxEvery bounds an expectation: a year is already no expectation at all.
const maxEvery = 366 * 24 * time.Hour

// ParseEvery reads how often new data should arrive, as people write it:
// "26h", "90m", "1d", "2w", or "" and "0" for no expectation.
func ParseEvery(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		d, err = daysOrWeeks(s)
	}
	if err != nil || d < time.Minute || d > maxEvery {
		return 0, pier.Errorf(pier.EInvalid, "%q is not how often data should arrive: write a duration such as 26h, 1d or 1w, between a minute and a year.", s)
	}
	return d, nil
}

func daysOrWeeks(s string) (time.Duration, error) {
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if unit == 0 || err != nil || n <= 0 || n > 1000 {
		return 0, strconv.ErrSyntax
	}
	return time.Duration(n) * unit, nil
}

// FormatEvery writes an expectation back the way ParseEvery reads it,
// in whole days where it is some.
func FormatEvery(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	s := d.String() // such as 26h0m0s or 1h30m0s
	if strings.HasSuffix(s, "h0m0s") {
		return strings.TrimSuffix(s, "0m0s")
	}
	return strings.TrimSuffix(s, "0s")
}

// LateTables are the catalog's tables whose newest data is older than
// their properties promise, by name.
func (c *Catalog) LateTables(props map[string]Props, now time.Time) map[string]*Table {
	late := map[string]*Table{}
	for name, p := range props {
		if t, ok := c.Table(name); ok && p.Late(t, now) {
			late[name] = t
		}
	}
	return late
}
