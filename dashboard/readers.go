package dashboard

import (
	"context"
	"fmt"
	"slices"
)

// Reader is a dashboard or dataset that reads a lake table, with its
// owner: what a change to the table's access touches.
type Reader struct {
	Kind, ID, Title, OwnerID, Owner string
	SharedWith                      []string // e-mails
	Published                       bool     // a dashboard everyone signed in may open
}

// ReadersOf lists the dashboards and datasets that read the table, for
// the data team weighing a change to it (every one, not only those the
// caller may open).
func (s *Service) ReadersOf(ctx context.Context, table string) ([]Reader, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.title, d.owner_id, u.email, d.tables, d.published FROM dashboards d
		JOIN users u ON u.id = d.owner_id WHERE d.archived_at IS NULL ORDER BY d.title`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: readers: %w", err)
	}
	var out []Reader
	for rows.Next() {
		var r Reader
		var tables string
		if err := rows.Scan(&r.ID, &r.Title, &r.OwnerID, &r.Owner, &tables, &r.Published); err != nil {
			rows.Close()
			return nil, err
		}
		if slices.Contains(splitList(tables), table) {
			r.Kind = "dashboard"
			out = append(out, r)
		}
	}
	rows.Close()
	for i := range out {
		shares, err := shareTable(s.db).List(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		for _, sh := range shares {
			out[i].SharedWith = append(out[i].SharedWith, sh.Email)
		}
	}
	sets, err := s.listDatasets(ctx)
	if err != nil {
		return nil, err
	}
	for _, ds := range sets {
		if slices.Contains(ds.Tables, table) {
			out = append(out, Reader{Kind: "dataset", ID: ds.ID, Title: ds.Name, OwnerID: ds.OwnerID, Owner: ds.Owner})
		}
	}
	return out, nil
}
