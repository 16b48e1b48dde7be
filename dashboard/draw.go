package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

// TileView is what a dashboard page shows of a tile: its drawing (none
// for tables), and the first rows of its result.
type TileView struct {
	Drawing   *chart.Drawing       `json:"drawing,omitempty"`
	Columns   []query.ResultColumn `json:"columns"`
	Rows      [][]any              `json:"rows"`
	RowCount  int                  `json:"row_count"`
	Truncated bool                 `json:"truncated"`
	Cached    bool                 `json:"cached"`
	RanAt     time.Time            `json:"ran_at"`
}

// tableRows is how many rows a table tile shows; its export has them all.
const tableRows = 500

// DrawTile answers the tile's data for the view and draws it.
func (s *Service) DrawTile(ctx context.Context, who *auth.User, id, tileID string, v View) (*TileView, error) {
	plan, res, err := s.TileData(ctx, who, id, tileID, v)
	if err != nil {
		return nil, err
	}
	cov, err := s.coverage(ctx, plan)
	if err != nil {
		return nil, err
	}
	q := &tileQuery{dataset: plan.Dataset, exploration: plan.Exploration}
	return drawTile(plan.Tile, plan.Dashboard.Meta[plan.Tile.ID], q, res, cov)
}

// ExploreView runs an exploration as Explore does and draws it as a tile
// of that type and chart would be drawn.
func (s *Service) ExploreView(ctx context.Context, who *auth.User, id string, x Exploration, typ chart.Kind, c Chart) (*Built, *TileView, error) {
	ds, b, res, err := s.explore(ctx, who, id, x)
	if err != nil {
		return nil, nil, err
	}
	t := Tile{Type: typ, Chart: c, Dataset: id, Measures: x.Measures, Dimensions: x.Dimensions, TimeColumn: x.TimeColumn}
	if typ == "" {
		t.Type = chart.KindTable
	}
	if err := t.checkPicks("This chart"); err != nil {
		return nil, nil, err
	}
	tv, err := drawTile(t, TileMeta{}, &tileQuery{dataset: ds, exploration: &x}, res, nil)
	return b, tv, err
}

// drawTile draws a tile's result; q says, for a dataset tile, how its
// columns read.
func drawTile(t Tile, m TileMeta, q *tileQuery, res *query.Cached, cov *chart.Coverage) (*TileView, error) {
	r := res.Result
	tv := &TileView{Columns: r.Columns, Rows: r.Rows, RowCount: r.RowCount, Truncated: r.Truncated, Cached: res.Hit, RanAt: res.RanAt}
	if len(tv.Rows) > tableRows {
		tv.Rows, tv.Truncated = tv.Rows[:tableRows], true
	}
	if t.Type == chart.KindTable {
		return tv, nil
	}
	var err error
	spec := t.spec(m)
	if q.dataset != nil && q.exploration != nil {
		spec = withLook(spec, q.dataset, *q.exploration)
		if q.exploration.TimeColumn != "" {
			spec.Grain = cmp.Or(q.exploration.Grain, "day")
		}
	}
	spec.Coverage = cov
	if tv.Drawing, err = chart.Draw(spec, chartTable(r)); err != nil {
		return nil, err
	}
	tv.Rows = nil // the drawing holds what the page needs
	return tv, nil
}

// spec is the chart the tile asks for, with the defaults a dashboard
// wants: a time series is drawn across time, and its one dimension, if
// any, splits it into series.
func (t Tile) spec(m TileMeta) chart.Spec {
	s := chart.Spec{Type: t.Type, X: t.Chart.X, Y: t.Chart.Y, Series: t.Chart.Series, Good: t.Chart.Good, Bad: t.Chart.Bad,
		Labels: t.Chart.Labels, Formats: t.Chart.Formats}
	timed := t.TimeColumn != "" || len(m.Params) > 0
	if t.Dataset != "" && len(t.axes()) == 0 && t.Type.Across() {
		s.Type = chart.KindNumber // nothing to draw across: the answer is one value
	}
	switch {
	case t.SQL != "" || s.X != "":
	case t.Type == chart.KindScatter && len(t.Measures) >= 2:
		// One measure against another, a point per group.
		s.X = t.Measures[0].Label()
		if len(s.Y) == 0 {
			s.Y = []string{t.Measures[1].Label()}
		}
		if len(t.Dimensions) > 0 && s.Series == "" {
			s.Series = t.Dimensions[0]
		}
	case (t.Type == chart.KindPie || t.Type == chart.KindWordCloud) && len(t.Dimensions) > 0:
		s.X = t.Dimensions[0] // slices of the whole period
	case t.TimeColumn != "":
		s.X = t.TimeColumn
		if len(t.Dimensions) == 1 && s.Series == "" && len(s.Y) <= 1 && !t.Type.Single() {
			s.Series = t.Dimensions[0]
		}
	}
	if t.Type == chart.KindHeatmap && s.Series == "" && s.X == "" {
		if axes := t.axes(); len(axes) >= 2 {
			s.X, s.Series = axes[0], axes[1]
		}
	}
	if t.Type == chart.KindNumber && timed {
		s.Change = true
		if s.X == "" {
			s.X = t.TimeColumn
		}
	}
	return s
}

// axes are the columns a dataset tile groups by: time first.
func (t Tile) axes() []string {
	var out []string
	if t.TimeColumn != "" {
		out = append(out, t.TimeColumn)
	}
	return append(out, t.Dimensions...)
}

func chartTable(r *query.JSONResult) chart.Table {
	t := chart.Table{Rows: r.Rows, Columns: make([]chart.Column, len(r.Columns))}
	for i, c := range r.Columns {
		t.Columns[i] = chart.Column{Name: c.Name, Type: c.Type}
	}
	return t
}

// coverage asks, for a time series at a grain longer than a day, which
// days the data under the view covers: a week or month it does not cover
// from end to end is partial, marked on a chart's axis and not compared as
// whole by a big number.
func (s *Service) coverage(ctx context.Context, plan *TilePlan) (*chart.Coverage, error) {
	x := plan.Exploration
	if plan.Tile.Type == chart.KindTable || x == nil || x.TimeColumn == "" || x.Grain == "" || x.Grain == "day" {
		return nil, nil
	}
	span := Exploration{Measures: []Measure{{Agg: "min", Column: x.TimeColumn}, {Agg: "max", Column: x.TimeColumn}}, Filters: x.Filters}
	b, err := span.Build(plan.Dataset)
	if err != nil {
		return nil, err
	}
	res, err := s.engine.QueryCached(ctx, plan.Principal, datasetRequest(plan.Dataset, b))
	if err != nil {
		return nil, err
	}
	if len(res.Result.Rows) == 0 || res.Result.Rows[0][0] == nil {
		return nil, nil
	}
	day := func(v any) string {
		s := fmt.Sprint(v)
		return s[:min(len(s), len(time.DateOnly))]
	}
	row := res.Result.Rows[0]
	return &chart.Coverage{From: day(row[0]), Through: day(row[1])}, nil
}
