package query

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pier-analytics/pier/query/sandbox"
)

// maxSafeInt is the largest integer a JSON number holds exactly in
// JavaScript; larger ones are sent as strings.
const maxSafeInt = 1<<53 - 1

// jsonValue returns the value at row i as a JSON-ready Go value: numbers,
// strings, booleans, nil, or for nested types slices and maps.
func jsonValue(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	col = storage(col)
	switch a := col.(type) {
	case *array.Int64:
		return safeInt(a.Value(i))
	case *array.Uint64:
		if v := a.Value(i); v > maxSafeInt {
			return strconv.FormatUint(v, 10)
		}
		return a.Value(i)
	case *array.Int32, *array.Int16, *array.Int8, *array.Uint32, *array.Uint16, *array.Uint8, *array.Boolean:
		return a.GetOneForMarshal(i)
	case *array.Float64:
		return safeFloat(a.Value(i))
	case *array.Float32:
		return safeFloat(float64(a.Value(i)))
	}
	if s, ok := textValue(col, i); ok {
		return strings.Clone(s) // string values alias the batch, freed by the next Next
	}
	return safely(func() any { return col.GetOneForMarshal(i) })
}

// storage is the array an extension type (such as DuckDB's BIGNUM) keeps
// its values in, which arrow-go can format; other arrays are themselves.
func storage(col arrow.Array) arrow.Array {
	if ext, ok := col.(array.ExtensionArray); ok {
		return ext.Storage()
	}
	return col
}

// safely returns what f returns, or nil if arrow-go cannot format the
// value and panics: a type it does not know must not stop an answer.
func safely(f func() any) (v any) {
	defer func() {
		if recover() != nil {
			v = nil
		}
	}()
	return f()
}

func safeInt(v int64) any {
	if v > maxSafeInt || v < -maxSafeInt {
		return strconv.FormatInt(v, 10)
	}
	return v
}

func safeFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return f
}

// textValue formats the types that JSON and CSV both show as text: strings,
// decimals, dates, times and timestamps (ISO 8601), and binary (base64).
func textValue(col arrow.Array, i int) (string, bool) {
	switch a := col.(type) {
	case *array.String:
		return a.Value(i), true
	case *array.LargeString:
		return a.Value(i), true
	case *array.StringView:
		return a.Value(i), true
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale), true
	case *array.Decimal256:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal256Type).Scale), true
	case *array.Date32:
		return a.Value(i).ToTime().Format(time.DateOnly), true
	case *array.Date64:
		return a.Value(i).ToTime().Format(time.DateOnly), true
	case *array.Timestamp:
		return timestampText(a, i), true
	case *array.Time64:
		return a.Value(i).ToTime(a.DataType().(*arrow.Time64Type).Unit).Format("15:04:05.999999"), true
	case *array.Binary:
		return base64.StdEncoding.EncodeToString(a.Value(i)), true
	}
	return "", false
}

func timestampText(a *array.Timestamp, i int) string {
	typ := a.DataType().(*arrow.TimestampType)
	t := a.Value(i).ToTime(typ.Unit)
	if typ.TimeZone == "" {
		return t.Format("2006-01-02T15:04:05.999999")
	}
	return t.Format("2006-01-02T15:04:05.999999Z07:00")
}

// csvValue returns the value at row i as CSV text; NULL is the empty field.
func csvValue(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	col = storage(col)
	if s, ok := textValue(col, i); ok {
		return s
	}
	switch v := jsonValue(col, i).(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		s, _ := safely(func() any { return col.ValueStr(i) }).(string)
		return s
	}
}

// TypeName returns the SQL name of an Arrow type as DuckDB would write it.
func TypeName(t arrow.DataType) string { return sandbox.TypeName(t) }
