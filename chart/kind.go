package chart

import "strings"

// Kind is what a chart, or a dashboard tile, shows. Its JSON is its name.
type Kind string

// The kinds. Draw draws all but KindTable and KindMarkdown, which
// dashboards and notebooks show themselves.
const (
	KindLine         Kind = "line"
	KindArea         Kind = "area"
	KindBar          Kind = "bar"
	KindStackedBar   Kind = "stacked_bar"
	KindPie          Kind = "pie"
	KindScatter      Kind = "scatter"
	KindNumber       Kind = "number"
	KindHeatmap      Kind = "heatmap"
	KindWordCloud    Kind = "word_cloud"
	KindTrafficLight Kind = "traffic_light"
	KindTable        Kind = "table"
	KindMarkdown     Kind = "markdown"
)

var (
	// Types are the charts of any result, notebooks' included.
	Types = []Kind{KindLine, KindArea, KindBar, KindStackedBar, KindPie, KindScatter, KindNumber}
	// TileTypes are the charts that only dashboards draw, besides Types.
	TileTypes = []Kind{KindHeatmap, KindWordCloud, KindTrafficLight}
)

// Across reports whether the kind draws values across categories or
// time, so that a result with nothing to draw across is one number.
func (k Kind) Across() bool {
	switch k {
	case KindLine, KindArea, KindBar, KindStackedBar, KindPie, KindHeatmap, KindWordCloud:
		return true
	}
	return false
}

// Single reports whether the kind shows one value: a big number or a
// traffic light, which have no x and no series.
func (k Kind) Single() bool { return k == KindNumber || k == KindTrafficLight }

// Splits reports whether the kind draws a second column of categories as
// series of its own.
func (k Kind) Splits() bool {
	return k == KindBar || k == KindStackedBar || k == KindLine || k == KindArea
}

// Names lists kinds for a message: "line, area, bar".
func Names(ks []Kind) string { return strings.Join(Strings(ks), ", ") }

// Strings are the kinds' names, as pickers offer them.
func Strings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
