package dashboard

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
)

// label is how the dataset's column reads on a chart.
func (ds *Dataset) label(column string) string {
	for _, c := range ds.Columns {
		if c.Name == column && c.Label != "" {
			return c.Label
		}
	}
	return chart.Humanize(column)
}

func (ds *Dataset) format(column string) *chart.Format {
	for _, c := range ds.Columns {
		if c.Name == column {
			return c.Format
		}
	}
	return nil
}

// display is the measure in words, from its column's label: "Revenue"
// for the sum of revenue (what adding up a column means), "Distinct
// member ID", "Average total".
func (m Measure) display(ds *Dataset) string {
	if m.Column == "" {
		return "Count"
	}
	col := ds.label(m.Column)
	r, n := utf8.DecodeRuneInString(col) // the first letter, whatever its script
	lower := string(unicode.ToLower(r)) + col[n:]
	switch m.Agg {
	case "sum":
		return col
	case "count_distinct":
		return "Distinct " + lower
	case "avg":
		return "Average " + lower
	case "min":
		return "Lowest " + lower
	case "max":
		return "Highest " + lower
	}
	return chart.Humanize(m.Label())
}

// look is how an exploration of the dataset reads on a chart: its
// columns' labels, and the formats its measures keep from their columns
// (a sum of won is won; a count is a count).
func (ds *Dataset) look(x Exploration) (map[string]string, map[string]chart.Format) {
	labels, formats := map[string]string{}, map[string]chart.Format{}
	for _, c := range x.Dimensions {
		labels[c] = ds.label(c)
	}
	if x.TimeColumn != "" { // its buckets are what the axis shows: days, weeks, months
		labels[x.TimeColumn] = chart.Humanize(cmp.Or(x.Grain, "day"))
	}
	measures := x.Measures
	if len(measures) == 0 {
		measures = []Measure{{Agg: "count"}}
	}
	for _, m := range measures {
		labels[m.Label()] = m.display(ds)
		if f := ds.format(m.Column); f != nil && m.Agg != "count" && m.Agg != "count_distinct" {
			formats[m.Label()] = *f
		}
	}
	return labels, formats
}

// withLook fills in the spec's labels and formats from the dataset where
// the tile's own chart settings leave them open.
func withLook(s chart.Spec, ds *Dataset, x Exploration) chart.Spec {
	if ds == nil {
		return s
	}
	labels, formats := ds.look(x)
	maps.Copy(labels, s.Labels)
	maps.Copy(formats, s.Formats)
	s.Labels, s.Formats = labels, formats
	return s
}

// ColumnChange is a change to how one dataset column reads.
type ColumnChange struct {
	Label      *string       `json:"label"`
	Format     *chart.Format `json:"format"` // a format of kind "" removes it
	Definition *string       `json:"definition"`
	Agg        *string       `json:"agg"` // how the measure is added up; "" for as each chart picks
}

// maxDefinition keeps a definition to a paragraph.
const maxDefinition = 1000

// maxLabel keeps a label to what fits on an axis.
const maxLabel = 80

func applyColumnChanges(ds *Dataset, changes map[string]ColumnChange) error {
	for name, ch := range changes {
		i := ds.columnIndex(name)
		if i < 0 {
			return pier.Errorf(pier.EInvalid, "The dataset %s has no column %q.", ds.Name, name)
		}
		if ch.Label != nil {
			l := strings.TrimSpace(*ch.Label)
			if len([]rune(l)) > maxLabel {
				return pier.Errorf(pier.EInvalid, "The label of %q is longer than %d characters.", name, maxLabel)
			}
			ds.Columns[i].Label = l
		}
		if err := applyMeaning(&ds.Columns[i], ch); err != nil {
			return err
		}
		if ch.Format != nil {
			if ch.Format.Kind == "" {
				ds.Columns[i].Format = nil
				continue
			}
			if err := ch.Format.Check(name); err != nil {
				return err
			}
			f := *ch.Format
			ds.Columns[i].Format = &f
		}
	}
	return nil
}

func (ds *Dataset) columnIndex(name string) int {
	for i, c := range ds.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// applyMeaning sets what a measure means and how it is added up.
func applyMeaning(c *Column, ch ColumnChange) error {
	if ch.Definition != nil {
		d := strings.TrimSpace(*ch.Definition)
		if len([]rune(d)) > maxDefinition {
			return pier.Errorf(pier.EInvalid, "The definition of %q is longer than %d characters.", c.Name, maxDefinition)
		}
		c.Definition = d
	}
	if ch.Agg != nil {
		if *ch.Agg != "" && !slices.Contains(Aggs, *ch.Agg) {
			return pier.Errorf(pier.EInvalid, "%q is not a way to add up %q; use one of %s.", *ch.Agg, c.Name, strings.Join(Aggs, ", "))
		}
		c.Agg = *ch.Agg
	}
	return nil
}
