package chart

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pier-analytics/pier"
)

// Limits past which a chart stops being readable; the message says what to
// change instead of drawing a smear.
const (
	maxSeries     = 40
	maxHeatRows   = 300 // a heatmap's rows are read as categories, not told apart by colour
	maxCategories = 5000
)

// Drawing is what a page draws: the spec as resolved (so pickers can show
// the defaults chosen) and either an ECharts option or a single number.
type Drawing struct {
	Spec
	Option map[string]any `json:"option,omitempty"`
	Number *Number        `json:"number,omitempty"`
	Words  []Word         `json:"words,omitempty"`
	Light  *Light         `json:"light,omitempty"`
	// SeriesColumns names the result column each series of Option shows,
	// so that the page formats it as that column.
	SeriesColumns []string `json:"series_columns,omitempty"`
	// Empty: the result has nothing to draw (no rows, or none with a
	// value), which the page says in words instead of drawing bare axes.
	Empty bool `json:"empty,omitempty"`
}

// Number is a big-number chart: one value and what it is, and for a time
// series the period it is of and the change since the period before.
type Number struct {
	Value    any      `json:"value"`
	Label    string   `json:"label"`
	Period   string   `json:"period,omitempty"`
	Previous any      `json:"previous,omitempty"`
	Change   *float64 `json:"change,omitempty"` // as a fraction of the previous value
	// Compared says why there is no change when the period before is
	// not whole; Partial is a latest period the data does not cover yet.
	Compared string   `json:"compared,omitempty"`
	Partial  *Partial `json:"partial,omitempty"`
}

// Draw makes the chart s of the table t. Rows with the same x (and series)
// add up, as a chart of unaggregated rows would be read.
func Draw(s Spec, t Table) (*Drawing, error) {
	s, err := s.resolve(t)
	if err != nil {
		return nil, err
	}
	d := &Drawing{Spec: s}
	switch s.Type {
	case KindNumber:
		d.Number = bigNumber(s, t)
		return d, nil
	case KindTrafficLight:
		d.Light, err = trafficLight(s, t)
		return d, err
	case KindScatter:
		d.Option, err = scatterOption(s, t)
		return d, err
	}
	g, err := pivot(s, t)
	if err != nil {
		return nil, err
	}
	if len(g.categories) == 0 {
		d.Empty = true
		return d, nil
	}
	if s.X != "" && t.index(s.X) >= 0 {
		g.markPartial(s, t.Columns[t.index(s.X)].Type)
	}
	switch s.Type {
	case KindPie:
		d.Option = pieOption(s, g)
	case KindHeatmap:
		d.Option, err = heatmapOption(s, g)
	case KindWordCloud:
		d.Words = wordCloud(s, g)
		return d, nil
	default:
		d.Option = rectOption(s, g)
	}
	if err == nil {
		d.Option, d.SeriesColumns = dress(s, g, d.Option)
	}
	return d, err
}

func bigNumber(s Spec, t Table) *Number {
	n := &Number{Label: s.Name(s.Y[0])}
	if s.Change {
		n.change(s, t)
		return n
	}
	if len(t.Rows) > 0 {
		n.Value = t.Rows[0][t.index(s.Y[0])]
	}
	return n
}

// grid is a result pivoted for drawing: one value per series and category,
// nil where the result has none.
type grid struct {
	categories []string
	series     []string
	values     [][]*float64
	raw        map[string]string // a category's value as the result has it
}

func pivot(s Spec, t Table) (grid, error) {
	g := grid{raw: map[string]string{}}
	cats, sers := map[string]int{}, map[string]int{}
	xi := t.index(s.X)
	add := func(cat, ser string, v any) error {
		f, ok := number(v)
		ci, known := cats[cat]
		if !known {
			if len(g.categories) == maxCategories {
				return pier.Errorf(pier.EInvalid, "%q has more than %d different values, too many to draw; group the rows in SQL first.", s.X, maxCategories)
			}
			ci, cats[cat] = len(g.categories), len(g.categories)
			g.categories = append(g.categories, cat)
			for i := range g.values {
				g.values[i] = append(g.values[i], nil)
			}
		}
		si, known := sers[ser]
		if !known {
			if limit := seriesLimit(s); len(g.series) == limit {
				if s.Type == KindHeatmap {
					return pier.Errorf(pier.EInvalid, "%q has more than %d different values, too many rows for a heatmap; filter or pick another column.", s.Series, limit)
				}
				return pier.Errorf(pier.EInvalid, "There are more than %d series, too many to tell apart; pick a series column with fewer values.", limit)
			}
			si, sers[ser] = len(g.series), len(g.series)
			g.series = append(g.series, ser)
			g.values = append(g.values, make([]*float64, len(g.categories)))
		}
		if ok {
			if p := g.values[si][ci]; p != nil {
				f += *p
			}
			g.values[si][ci] = &f
		}
		return nil
	}
	timed := isTime(t.Columns[xi].Type)
	for _, row := range t.Rows {
		raw := label(row[xi])
		cat := raw
		if timed {
			cat = TimeLabel(raw, t.Columns[xi].Type, s.Grain)
		}
		if _, seen := g.raw[cat]; !seen {
			g.raw[cat] = raw
		}
		if s.Series != "" {
			if err := add(cat, label(row[t.index(s.Series)]), row[t.index(s.Y[0])]); err != nil {
				return g, err
			}
			continue
		}
		for _, y := range s.Y {
			if err := add(cat, s.Name(y), row[t.index(y)]); err != nil {
				return g, err
			}
		}
	}
	return g, nil
}

func seriesLimit(s Spec) int {
	if s.Type == KindHeatmap {
		return maxHeatRows
	}
	return maxSeries
}

// missing is how ECharts is told a point has no value.
const missing = "-"

func value(p *float64) any {
	if p == nil {
		return missing
	}
	return *p
}

func common(s Spec, series int) []charts.GlobalOpts {
	o := []charts.GlobalOpts{
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(series > 1), Type: "scroll"}),
		charts.WithXAxisOpts(opts.XAxis{Name: s.Name(s.X), NameLocation: "middle", NameGap: 28}),
		charts.WithAnimation(false),
	}
	if len(s.Y) == 1 {
		o = append(o, charts.WithYAxisOpts(opts.YAxis{Name: s.Name(s.Y[0])}))
	}
	return o
}

func rectOption(s Spec, g grid) map[string]any {
	switch s.Type {
	case KindBar, KindStackedBar:
		c := charts.NewBar()
		c.SetGlobalOptions(common(s, len(g.series))...)
		c.SetXAxis(g.categories)
		stack := opts.BarChart{}
		if s.Type == KindStackedBar {
			stack.Stack = "total"
		}
		for i, name := range g.series {
			data := make([]opts.BarData, len(g.categories))
			for j, p := range g.values[i] {
				data[j] = opts.BarData{Value: value(p)}
			}
			c.AddSeries(name, data, charts.WithBarChartOpts(stack))
		}
		c.Validate()
		return c.JSON()
	default: // line and area
		c := charts.NewLine()
		c.SetGlobalOptions(common(s, len(g.series))...)
		c.SetXAxis(g.categories)
		for i, name := range g.series {
			data := make([]opts.LineData, len(g.categories))
			for j, p := range g.values[i] {
				data[j] = opts.LineData{Value: value(p)}
			}
			var o []charts.SeriesOpts
			if s.Type == KindArea {
				o = append(o, charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.35)}),
					charts.WithLineChartOpts(opts.LineChart{Stack: "total"}))
			}
			c.AddSeries(name, data, o...)
		}
		c.Validate()
		return c.JSON()
	}
}

func pieOption(s Spec, g grid) map[string]any {
	c := charts.NewPie()
	c.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll"}), charts.WithAnimation(false))
	data := make([]opts.PieData, 0, len(g.categories))
	for j, cat := range g.categories {
		if p := g.values[0][j]; p != nil {
			data = append(data, opts.PieData{Name: cat, Value: *p})
		}
	}
	c.AddSeries(s.Name(s.Y[0]), data)
	c.Validate()
	return c.JSON()
}

func scatterOption(s Spec, t Table) (map[string]any, error) {
	xi := t.index(s.X)
	if !Numeric(t.Columns[xi].Type) {
		return nil, pier.Errorf(pier.EInvalid, "A scatter chart needs numbers across, and %q holds %s; pick a column of numbers for x.", s.X, t.Columns[xi].Type)
	}
	points, order := map[string][]opts.ScatterData{}, []string{}
	put := func(ser string, x, y any) error {
		fx, okx := number(x)
		fy, oky := number(y)
		if !okx || !oky {
			return nil
		}
		if _, known := points[ser]; !known {
			if len(order) == maxSeries {
				return pier.Errorf(pier.EInvalid, "There are more than %d series, too many to tell apart; pick a series column with fewer values.", maxSeries)
			}
			order = append(order, ser)
		}
		points[ser] = append(points[ser], opts.ScatterData{Value: []float64{fx, fy}})
		return nil
	}
	for _, row := range t.Rows {
		for _, y := range s.Y {
			ser := s.Name(y)
			if s.Series != "" {
				ser = label(row[t.index(s.Series)])
			}
			if err := put(ser, row[xi], row[t.index(y)]); err != nil {
				return nil, err
			}
		}
	}
	c := charts.NewScatter()
	c.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(order) > 1), Type: "scroll"}), charts.WithAnimation(false),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: s.Name(s.X), NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: yName(s)}))
	for _, ser := range order {
		c.AddSeries(ser, points[ser])
	}
	c.Validate()
	return c.JSON(), nil
}

func yName(s Spec) string {
	if len(s.Y) == 1 {
		return s.Name(s.Y[0])
	}
	return ""
}
