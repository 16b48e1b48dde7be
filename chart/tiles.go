package chart

import (
	"math"
	"slices"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pier-analytics/pier"
)

// Word is one word of a word cloud, sized from 0 (the least) to 1.
type Word struct {
	Text  string  `json:"text"`
	Value any     `json:"value"`
	Size  float64 `json:"size"`
}

// Light is a traffic light: a measure judged against two thresholds.
type Light struct {
	Value any     `json:"value"`
	Label string  `json:"label"`
	State string  `json:"state"` // good, normal or bad
	Good  float64 `json:"good"`
	Bad   float64 `json:"bad"`
}

// maxWords keeps a word cloud readable.
const maxWords = 100

func heatmapOption(s Spec, g grid) (map[string]any, error) {
	if s.Series == "" {
		return nil, pier.Errorf(pier.EInvalid, "A heatmap needs a second column of categories as its rows; pick one as the series.")
	}
	var data []opts.HeatMapData
	lo, hi := math.Inf(1), math.Inf(-1)
	for si := range g.series {
		for ci, p := range g.values[si] {
			if p == nil {
				continue
			}
			lo, hi = min(lo, *p), max(hi, *p)
			data = append(data, opts.HeatMapData{Value: [3]any{ci, si, *p}})
		}
	}
	if len(data) == 0 {
		lo, hi = 0, 0
	}
	c := charts.NewHeatMap()
	c.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}), charts.WithAnimation(false),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: s.Name(s.X), NameLocation: "middle", NameGap: 28, Data: g.categories}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Name: s.Name(s.Series), Data: g.series}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi),
			Orient: "horizontal", Left: "center", Bottom: "0", InRange: &opts.VisualMapInRange{Color: []string{"#eef4fb", "#1f5fa8"}}}))
	c.AddSeries(s.Name(s.Y[0]), data)
	c.Validate()
	return c.JSON(), nil
}

// wordCloud sizes the words of x by y, keeping the largest.
func wordCloud(s Spec, g grid) []Word {
	words := []Word{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for ci, cat := range g.categories {
		if p := g.values[0][ci]; p != nil && *p > 0 {
			words = append(words, Word{Text: cat, Value: *p})
			lo, hi = min(lo, *p), max(hi, *p)
		}
	}
	sort.SliceStable(words, func(i, j int) bool { return words[i].Value.(float64) > words[j].Value.(float64) })
	words = words[:min(len(words), maxWords)]
	for i := range words {
		if hi > lo {
			words[i].Size = (words[i].Value.(float64) - lo) / (hi - lo)
		} else {
			words[i].Size = 1
		}
	}
	return words
}

// trafficLight judges the tile's measure (its last row, the latest period
// of a time series) against the thresholds: with good above bad, higher is
// better; otherwise lower is.
func trafficLight(s Spec, t Table) (*Light, error) {
	if s.Good == nil || s.Bad == nil || *s.Good == *s.Bad {
		return nil, pier.Errorf(pier.EInvalid, "A traffic light needs two different thresholds, good and bad.")
	}
	l := &Light{Label: s.Name(s.Y[0]), Good: *s.Good, Bad: *s.Bad, State: "normal"}
	if len(t.Rows) == 0 {
		l.State = ""
		return l, nil
	}
	l.Value = t.Rows[len(t.Rows)-1][t.index(s.Y[0])]
	v, ok := number(l.Value)
	higherIsBetter := *s.Good > *s.Bad
	switch {
	case !ok:
		l.State = ""
	case higherIsBetter && v >= *s.Good, !higherIsBetter && v <= *s.Good:
		l.State = "good"
	case higherIsBetter && v <= *s.Bad, !higherIsBetter && v >= *s.Bad:
		l.State = "bad"
	}
	return l, nil
}

// change fills in how a big number moved since the period before: with
// Change set, the rows are periods in time order, the number is the last
// and the one before is what it is compared with.
func (n *Number) change(s Spec, t Table) {
	t = n.complete(s, t)
	if len(t.Rows) == 0 {
		return
	}
	yi, xi := t.index(s.Y[0]), t.index(s.X)
	last := t.Rows[len(t.Rows)-1]
	n.Value = last[yi]
	if xi >= 0 {
		n.Period = label(last[xi])
	}
	if len(t.Rows) < 2 || xi >= 0 && !n.comparable(s, label(t.Rows[len(t.Rows)-2][xi])) {
		return
	}
	prev := t.Rows[len(t.Rows)-2][yi]
	n.Previous = prev
	a, okA := number(n.Value)
	b, okB := number(prev)
	if okA && okB && b != 0 {
		c := (a - b) / math.Abs(b)
		n.Change = &c
	}
}

func allTypes() []Kind { return slices.Concat(Types, TileTypes) }
