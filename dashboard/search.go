package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/search"
)

// SearchDocs are the dashboards and datasets as the search index keeps
// them: titles, descriptions, tile titles and text, column names; never
// SQL, which not everyone who may open them may read.
func (s *Service) SearchDocs(ctx context.Context) (boards, sets []search.Doc, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, description, doc, certified_by IS NOT NULL, view_count
		FROM dashboards WHERE archived_at IS NULL`)
	if err != nil {
		return nil, nil, fmt.Errorf("dashboard: search documents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d search.Doc
		var desc, doc string
		if err := rows.Scan(&d.ID, &d.Title, &desc, &doc, &d.Certified, &d.Uses); err != nil {
			return nil, nil, err
		}
		var parsed Doc
		if err := json.Unmarshal([]byte(doc), &parsed); err != nil {
			return nil, nil, fmt.Errorf("dashboard %s: stored document: %w", d.ID, err)
		}
		words := []string{desc}
		for _, t := range parsed.Tiles {
			words = append(words, t.Title, t.Text)
		}
		d.Body = strings.Join(words, "\n")
		boards = append(boards, d)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	all, err := s.listDatasets(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, ds := range all {
		words := []string{ds.Description, strings.Join(ds.Tables, " ")}
		for _, c := range ds.Columns {
			words = append(words, c.Name+" "+c.Label)
		}
		sets = append(sets, search.Doc{ID: ds.ID, Title: ds.Name, Body: strings.Join(words, "\n"), Certified: ds.Certified})
	}
	return boards, sets, nil
}
