package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

func (s *Service) insertDataset(ctx context.Context, ds *Dataset) error {
	cols, _ := json.Marshal(ds.Columns)
	up, _ := json.Marshal(ds.Upstream)
	sources, _ := json.Marshal(ds.Bases)
	now := store.Now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO datasets (id, name, description, owner_id, sql_text, upstream,
		time_column, columns, tables, sources, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		ds.ID, ds.Name, ds.Description, ds.OwnerID, ds.SQL, string(up), ds.TimeColumn, string(cols), strings.Join(ds.Tables, ","), string(sources), now)
	if store.IsUniqueViolation(err) {
		return pier.Errorf(pier.EConflict, "There is already a dataset named %q; choose another name.", ds.Name)
	}
	if err != nil {
		return fmt.Errorf("dashboard: save dataset: %w", err)
	}
	return nil
}

const selectDataset = `SELECT d.id, d.name, d.description, d.owner_id, o.email, d.sql_text, d.upstream, d.time_column,
	d.columns, d.tables, d.sources, COALESCE(c.email, ''), d.created_at, d.updated_at
	FROM datasets d JOIN users o ON o.id = d.owner_id LEFT JOIN users c ON c.id = d.certified_by`

func scanDataset(row interface{ Scan(...any) error }) (*Dataset, error) {
	var ds Dataset
	var up, cols, tables, sources string
	var created, updated int64
	err := row.Scan(&ds.ID, &ds.Name, &ds.Description, &ds.OwnerID, &ds.Owner, &ds.SQL, &up, &ds.TimeColumn,
		&cols, &tables, &sources, &ds.CertifiedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(up), &ds.Upstream); err != nil {
		return nil, fmt.Errorf("dashboard: dataset %s: stored upstream: %w", ds.ID, err)
	}
	if err := json.Unmarshal([]byte(sources), &ds.Bases); err != nil {
		return nil, fmt.Errorf("dashboard: dataset %s: stored sources: %w", ds.ID, err)
	}
	if err := json.Unmarshal([]byte(cols), &ds.Columns); err != nil {
		return nil, fmt.Errorf("dashboard: dataset %s: stored columns: %w", ds.ID, err)
	}
	ds.Tables = splitList(tables)
	ds.Certified = ds.CertifiedBy != ""
	ds.CreatedAt, ds.UpdatedAt = ms(created), ms(updated)
	return &ds, nil
}

func (s *Service) getDataset(ctx context.Context, id string) (*Dataset, error) {
	ds, err := scanDataset(s.db.QueryRowContext(ctx, selectDataset+` WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDataset
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: get dataset: %w", err)
	}
	return ds, nil
}

func (s *Service) listDatasets(ctx context.Context) ([]*Dataset, error) {
	rows, err := s.db.QueryContext(ctx, selectDataset+` ORDER BY d.certified_by IS NULL, lower(d.name)`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: list datasets: %w", err)
	}
	defer rows.Close()
	var out []*Dataset
	for rows.Next() {
		ds, err := scanDataset(rows)
		if err != nil {
			return nil, fmt.Errorf("dashboard: list datasets: %w", err)
		}
		out = append(out, ds)
	}
	return out, rows.Err()
}

// updateDataset writes the descriptive fields and, when certified is set,
// certifies (by who) or withdraws the certificate.
func (s *Service) updateDataset(ctx context.Context, ds *Dataset, certified *bool, who string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := store.Now()
		cols, _ := json.Marshal(ds.Columns)
		_, err := tx.ExecContext(ctx, `UPDATE datasets SET name = $2, description = $3, time_column = $4, updated_at = $5, columns = $6 WHERE id = $1`,
			ds.ID, ds.Name, ds.Description, ds.TimeColumn, now, string(cols))
		if store.IsUniqueViolation(err) {
			return pier.Errorf(pier.EConflict, "There is already a dataset named %q; choose another name.", ds.Name)
		}
		if err != nil || certified == nil {
			return err
		}
		if *certified {
			_, err = tx.ExecContext(ctx, `UPDATE datasets SET certified_by = $2, certified_at = $3 WHERE id = $1`, ds.ID, who, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE datasets SET certified_by = NULL, certified_at = NULL WHERE id = $1`, ds.ID)
		}
		return err
	})
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }
