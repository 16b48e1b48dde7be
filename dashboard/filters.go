package dashboard

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
)

// View is how someone looks at a dashboard: a time grain for every tile
// with a time column, and values for its filters. It lives in the URL
// (grain=week&f.country=KR&f.country=JP&f.period=2026-01-01..2026-01-31),
// so a filtered view can be shared as a link.
type View struct {
	Grain  string
	Values map[string][]string // by filter id; a column name filters every tile that has the column
	// From names, for a column filtered by clicking a chart, the tile
	// clicked: the others are filtered, it keeps showing every value so
	// the choice can be seen and changed (from.<column>=<tile>).
	From map[string]string
}

// DashboardGrains are the grains a dashboard's viewers can switch between.
var DashboardGrains = []string{"day", "week", "month"}

// ParseView reads a view from a query string. A date range may also come
// as f.<filter>.from and f.<filter>.to, as a page's form without script
// sends it.
func ParseView(q url.Values) (View, error) {
	v := View{Grain: q.Get("grain"), Values: map[string][]string{}, From: map[string]string{}}
	if v.Grain != "" && !slices.Contains(Grains, v.Grain) {
		return v, pier.Errorf(pier.EInvalid, "There is no time grain %q; use day, week or month.", v.Grain)
	}
	for k, vals := range q {
		if column, ok := strings.CutPrefix(k, "from."); ok && vals[0] != "" {
			v.From[column] = vals[0]
			continue
		}
		name, ok := strings.CutPrefix(k, "f.")
		if !ok {
			continue
		}
		if base, ok := rangeBase(name); ok {
			if from, to := q.Get("f."+base+".from"), q.Get("f."+base+".to"); from != "" || to != "" {
				v.Values[base] = []string{from + ".." + to}
			}
			continue
		}
		var kept []string
		for _, s := range vals {
			if s != "" {
				kept = append(kept, s)
			}
		}
		if len(kept) > 0 {
			v.Values[name] = kept
		}
	}
	return v, nil
}

func rangeBase(name string) (string, bool) {
	if base, ok := strings.CutSuffix(name, ".from"); ok {
		return base, true
	}
	return strings.CutSuffix(name, ".to")
}

// Query writes the view back as a query string.
func (v View) Query() url.Values {
	q := url.Values{}
	if v.Grain != "" {
		q.Set("grain", v.Grain)
	}
	for k, vals := range v.Values {
		q["f."+k] = vals
		if tile := v.From[k]; tile != "" {
			q.Set("from."+k, tile)
		}
	}
	return q
}

// filterValue is a filter's value parsed: a date range or a list of values.
type filterValue struct {
	from, to string // inclusive days; either may be open
	values   []string
}

// parse reads the URL values of the filter: one "from..to" for a date
// range (either end may be left open), one or more values otherwise.
func (f Filter) parse(vals []string) (filterValue, error) {
	if f.Kind != "date_range" {
		return filterValue{values: vals}, nil
	}
	from, to, ok := strings.Cut(vals[0], "..")
	if !ok || len(vals) > 1 || (from == "" && to == "") {
		return filterValue{}, pier.Errorf(pier.EInvalid, "The filter %s takes a date range written from..to, such as 2026-01-01..2026-01-31.", f.ID)
	}
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return filterValue{}, pier.Errorf(pier.EInvalid, "The filter %s: %q is not a date written as YYYY-MM-DD.", f.ID, d)
		}
	}
	return filterValue{from: from, to: to}, nil
}

// conditions are the value's conditions on one column.
func (fv filterValue) conditions(column string) []Condition {
	var out []Condition
	if fv.from != "" {
		out = append(out, Condition{Column: column, Op: ">=", Value: fv.from})
	}
	if fv.to != "" {
		next, _ := time.Parse(time.DateOnly, fv.to)
		out = append(out, Condition{Column: column, Op: "<", Value: next.AddDate(0, 0, 1).Format(time.DateOnly)})
	}
	switch len(fv.values) {
	case 0:
	case 1:
		out = append(out, Condition{Column: column, Op: "=", Value: fv.values[0]})
	default:
		items := make([]any, len(fv.values))
		for i, s := range fv.values {
			items[i] = s
		}
		out = append(out, Condition{Column: column, Op: "in", Value: items})
	}
	return out
}

// column is the tile's column that the filter applies to, if any.
func (f Filter) column(t Tile, cols []Column, timeColumn string) (string, bool) {
	if c, ok := f.Tiles[t.ID]; ok {
		return c, c != "" && hasColumn(cols, c)
	}
	c := f.Column
	if c == "" && f.Kind == "date_range" {
		c = timeColumn
	}
	return c, c != "" && hasColumn(cols, c)
}

func hasColumn(cols []Column, name string) bool {
	return slices.ContainsFunc(cols, func(c Column) bool { return c.Name == name })
}

// viewConditions turns the view's filter values into conditions on the
// tile. A value for a name that is no filter of the dashboard filters on
// the column of that name: that is how clicking a bar filters the others.
func (d *Dashboard) viewConditions(t Tile, v View, cols []Column, timeColumn string) ([]Condition, error) {
	var out []Condition
	values := d.effectiveValues(v)
	// In name order, so that the same view always writes the same SQL and
	// finds its answer in the cache.
	for _, name := range slices.Sorted(maps.Keys(values)) {
		vals := values[name]
		f, declared := d.filter(name)
		if !declared && !d.anyTileHas(name) {
			return nil, pier.Errorf(pier.EInvalid, "This dashboard has no filter or column %q to filter on.", name)
		}
		if v.From[name] == t.ID {
			continue // the tile that was clicked keeps showing every value
		}
		if !declared {
			f = Filter{ID: name, Kind: "values", Column: name}
		}
		col, ok := f.column(t, cols, timeColumn)
		if !ok {
			continue
		}
		fv, err := f.parse(vals)
		if err != nil {
			return nil, err
		}
		out = append(out, fv.conditions(col)...)
	}
	return out, nil
}

// effectiveValues are the view's values with each filter's default where
// the view gives none.
func (d *Dashboard) effectiveValues(v View) map[string][]string {
	out := map[string][]string{}
	for _, f := range d.Doc.Filters {
		if f.Default != "" {
			out[f.ID] = []string{f.Default}
		}
	}
	for k, vals := range v.Values {
		out[k] = vals
	}
	return out
}

func (d *Dashboard) filter(id string) (Filter, bool) {
	i := slices.IndexFunc(d.Doc.Filters, func(f Filter) bool { return f.ID == id })
	if i < 0 {
		return Filter{}, false
	}
	return d.Doc.Filters[i], true
}

func (d *Dashboard) anyTileHas(column string) bool {
	for _, m := range d.Meta {
		if hasColumn(m.Columns, column) {
			return true
		}
	}
	return false
}
