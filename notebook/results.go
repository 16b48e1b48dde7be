package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// Result is the last run of a cell, kept so that the notebook opens with
// its results and viewers see them without running anything. The service
// hands it out already judged for its reader: Hidden says the reader could
// not read what the run read, and then Answer and Error are empty.
type Result struct {
	CellID string
	RanBy  string // e-mail
	RanAt  time.Time
	Source string   // the SQL as it ran, to tell when the cell changed since
	Tables []string // the lake tables it read
	RawPII bool     // whether it read PII unhashed
	Hidden bool
	Answer *query.JSONResult // the rows, when the run succeeded
	Error  *pier.Error       // what stopped the run, when it failed
}

// Access says which lake tables a person may read, as the engine decides.
type Access interface {
	VisibleTo(ctx context.Context, who *auth.User) ([]query.Visible, error)
}

// readableBy reports whether someone who can read the visible tables may
// see this result: every table it read must be visible to them, with PII
// unhashed if it read PII unhashed.
func (r *Result) readableBy(visible []query.Visible) bool {
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

// hideFrom empties the results who may not see.
func (s *Service) hideFrom(ctx context.Context, who *auth.User, results map[string]*Result) error {
	visible, err := s.access.VisibleTo(ctx, who)
	if err != nil {
		return err
	}
	for _, r := range results {
		if !r.readableBy(visible) {
			r.Hidden, r.Answer, r.Error = true, nil, nil
		}
	}
	return nil
}

// storedError is how a failed run is kept: the API's error form.
type storedError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Line    int    `json:"line,omitempty"`
		Column  int    `json:"column,omitempty"`
		Source  string `json:"source,omitempty"`
	} `json:"error"`
}

// encodeResult keeps an answer as its JSON, or an error in the API's form.
func encodeResult(r *Result) ([]byte, error) {
	if r.Error != nil {
		var e storedError
		e.Error.Code, e.Error.Message, e.Error.Line, e.Error.Column, e.Error.Source = r.Error.Code, r.Error.Message, r.Error.Line, r.Error.Column, r.Error.Source
		return json.Marshal(e)
	}
	return json.Marshal(r.Answer)
}

func decodeResult(data []byte, r *Result) error {
	var e storedError
	if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
		code := e.Error.Code
		if code == "" {
			code = pier.ESQL
		}
		r.Error = &pier.Error{Code: code, Message: e.Error.Message, Line: e.Error.Line, Column: e.Error.Column, Source: e.Error.Source}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var res query.JSONResult
	if err := dec.Decode(&res); err != nil {
		return fmt.Errorf("notebook: kept result: %w", err)
	}
	r.Answer = &res
	return nil
}

func (s *notebookStore) putResult(ctx context.Context, id, userID string, r *Result) error {
	data, err := encodeResult(r)
	if err != nil {
		return fmt.Errorf("notebook: result: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO notebook_results (notebook_id, cell_id, ran_by, ran_at, source, tables, raw_pii, result)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (notebook_id, cell_id) DO UPDATE SET ran_by = excluded.ran_by, ran_at = excluded.ran_at,
		source = excluded.source, tables = excluded.tables, raw_pii = excluded.raw_pii, result = excluded.result`,
		id, r.CellID, userID, store.Now(), r.Source, strings.Join(r.Tables, ","), r.RawPII, string(data))
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
		r.RanAt = ms(at)
		if tables != "" {
			r.Tables = strings.Split(tables, ",")
		}
		if err := decodeResult([]byte(data), &r); err != nil {
			return nil, err
		}
		out[r.CellID] = &r
	}
	return out, rows.Err()
}

// errNoRows is a run that ended without rows or an error, which cannot be
// kept.
var errNoRows = errors.New("notebook: a run to keep needs rows or an error")
