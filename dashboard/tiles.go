package dashboard

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

// learnTiles checks every tile whose source is new or changed since old
// with who's rights, and learns its columns and the tables it reads: who
// may only put on a dashboard what they could read themselves, even when
// the tiles run with the owner's rights. Unchanged tiles keep what was
// learned of them, so moving a tile costs no query.
func (s *Service) learnTiles(ctx context.Context, who *auth.User, old *Dashboard, d *Dashboard) error {
	d.Meta = map[string]TileMeta{}
	tables := map[string]bool{}
	for i := range d.Doc.Tiles {
		d.Doc.Tiles[i].Locked = false // said on reads only, never stored
	}
	for i, t := range d.Doc.Tiles {
		if t.Type == chart.KindMarkdown {
			continue
		}
		m, err := s.learnTile(ctx, who, old, t)
		if err != nil {
			return tileError(i, err)
		}
		d.Meta[t.ID] = m
		for _, name := range m.Tables {
			tables[name] = true
		}
	}
	d.Tables = slices.Sorted(maps.Keys(tables))
	return nil
}

func (s *Service) learnTile(ctx context.Context, who *auth.User, old *Dashboard, t Tile) (TileMeta, error) {
	if old != nil {
		if m, ok := old.knownSource(t); ok {
			return m, nil
		}
	}
	if t.SQL != "" {
		return s.learnSQLTile(ctx, who, t)
	}
	ds, err := s.Dataset(ctx, who, t.Dataset)
	if err != nil {
		return TileMeta{}, err
	}
	if _, err := t.exploration("").Build(ds); err != nil {
		return TileMeta{}, err
	}
	return TileMeta{Columns: ds.Columns, Tables: ds.Tables}, nil
}

// sqlTileParams are the only parameters a tile's SQL may use: the grain
// the viewer picked, as 'day', 'week' or 'month' for date_trunc.
var sqlTileParams = []string{"grain"}

func (s *Service) learnSQLTile(ctx context.Context, who *auth.User, t Tile) (TileMeta, error) {
	if err := s.auth.Authorize(who, auth.ObjDashboard, auth.ActSQL); err != nil {
		return TileMeta{}, pier.Errorf(pier.EForbidden, "Tiles of SQL need the analyze tier; build this tile from a dataset instead.")
	}
	p, err := s.principal(ctx, who.ID)
	if err != nil {
		return TileMeta{}, err
	}
	desc, err := s.engine.Describe(ctx, p, query.Request{SQL: t.SQL, Params: map[string]any{"grain": "day"}})
	if err != nil {
		return TileMeta{}, err
	}
	for _, name := range desc.Params {
		if !slices.Contains(sqlTileParams, name) {
			return TileMeta{}, pier.Errorf(pier.EInvalid, "The SQL uses $%s; a tile's SQL may use only $grain (the viewer's day, week or month). Dashboard filters apply to its result's columns by themselves.", name)
		}
	}
	if t.TimeColumn != "" && !slices.ContainsFunc(desc.Columns, func(c query.ResultColumn) bool { return c.Name == t.TimeColumn }) {
		return TileMeta{}, pier.Errorf(pier.EInvalid, "The SQL returns no column %q to use as the time column.", t.TimeColumn)
	}
	return TileMeta{Columns: roles(desc.Columns), Tables: desc.Tables, Params: desc.Params}, nil
}

// knownSource returns what was learned of a tile with the same source in
// this dashboard, if any.
func (d *Dashboard) knownSource(t Tile) (TileMeta, bool) {
	key := sourceKey(t)
	for _, o := range d.Doc.Tiles {
		if m, ok := d.Meta[o.ID]; ok && sourceKey(o) == key {
			return m, true
		}
	}
	return TileMeta{}, false
}

// sourceKey is what decides a tile's data, apart from its look.
func sourceKey(t Tile) string {
	b, _ := json.Marshal([]any{t.SQL, t.Dataset, t.Measures, t.Dimensions, t.Filters, t.TimeColumn, t.Limit})
	return string(b)
}

// exploration is the tile's question of its dataset at a grain.
func (t Tile) exploration(grain string) Exploration {
	if grain == "" {
		grain = t.Grain
	}
	x := Exploration{Measures: t.Measures, Dimensions: t.Dimensions, Filters: t.Filters, TimeColumn: t.TimeColumn, Grain: grain, Limit: t.Limit}
	if x.TimeColumn == "" {
		x.Grain = ""
	}
	return x
}

func tileError(i int, err error) error {
	var pe *pier.Error
	if !errors.As(err, &pe) {
		return err
	}
	cp := *pe
	cp.Message = fmt.Sprintf("Tile %d: %s", i+1, pe.Message)
	return &cp
}

// SavedGrain is the time grain the dashboard's time series are saved at,
// when they agree ("day" for those saved without one), so that the page
// shows the grain the tiles show; "" when they differ. Traffic lights
// keep their own grain and do not count.
func (d *Dashboard) SavedGrain() string {
	grain := ""
	for _, t := range d.Doc.Tiles {
		if t.TimeColumn == "" || t.Type == chart.KindTrafficLight {
			continue
		}
		g := cmp.Or(t.Grain, "day")
		if grain != "" && g != grain {
			return ""
		}
		grain = g
	}
	return cmp.Or(grain, "day")
}
