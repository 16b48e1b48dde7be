package notebook

import (
	"context"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/lineage"
)

// Lineage is the lake tables each notebook's cells read when they last
// ran, as the plan of each run recorded them.
func (s *Service) Lineage(ctx context.Context) (lineage.Part, error) {
	part := lineage.Part{Titles: map[lineage.Node]string{}}
	rows, err := s.st.db.QueryContext(ctx, `SELECT n.id, n.title, r.tables FROM notebook_results r
		JOIN notebooks n ON n.id = r.notebook_id WHERE n.archived_at IS NULL`)
	if err != nil {
		return part, fmt.Errorf("notebook: lineage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, title, tables string
		if err := rows.Scan(&id, &title, &tables); err != nil {
			return part, err
		}
		node := lineage.Node{Kind: "notebook", ID: id}
		part.Titles[node] = title
		for _, t := range strings.Split(tables, ",") {
			if t != "" {
				part.Edges = append(part.Edges, lineage.Edge{From: lineage.Node{Kind: "table", ID: t}, To: node})
			}
		}
	}
	return part, rows.Err()
}
