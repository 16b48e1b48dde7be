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
	return out, rows.Err()
}
