package notebook

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Reader is a notebook whose cells last read a lake table, with its owner.
type Reader struct {
	ID, Title, OwnerID, Owner string
	SharedWith                []string // e-mails
}

// ReadersOf lists the notebooks whose kept results read the table, for
// the data team weighing a change to it.
func (s *Service) ReadersOf(ctx context.Context, table string) ([]Reader, error) {
	rows, err := s.st.db.QueryContext(ctx, `SELECT DISTINCT n.id, n.title, n.owner_id, u.email, r.tables FROM notebook_results r
		JOIN notebooks n ON n.id = r.notebook_id JOIN users u ON u.id = n.owner_id WHERE n.archived_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("notebook: readers: %w", err)
	}
	defer rows.Close()
	var out []Reader
	for rows.Next() {
		var r Reader
		var tables string
		if err := rows.Scan(&r.ID, &r.Title, &r.OwnerID, &r.Owner, &tables); err != nil {
			return nil, err
		}
		if slices.Contains(strings.Split(tables, ","), table) && !slices.ContainsFunc(out, func(o Reader) bool { return o.ID == r.ID }) {
			out = append(out, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		shares, err := shareTable(s.st.db).List(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		for _, sh := range shares {
			out[i].SharedWith = append(out[i].SharedWith, sh.Email)
		}
	}
	return out, nil
}
