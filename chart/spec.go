package chart

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/pier-analytics/pier"
)

// Spec is a choice of chart. Empty X and Y are filled in from the result:
// the first text-like column across, every number column up.
type Spec struct {
	Type   Kind     `json:"type"`
	X      string   `json:"x,omitempty"`
	Y      []string `json:"y,omitempty"`
	Series string   `json:"series,omitempty"`
	// Good and Bad are a traffic light's thresholds.
	Good *float64 `json:"good,omitempty"`
	Bad  *float64 `json:"bad,omitempty"`
	// Change makes a big number of a time series: the last period's
	// value, and how it moved since the period before.
	Change bool `json:"change,omitempty"`
	// Grain and Coverage let a big number tell a partial period (set by
	// the dashboard from its data, not chosen by a person).
	Grain    string    `json:"grain,omitempty"`
	Coverage *Coverage `json:"coverage,omitempty"`
	// Labels name columns in words (axis names, legends, tooltips);
	// a column without one reads as its name in words (Humanize).
	Labels map[string]string `json:"labels,omitempty"`
	// Formats say how a column's numbers read, by column.
	Formats map[string]Format `json:"formats,omitempty"`
}

// Column names and types one column of a result, as DuckDB names types.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Table is the result a chart draws.
type Table struct {
	Columns []Column
	Rows    [][]any
}

// numericTypes are the DuckDB types a chart can measure.
var numericTypes = []string{"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
	"UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL"}

// Numeric reports whether a column of this type holds numbers.
func Numeric(typ string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(typ), "(")
	return slices.Contains(numericTypes, base)
}

func (t Table) index(name string) int {
	return slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
}

// resolve checks the spec against the table and fills in what it leaves
// open, so that a chart of a fresh result needs no choices at all.
func (s Spec) resolve(t Table) (Spec, error) {
	if !slices.Contains(allTypes(), s.Type) {
		return s, pier.Errorf(pier.EInvalid, "There is no %q chart; choose one of %s.", s.Type, Names(allTypes()))
	}
	if len(t.Columns) == 0 {
		return s, pier.Errorf(pier.EInvalid, "The result has no columns to draw.")
	}
	for _, name := range append([]string{s.X, s.Series}, s.Y...) {
		if name != "" && t.index(name) < 0 {
			return s, pier.Errorf(pier.EInvalid, "The result has no column %q; run the cell again or pick another column.", name)
		}
	}
	if s.X == "" && !s.Type.Single() {
		s.X = t.Columns[0].Name
		if i := slices.IndexFunc(t.Columns, func(c Column) bool { return !Numeric(c.Type) }); i >= 0 {
			s.X = t.Columns[i].Name
		}
	}
	s.Series = s.defaultSeries(t)
	if len(s.Y) == 0 {
		for _, c := range t.Columns {
			if Numeric(c.Type) && c.Name != s.X && c.Name != s.Series {
				s.Y = append(s.Y, c.Name)
			}
		}
	}
	if len(s.Y) == 0 {
		return s, pier.Errorf(pier.EInvalid, "The result has no column of numbers to draw; a chart needs one.")
	}
	if s.Series != "" && len(s.Y) > 1 {
		return s, pier.Errorf(pier.EInvalid, "With a series column, pick one column of numbers (y), not %d.", len(s.Y))
	}
	for col, f := range s.Formats {
		if err := f.Check(col); err != nil {
			return s, err
		}
	}
	if s.Series != "" && (s.Type == KindPie || s.Type == KindWordCloud || s.Type.Single()) {
		return s, pier.Errorf(pier.EInvalid, "A %s chart has no series; leave the series empty.", s.Type)
	}
	return s.named(), nil
}

// defaultSeries is the series column a bar, line or area chart takes
// when none was chosen: a second column of categories, when the result
// has one column of numbers to split by it, as "revenue by status and
// country" is read.
func (s Spec) defaultSeries(t Table) string {
	if s.Series != "" || !s.Type.Splits() {
		return s.Series
	}
	var categories, numbers []string
	for _, c := range t.Columns {
		switch {
		case c.Name == s.X:
		case Numeric(c.Type):
			numbers = append(numbers, c.Name)
		default:
			categories = append(categories, c.Name)
		}
	}
	if len(categories) == 1 && (len(s.Y) == 1 || len(s.Y) == 0 && len(numbers) == 1) {
		return categories[0]
	}
	return ""
}

// number reads a cell as a float; ok is false for NULL and for anything
// that is not a number.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string: // HUGEINT and DECIMAL may arrive as text
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// label is how a value reads on an axis or in a legend.
func label(v any) string {
	switch v := v.(type) {
	case nil:
		return "(empty)"
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
