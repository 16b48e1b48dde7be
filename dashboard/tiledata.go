package dashboard

import (
	"context"
	"slices"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

// TilePlan is how a tile's data is fetched for one viewer and view: the
// SQL Pier wrote, run on behalf of the dashboard's owner.
type TilePlan struct {
	Dashboard *Dashboard
	Tile      Tile
	Principal query.Principal
	Request   query.Request
	// Dataset and Exploration are the tile's, with the view's filters, for
	// how its columns read and what its data covers; nil for SQL tiles.
	Dataset     *Dataset
	Exploration *Exploration
}

var errTextTile = pier.Errorf(pier.EInvalid, "This tile is text; it has no data.")

// PlanTile checks that who may open the dashboard and writes the tile's
// query for the view.
func (s *Service) PlanTile(ctx context.Context, who *auth.User, id, tileID string, v View) (*TilePlan, error) {
	d, err := s.open(ctx, who, id)
	if err != nil {
		return nil, err
	}
	t, ok := d.Tile(tileID)
	if !ok {
		return nil, pier.Errorf(pier.ENotFound, "This dashboard has no tile %q.", tileID)
	}
	if t.Type == chart.KindMarkdown {
		return nil, errTextTile
	}
	g, err := s.gate(ctx, d, who)
	if err != nil {
		return nil, err
	}
	if locked := g.check(t); locked != nil {
		return nil, locked
	}
	// The view is judged against what who may see of the dashboard: a
	// filter on a column only a locked tile has must not tell them so.
	q, err := s.tileRequest(ctx, g.redacted(), t, v)
	if err != nil {
		return nil, err
	}
	return &TilePlan{Dashboard: d, Tile: t, Principal: g.principal(), Request: q.request, Dataset: q.dataset, Exploration: q.exploration}, nil
}

// TileData answers a tile's data as JSON, from the result cache when the
// same query ran with the same access over the same data.
func (s *Service) TileData(ctx context.Context, who *auth.User, id, tileID string, v View) (*TilePlan, *query.Cached, error) {
	plan, err := s.PlanTile(ctx, who, id, tileID, v)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.engine.QueryCached(ctx, plan.Principal, plan.Request)
	return plan, res, err
}

// tileQuery is what a tile runs: the request, and for a dataset tile the
// dataset and the exploration the request was written from.
type tileQuery struct {
	request     query.Request
	dataset     *Dataset
	exploration *Exploration
}

// tileRequest writes the query of tile t under the view v.
func (s *Service) tileRequest(ctx context.Context, d *Dashboard, t Tile, v View) (*tileQuery, error) {
	grain := v.Grain
	if grain == "" || (t.Type == chart.KindTrafficLight && t.Grain != "") {
		// A traffic light's thresholds hold for its own period.
		grain = t.Grain
	}
	if t.SQL != "" {
		req, err := d.sqlTileRequest(t, v, grain)
		return &tileQuery{request: req}, err
	}
	ds, err := s.getDataset(ctx, t.Dataset)
	if err != nil {
		return nil, err
	}
	timeColumn := t.TimeColumn
	if timeColumn == "" {
		timeColumn = ds.TimeColumn
	}
	conds, err := d.viewConditions(t, v, ds.Columns, timeColumn)
	if err != nil {
		return nil, err
	}
	x := t.exploration(grain)
	x.Filters = append(slices.Clip(x.Filters), conds...)
	b, err := x.Build(ds)
	if err != nil {
		return nil, err
	}
	return &tileQuery{request: datasetRequest(ds, b), dataset: ds, exploration: &x}, nil
}

// sqlTileRequest runs the tile's SQL with the grain bound to $grain and
// the dashboard's filters applied to the columns of its result.
func (d *Dashboard) sqlTileRequest(t Tile, v View, grain string) (query.Request, error) {
	meta := d.Meta[t.ID]
	if grain == "" {
		grain = "day"
	}
	conds, err := d.viewConditions(t, v, meta.Columns, t.TimeColumn)
	if err != nil {
		return query.Request{}, err
	}
	req := query.Request{SQL: t.SQL, Params: map[string]any{}, LenientParams: true, Wait: true}
	if slices.Contains(meta.Params, "grain") {
		req.Params["grain"] = grain
	}
	if len(conds) == 0 {
		return req, nil
	}
	b := &builder{ds: &Dataset{Name: "of this tile", Columns: meta.Columns}, params: req.Params}
	where, err := b.where(conds)
	if err != nil {
		return query.Request{}, err
	}
	req.SQL = "SELECT * FROM (\n" + t.SQL + "\n) AS tile\nWHERE " + where
	return req, nil
}
