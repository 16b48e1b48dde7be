package dashboard

import (
	"context"
	"fmt"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// maxPickValues bounds a pick-list; a column with more values is better
// filtered by typing.
const maxPickValues = 500

// FilterValues returns the values a pick-list filter offers: the column's
// distinct values in the first tile that has it, read on behalf of the
// owner like the tiles themselves.
func (s *Service) FilterValues(ctx context.Context, who *auth.User, id, filterID string) ([]any, error) {
	d, err := s.open(ctx, who, id)
	if err != nil {
		return nil, err
	}
	f, ok := d.filter(filterID)
	if !ok || f.Kind != "values" {
		return nil, pier.Errorf(pier.ENotFound, "This dashboard has no pick-list filter %q.", filterID)
	}
	g, err := s.gate(ctx, d, who)
	if err != nil {
		return nil, err
	}
	req, ok, err := s.valuesRequest(ctx, g, f)
	if err != nil || !ok {
		return []any{}, err
	}
	res, err := s.engine.QueryCached(ctx, g.principal(), req)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(res.Result.Rows))
	for i, r := range res.Result.Rows {
		out[i] = r[0]
	}
	return out, nil
}

// valuesRequest reads the values from the first tile with the column
// whose data who may see; a locked tile's values are as secret as its rows.
func (s *Service) valuesRequest(ctx context.Context, g *tileGate, f Filter) (query.Request, bool, error) {
	d := g.d
	for _, t := range d.Doc.Tiles {
		m, ok := d.Meta[t.ID]
		if !ok || g.check(t) != nil {
			continue
		}
		col, ok := f.column(t, m.Columns, "")
		if !ok {
			continue
		}
		distinct := fmt.Sprintf("SELECT DISTINCT %s FROM %%s WHERE %s IS NOT NULL ORDER BY 1 LIMIT %d", ident(col), ident(col), maxPickValues)
		if t.SQL != "" {
			sql := fmt.Sprintf(distinct, "(\n"+t.SQL+"\n) AS tile")
			return query.Request{SQL: sql, Params: map[string]any{"grain": "day"}, LenientParams: true, Wait: true}, true, nil
		}
		ds, err := s.getDataset(ctx, t.Dataset)
		if err != nil {
			return query.Request{}, false, err
		}
		return datasetRequest(ds, &Built{SQL: fmt.Sprintf(distinct, "dataset")}), true, nil
	}
	return query.Request{}, false, nil
}
