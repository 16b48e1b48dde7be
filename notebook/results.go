package notebook

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// Result is the last run of a cell, kept so that the notebook opens with
// its results and viewers see them without running anything.
type Result struct {
	CellID string
	RanBy  string // e-mail
	RanAt  time.Time
	Source string   // the SQL as it ran, to tell when the cell changed since
	Tables []string // the lake tables it read
	RawPII bool     // whether it read PII unhashed
	Data   json.RawMessage
}

// ReadableBy reports whether someone who can read the visible tables may
// see this result: every table it read must be visible to them, with PII
// unhashed if it read PII unhashed.
func (r *Result) ReadableBy(visible []query.Visible) bool {
	can := map[string]query.Visible{}
	for _, v := range visible {
		can[v.Name] = v
	}
	for _, t := range r.Tables {
		v, ok := can[t]
		if !ok || (r.RawPII && len(v.PIIColumns()) > 0 && !v.RawPII) {
			return false
		}
	}
	return true
}

func (s *notebookStore) putResult(ctx context.Context, id, userID string, r *Result) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO notebook_results (notebook_id, cell_id, ran_by, ran_at, source, tables, raw_pii, result)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (notebook_id, cell_id) DO UPDATE SET ran_by = excluded.ran_by, ran_at = excluded.ran_at,
		source = excluded.source, tables = excluded.tables, raw_pii = excluded.raw_pii, result = excluded.result`,
		id, r.CellID, userID, store.Now(), r.Source, strings.Join(r.Tables, ","), r.RawPII, string(r.Data))
	if err != nil {
		return fmt.Errorf("notebook: result: %w", err)
	}
	return nil
}

func (s *notebookStore) results(ctx context.Context, id string) (map[string]*Result, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.cell_id, u.email, r.ran_at, r.source, r.tables, r.raw_pii, r.result
		FROM notebook_results r JOIN users u ON u.id = r.ran_by WHERE r.notebook_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("notebook: results: %w", err)
	}
	defer rows.Close()
	out := map[string]*Result{}
	for rows.Next() {
		var r Result
		var at int64
		var tables, data string
		if err := rows.Scan(&r.CellID, &r.RanBy, &at, &r.Source, &tables, &r.RawPII, &data); err != nil {
			return nil, fmt.Errorf("notebook: results: %w", err)
		}
		r.RanAt, r.Data = ms(at), json.RawMessage(data)
		if tables != "" {
			r.Tables = strings.Split(tables, ",")
		}
		out[r.CellID] = &r
	}
	return out, rows.Err()
}
