package chart

import (
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pier-analytics/pier"
)

// Format says how a column's numbers read: plain, as money in a currency
// (₩3.2B on an axis, ₩3,212,000,000 in a tooltip) or as a share (12.5%).
type Format struct {
	Kind     string `json:"kind"`               // number, currency or percent
	Currency string `json:"currency,omitempty"` // ISO 4217, for currency
	Decimals *int   `json:"decimals,omitempty"` // fixed; none means as many as make sense
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Check refuses a format a page could not apply.
func (f Format) Check(column string) error {
	switch f.Kind {
	case "number", "percent":
	case "currency":
		if !currencyCode.MatchString(f.Currency) {
			return pier.Errorf(pier.EInvalid, "The format of %q needs a currency code of three capital letters, such as KRW or USD.", column)
		}
	default:
		return pier.Errorf(pier.EInvalid, "The format of %q is %q; use number, currency or percent.", column, f.Kind)
	}
	if f.Decimals != nil && (*f.Decimals < 0 || *f.Decimals > 6) {
		return pier.Errorf(pier.EInvalid, "The format of %q may have 0 to 6 decimals.", column)
	}
	return nil
}

// Palette is the colours series take in turn: Tableau's ten, which stay
// apart for most colour-blind readers, and two more for busy charts.
var Palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
	"#9c755f", "#bab0ac", "#1f3f66", "#8c6d31"}

// words that read better other than capitalised.
var words = map[string]string{"id": "ID", "dt": "date", "url": "URL", "pii": "PII", "kpi": "KPI", "ip": "IP"}

// Humanize turns a column name into words: member_id reads "Member ID",
// dt "Date", "sum of total" "Sum of total".
func Humanize(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == ' ' || r == '-' })
	for i, p := range parts {
		if w, ok := words[strings.ToLower(p)]; ok {
			parts[i] = w
		}
	}
	s := strings.Join(parts, " ")
	if s == "" {
		return name
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Name is how a column reads on the chart: its label, or its name in words.
func (s Spec) Name(column string) string {
	if l := s.Labels[column]; l != "" {
		return l
	}
	return Humanize(column)
}

// named fills in the label of every column the chart shows, so that the
// page names axes, legends and tooltips alike.
func (s Spec) named() Spec {
	labels := map[string]string{}
	for _, c := range append([]string{s.X, s.Series}, s.Y...) {
		if c != "" {
			labels[c] = s.Name(c)
		}
	}
	s.Labels = labels
	return s
}

// dress gives an ECharts option what every chart of Pier shares: the
// palette, and value axes in whole steps when every value is whole; two
// measures of different size get an axis each. It answers too the result
// column each series shows, for the page to format it. It runs on every
// tile drawn, so it changes go-echarts' typed option in place and turns
// only the small axis list into plain maps.
func dress(s Spec, g grid, o map[string]any) (map[string]any, []string) {
	o["color"] = Palette
	columns := seriesColumns(s, g)
	series, _ := o["series"].(charts.MultiSeries)
	typed, _ := o["yAxis"].([]opts.YAxis)
	if len(typed) == 0 || s.Type == KindHeatmap || s.Type == KindPie {
		return o, columns
	}
	axes := plainAxes(typed)
	if split := secondAxis(s, g); split > 0 {
		axes = twoAxes(s, axes[0], split)
		for i := split; i < len(series); i++ {
			series[i].YAxisIndex = 1
		}
	}
	for ai, a := range axes {
		if whole(g, func(si int) bool { return si < len(series) && series[si].YAxisIndex == ai }) {
			a["minInterval"] = 1
		}
	}
	o["yAxis"] = axes
	return o, columns
}

// plainAxes turns go-echarts' typed axes into plain maps, to adjust.
func plainAxes(typed []opts.YAxis) []map[string]any {
	b, _ := json.Marshal(typed)
	var axes []map[string]any
	json.Unmarshal(b, &axes)
	return axes
}

// seriesColumns names the result column each series of the grid shows.
func seriesColumns(s Spec, g grid) []string {
	out := make([]string, len(g.series))
	for i := range g.series {
		out[i] = s.Y[0]
		if s.Series == "" && i < len(s.Y) {
			out[i] = s.Y[i]
		}
	}
	return out
}

// secondAxis decides whether a chart of several measures (no series
// column, not stacked) needs a right-hand axis: when the largest of one
// measure is ten times another's, the small one would lie flat on the
// floor. It returns how many measures stay on the left, or 0.
func secondAxis(s Spec, g grid) int {
	if s.Series != "" || len(g.series) != 2 || s.Type == KindStackedBar || s.Type == KindArea {
		return 0
	}
	a, b := largest(g.values[0]), largest(g.values[1])
	if a == 0 || b == 0 || max(a, b)/min(a, b) < 10 {
		return 0
	}
	return 1
}

func largest(vs []*float64) float64 {
	m := 0.0
	for _, v := range vs {
		if v != nil {
			m = max(m, math.Abs(*v))
		}
	}
	return m
}

func twoAxes(s Spec, left map[string]any, split int) []map[string]any {
	right := map[string]any{}
	for k, v := range left {
		right[k] = v
	}
	left["name"], right["name"] = s.Name(s.Y[0]), s.Name(s.Y[split])
	right["position"], right["splitLine"] = "right", map[string]any{"show": false}
	return []map[string]any{left, right}
}

// whole reports whether every value of the series picked is a whole
// number, so that an axis of counts never reads 2.5 orders.
func whole(g grid, pick func(series int) bool) bool {
	any := false
	for si, vs := range g.values {
		if !pick(si) {
			continue
		}
		for _, v := range vs {
			if v != nil {
				any = true
				if *v != math.Trunc(*v) {
					return false
				}
			}
		}
	}
	return any
}
