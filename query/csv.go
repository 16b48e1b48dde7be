package query

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// WriteCSV writes every remaining row as RFC 4180 CSV (CRLF line ends) with
// a header line. NULL is an empty field and the empty string is "", so the
// two stay apart. The current batch, if Next was already called, is written
// first. Values are written exactly as they are: this is the CSV for
// programs (POST /api/v1/query).
//
// encoding/csv would need a []string per row; formatting each column
// straight into one buffer is about three times faster, and exports are a
// hot path. The quoting rule is encoding/csv's.
func WriteCSV(w io.Writer, r *Rows) error { return writeCSV(w, r, false) }

// WriteSpreadsheetCSV writes CSV meant to be opened in a spreadsheet (the
// downloads on Pier's pages): as WriteCSV, except that a text value that a
// spreadsheet would take for a formula (one beginning with = + - @, a tab
// or a carriage return) is written quoted behind a single quote, as OWASP
// recommends against CSV injection. Numbers and dates are not text and are
// written as they are.
func WriteSpreadsheetCSV(w io.Writer, r *Rows) error { return writeCSV(w, r, true) }

func writeCSV(w io.Writer, r *Rows, spreadsheet bool) error {
	text := appendCSVText
	if spreadsheet {
		text = appendSpreadsheetText
	}
	buf := make([]byte, 0, writeBuffer)
	for i, f := range r.Schema().Fields() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = text(buf, f.Name)
	}
	buf = append(buf, '\r', '\n')
	err := eachBatch(r, func(rec arrow.RecordBatch) error {
		cols := make([]csvAppender, rec.NumCols())
		for c := range cols {
			cols[c] = csvAppenderFor(rec.Column(c), text)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			for c, app := range cols {
				if c > 0 {
					buf = append(buf, ',')
				}
				if !rec.Column(c).IsNull(i) {
					buf = app(buf, i)
				}
			}
			buf = append(buf, '\r', '\n')
			if len(buf) >= writeBuffer-4096 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = w.Write(buf)
	return err
}

// csvAppender appends the CSV field for row i of one column.
type csvAppender func(buf []byte, i int) []byte

func csvAppenderFor(col arrow.Array, text func([]byte, string) []byte) csvAppender {
	switch a := col.(type) {
	case *array.Int64:
		return func(b []byte, i int) []byte { return strconv.AppendInt(b, a.Value(i), 10) }
	case *array.Int32:
		return func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(a.Value(i)), 10) }
	case *array.Int16:
		return func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(a.Value(i)), 10) }
	case *array.Int8:
		return func(b []byte, i int) []byte { return strconv.AppendInt(b, int64(a.Value(i)), 10) }
	case *array.Uint64:
		return func(b []byte, i int) []byte { return strconv.AppendUint(b, a.Value(i), 10) }
	case *array.Float64:
		return func(b []byte, i int) []byte { return strconv.AppendFloat(b, a.Value(i), 'g', -1, 64) }
	case *array.Boolean:
		return func(b []byte, i int) []byte { return strconv.AppendBool(b, a.Value(i)) }
	case *array.String:
		return func(b []byte, i int) []byte { return text(b, a.Value(i)) }
	case *array.LargeString:
		return func(b []byte, i int) []byte { return text(b, a.Value(i)) }
	case *array.Date32:
		return func(b []byte, i int) []byte { return appendDate(b, int64(a.Value(i))) }
	case *array.Timestamp:
		return timestampAppender(a)
	}
	return func(b []byte, i int) []byte { return text(b, csvValue(col, i)) }
}

func timestampAppender(a *array.Timestamp) csvAppender {
	typ := a.DataType().(*arrow.TimestampType)
	f := newTimestampFormat(typ.Unit, typ.TimeZone != "")
	return func(b []byte, i int) []byte { return f.append(b, int64(a.Value(i))) }
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStarts = "=+-@\t\r"

// SpreadsheetSafe is a text cell for encoding/csv that a spreadsheet will
// not run: one that would be read as a formula gets a leading quote.
func SpreadsheetSafe(s string) string {
	if s == "" || !strings.ContainsRune(formulaStarts, rune(s[0])) {
		return s
	}
	return "'" + s
}

// appendSpreadsheetText is appendCSVText for a spreadsheet: a value that
// would be read as a formula is quoted behind a single quote.
func appendSpreadsheetText(b []byte, s string) []byte {
	if s == "" || !strings.ContainsRune(formulaStarts, rune(s[0])) {
		return appendCSVText(b, s)
	}
	b = append(b, '"', '\'')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// appendCSVText appends s, quoted when encoding/csv would quote it, and
// the empty string as "" so that it differs from NULL.
func appendCSVText(b []byte, s string) []byte {
	if s == "" {
		return append(b, '"', '"')
	}
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's rule: separators, quotes, line breaks,
// a leading space, or the field `\.` (which some readers take as an end).
func csvNeedsQuotes(s string) bool {
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}
