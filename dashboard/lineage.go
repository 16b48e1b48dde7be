package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pier-analytics/pier/lineage"
)

// Lineage is what the datasets and dashboards read, as recorded from the
// plans of their queries: a dataset's lake tables (those not read through
// a dataset it is built on) and bases, a dashboard's datasets and the
// tables of its SQL tiles.
func (s *Service) Lineage(ctx context.Context) (lineage.Part, error) {
	part := lineage.Part{Titles: map[lineage.Node]string{}}
	sets, err := s.listDatasets(ctx)
	if err != nil {
		return part, err
	}
	byID := map[string]*Dataset{}
	for _, ds := range sets {
		byID[ds.ID] = ds
	}
	for _, ds := range sets {
		node := lineage.Node{Kind: "dataset", ID: ds.ID}
		part.Titles[node] = ds.Name
		var through []string
		for _, b := range ds.Bases {
			part.Edges = append(part.Edges, lineage.Edge{From: lineage.Node{Kind: b.Kind, ID: b.ID}, To: node})
			if base := byID[b.ID]; b.Kind == "dataset" && base != nil {
				through = append(through, base.Tables...)
			}
		}
		for _, t := range ds.Tables {
			if !slices.Contains(through, t) {
				part.Edges = append(part.Edges, lineage.Edge{From: lineage.Node{Kind: "table", ID: t}, To: node})
			}
		}
	}
	return part, s.dashboardLineage(ctx, &part)
}

func (s *Service) dashboardLineage(ctx context.Context, part *lineage.Part) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, doc, tile_meta FROM dashboards WHERE archived_at IS NULL`)
	if err != nil {
		return fmt.Errorf("dashboard: lineage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, title, doc, meta string
		if err := rows.Scan(&id, &title, &doc, &meta); err != nil {
			return err
		}
		var d Doc
		tiles := map[string]TileMeta{}
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return fmt.Errorf("dashboard %s: stored document: %w", id, err)
		}
		if err := json.Unmarshal([]byte(meta), &tiles); err != nil {
			return fmt.Errorf("dashboard %s: stored tile meta: %w", id, err)
		}
		node := lineage.Node{Kind: "dashboard", ID: id}
		part.Titles[node] = title
		for _, t := range d.Tiles {
			switch {
			case t.Dataset != "":
				part.Edges = append(part.Edges, lineage.Edge{From: lineage.Node{Kind: "dataset", ID: t.Dataset}, To: node})
			case t.SQL != "":
				for _, table := range tiles[t.ID].Tables {
					part.Edges = append(part.Edges, lineage.Edge{From: lineage.Node{Kind: "table", ID: table}, To: node})
				}
			}
		}
	}
	return rows.Err()
}
