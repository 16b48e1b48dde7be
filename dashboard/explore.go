package dashboard

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
)

// Measure is an aggregate of a dataset column; count needs no column.
type Measure struct {
	Agg    string `json:"agg"`
	Column string `json:"column,omitempty"`
}

// Aggs are the measures the explorer offers.
var Aggs = []string{"count", "count_distinct", "sum", "avg", "min", "max"}

// Condition keeps the rows whose column compares to a value: one value for
// the comparisons, a list for in, two values for between.
type Condition struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  any    `json:"value"`
}

// Ops are the comparisons a condition can make.
var Ops = []string{"=", "!=", "<", "<=", ">", ">=", "in", "between"}

// Grains are the time buckets of the explorer; dashboards offer the first
// three as a switch.
var Grains = []string{"day", "week", "month", "quarter", "year"}

// Exploration is a question asked of a dataset without SQL: measures by
// dimensions, over time buckets of a grain, of the rows that pass filters.
type Exploration struct {
	Measures   []Measure   `json:"measures"`
	Dimensions []string    `json:"dimensions"`
	Filters    []Condition `json:"filters"`
	TimeColumn string      `json:"time_column"`
	Grain      string      `json:"grain"`
	Limit      int         `json:"limit"`
}

// Row limits of an exploration.
const (
	DefaultLimit = 1000
	MaxLimit     = 10_000
	maxInValues  = 1000
)

// Built is SQL that Pier wrote, with the values it binds.
type Built struct {
	SQL    string
	Params map[string]any
}

// Build writes the SQL of x over the dataset, which the SQL reads as the
// relation "dataset". Every column must be one of the dataset's and is
// quoted; every value is bound, never pasted into the SQL, so nothing a
// user picks can change what the statement does.
func (x Exploration) Build(ds *Dataset) (*Built, error) {
	b := &builder{ds: ds, params: map[string]any{}}
	if err := b.build(x); err != nil {
		return nil, err
	}
	return &Built{SQL: b.sql.String(), Params: b.params}, nil
}

type builder struct {
	ds     *Dataset
	params map[string]any
	sql    strings.Builder
	names  []string // output columns so far, to refuse duplicates
}

func (b *builder) build(x Exploration) error {
	limit, err := checkLimit(x.Limit)
	if err != nil {
		return err
	}
	var sel []string
	if x.TimeColumn != "" {
		grain, err := b.grain(x.Grain)
		if err != nil {
			return err
		}
		if err := b.timeColumn(x.TimeColumn); err != nil {
			return err
		}
		sel = append(sel, fmt.Sprintf("CAST(date_trunc('%s', %s) AS DATE) AS %s", grain, ident(x.TimeColumn), ident(x.TimeColumn)))
		b.names = append(b.names, x.TimeColumn)
	}
	for _, d := range x.Dimensions {
		if err := b.output(d, d); err != nil {
			return err
		}
		sel = append(sel, ident(d))
	}
	groups := len(sel)
	measures := x.Measures
	if len(measures) == 0 {
		measures = []Measure{{Agg: "count"}}
	}
	for _, m := range measures {
		expr, err := b.measure(m)
		if err != nil {
			return err
		}
		sel = append(sel, expr)
	}
	where, err := b.where(x.Filters)
	if err != nil {
		return err
	}
	fmt.Fprintf(&b.sql, "SELECT %s\nFROM dataset", strings.Join(sel, ", "))
	if where != "" {
		fmt.Fprintf(&b.sql, "\nWHERE %s", where)
	}
	if groups > 0 {
		b.sql.WriteString("\nGROUP BY ALL")
	}
	fmt.Fprintf(&b.sql, "\nORDER BY %s\nLIMIT %d", order(x, groups), limit)
	return nil
}

// order puts time series in time order and everything else biggest first.
func order(x Exploration, groups int) string {
	switch {
	case x.TimeColumn != "":
		keys := []string{"1"}
		for i := 2; i <= groups; i++ {
			keys = append(keys, fmt.Sprint(i))
		}
		return strings.Join(keys, ", ")
	case groups > 0:
		return fmt.Sprintf("%d DESC, 1", groups+1)
	}
	return "1"
}

func checkLimit(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultLimit, nil
	case n < 0 || n > MaxLimit:
		return 0, pier.Errorf(pier.EInvalid, "The row limit must be between 1 and %d.", MaxLimit)
	}
	return n, nil
}

func (b *builder) grain(g string) (string, error) {
	if g == "" {
		return "day", nil
	}
	if !slices.Contains(Grains, g) {
		return "", pier.Errorf(pier.EInvalid, "There is no time grain %q; use one of %s.", g, strings.Join(Grains, ", "))
	}
	return g, nil
}

func (b *builder) timeColumn(name string) error {
	c, err := b.column(name)
	if err != nil {
		return err
	}
	if !isTime(c.Type) {
		return pier.Errorf(pier.EInvalid, "%q holds %s, not dates; pick a date or timestamp column for time.", name, c.Type)
	}
	return nil
}

// column returns the dataset's column of that name.
func (b *builder) column(name string) (Column, error) {
	i := slices.IndexFunc(b.ds.Columns, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return Column{}, pier.Errorf(pier.EInvalid, "The dataset %s has no column %q.", b.ds.Name, name)
	}
	return b.ds.Columns[i], nil
}

// output checks a column of the result: it must exist (when it is a
// dataset column) and appear once.
func (b *builder) output(column, name string) error {
	if column != "" {
		if _, err := b.column(column); err != nil {
			return err
		}
	}
	if slices.Contains(b.names, name) {
		return pier.Errorf(pier.EInvalid, "%q is asked for twice; each measure and dimension can appear once.", name)
	}
	b.names = append(b.names, name)
	return nil
}

func (b *builder) measure(m Measure) (string, error) {
	if !slices.Contains(Aggs, m.Agg) {
		return "", pier.Errorf(pier.EInvalid, "There is no measure %q; use one of %s.", m.Agg, strings.Join(Aggs, ", "))
	}
	name := m.Label()
	if err := b.output(m.Column, name); err != nil {
		return "", err
	}
	if m.Column == "" {
		if m.Agg != "count" {
			return "", pier.Errorf(pier.EInvalid, "%s needs a column.", m.Agg)
		}
		return "count(*) AS " + ident(name), nil
	}
	c, _ := b.column(m.Column)
	if (m.Agg == "sum" || m.Agg == "avg") && !chart.Numeric(c.Type) {
		return "", pier.Errorf(pier.EInvalid, "%s needs a column of numbers; %q holds %s.", m.Agg, c.Name, c.Type)
	}
	fn := m.Agg + "(" + ident(c.Name) + ")"
	if m.Agg == "count_distinct" {
		fn = "count(DISTINCT " + ident(c.Name) + ")"
	}
	return fn + " AS " + ident(name), nil
}

// Label is the measure's column in a result, in words.
func (m Measure) Label() string {
	switch {
	case m.Column == "":
		return m.Agg
	case m.Agg == "count_distinct":
		return "distinct " + m.Column
	}
	return m.Agg + " of " + m.Column
}

func (b *builder) where(conds []Condition) (string, error) {
	var parts []string
	for _, c := range conds {
		p, err := b.condition(c)
		if err != nil {
			return "", err
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " AND "), nil
}

func (b *builder) condition(c Condition) (string, error) {
	if _, err := b.column(c.Column); err != nil {
		return "", err
	}
	col := ident(c.Column)
	switch c.Op {
	case "=", "!=", "<", "<=", ">", ">=":
		v, err := b.bind(c, c.Value)
		return col + " " + c.Op + " " + v, err
	case "in":
		items, ok := c.Value.([]any)
		if !ok || len(items) == 0 || len(items) > maxInValues {
			return "", pier.Errorf(pier.EInvalid, "The filter on %q with in needs a list of 1 to %d values.", c.Column, maxInValues)
		}
		vs := make([]string, len(items))
		for i, it := range items {
			var err error
			if vs[i], err = b.bind(c, it); err != nil {
				return "", err
			}
		}
		return col + " IN (" + strings.Join(vs, ", ") + ")", nil
	case "between":
		items, ok := c.Value.([]any)
		if !ok || len(items) != 2 {
			return "", pier.Errorf(pier.EInvalid, "The filter on %q with between needs two values, from and to.", c.Column)
		}
		lo, err := b.bind(c, items[0])
		if err != nil {
			return "", err
		}
		hi, err := b.bind(c, items[1])
		return col + " BETWEEN " + lo + " AND " + hi, err
	}
	return "", pier.Errorf(pier.EInvalid, "There is no filter operator %q; use one of %s.", c.Op, strings.Join(Ops, " "))
}

// bind adds a value as the next parameter and returns its placeholder.
func (b *builder) bind(c Condition, v any) (string, error) {
	switch v.(type) {
	case string, bool, json.Number, float64, int:
	default:
		return "", pier.Errorf(pier.EInvalid, "The filter on %q needs a text, number or true/false value.", c.Column)
	}
	name := fmt.Sprintf("v%d", len(b.params)+1)
	b.params[name] = v
	return "$" + name, nil
}

// ident quotes a column name as a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func isTime(typ string) bool {
	return typ == "DATE" || strings.HasPrefix(typ, "TIMESTAMP")
}
