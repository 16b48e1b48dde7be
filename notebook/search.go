package notebook

import (
	"context"
	"fmt"

	"github.com/pier-analytics/pier/search"
)

// SearchDocs are the notebooks as the search index keeps them: title,
// tags and the text of every cell.
func (s *Service) SearchDocs(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.st.db.QueryContext(ctx, `SELECT id, title, tags, search_text FROM notebooks WHERE archived_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("notebook: search documents: %w", err)
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var d search.Doc
		var tags, text string
		if err := rows.Scan(&d.ID, &d.Title, &tags, &text); err != nil {
			return nil, err
		}
		d.Body = tags + "\n" + text
		out = append(out, d)
	}
	return out, rows.Err()
}
