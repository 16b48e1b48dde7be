package query

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// timestampFormat appends timestamps of one unit as time.Format would with
// "2006-01-02T15:04:05.999999" in UTC ("Z" appended when the column has a
// time zone). Formatting timestamps through time.Time took a third of a
// CSV export's time; this does the arithmetic directly, keeps the last
// day's date text (rows of one day tend to come together), and leaves
// years outside 0–9999 to time.Format.
type timestampFormat struct {
	per, perSec int64 // nanoseconds per unit, units per second
	zoned       bool
	day         int64
	date        []byte
}

func newTimestampFormat(unit arrow.TimeUnit, zoned bool) *timestampFormat {
	per := int64(unit.Multiplier() / time.Nanosecond)
	return &timestampFormat{per: per, perSec: int64(time.Second) / per, zoned: zoned, day: -1 << 62}
}

func (f *timestampFormat) append(b []byte, v int64) []byte {
	secs, frac := floorDiv(v, f.perSec), v%f.perSec
	if frac < 0 {
		frac += f.perSec
	}
	days, sod := floorDiv(secs, 86400), secs%86400
	if sod < 0 {
		sod += 86400
	}
	if days != f.day {
		y, m, d := civil(days)
		if y < 0 || y > 9999 {
			layout := "2006-01-02T15:04:05.999999"
			if f.zoned {
				layout += "Z07:00"
			}
			return time.Unix(secs, frac*f.per).UTC().AppendFormat(b, layout)
		}
		f.day, f.date = days, appendYMD(f.date[:0], y, m, d)
	}
	b = append(b, f.date...)
	b = append(b, 'T')
	b = append2(b, sod/3600)
	b = append(b, ':')
	b = append2(b, sod/60%60)
	b = append(b, ':')
	b = append2(b, sod%60)
	b = appendMicros(b, frac*f.per/1000)
	if f.zoned {
		b = append(b, 'Z')
	}
	return b
}

// appendTimestamp appends one timestamp; see timestampFormat.
func appendTimestamp(b []byte, v int64, unit arrow.TimeUnit, zoned bool) []byte {
	return newTimestampFormat(unit, zoned).append(b, v)
}

// appendDate appends a date given in days since 1970-01-01 as YYYY-MM-DD.
func appendDate(b []byte, days int64) []byte {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return time.Unix(days*86400, 0).UTC().AppendFormat(b, time.DateOnly)
	}
	return appendYMD(b, y, m, d)
}

// civil turns days since 1970-01-01 into a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted).
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func appendYMD(b []byte, y, m, d int64) []byte {
	b = append2(b, y/100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, m)
	b = append(b, '-')
	return append2(b, d)
}

func append2(b []byte, n int64) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// appendMicros appends ".ffffff" without trailing zeros, or nothing.
func appendMicros(b []byte, micros int64) []byte {
	if micros == 0 {
		return b
	}
	var digits [7]byte
	digits[0] = '.'
	for i := 6; i >= 1; i-- {
		digits[i] = byte('0' + micros%10)
		micros /= 10
	}
	n := 7
	for digits[n-1] == '0' {
		n--
	}
	return append(b, digits[:n]...)
}
