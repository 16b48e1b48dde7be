package dashboard

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/store"
)

const selectDashboard = `SELECT d.id, d.title, d.description, d.owner_id, o.email, u.email, d.version, d.doc, d.tile_meta,
	d.tables, d.published, COALESCE(c.email, ''), d.view_count, d.refresh_minutes, COALESCE(d.last_refresh_at, 0),
	d.last_refresh_error, d.created_at, d.updated_at
	FROM dashboards d JOIN users o ON o.id = d.owner_id JOIN users u ON u.id = d.updated_by
	LEFT JOIN users c ON c.id = d.certified_by`

func scanDashboard(row interface{ Scan(...any) error }) (*Dashboard, error) {
	var d Dashboard
	var doc, meta, tables string
	var lastRefresh, created, updated int64
	err := row.Scan(&d.ID, &d.Title, &d.Description, &d.OwnerID, &d.Owner, &d.UpdatedBy, &d.Version, &doc, &meta,
		&tables, &d.Published, &d.CertifiedBy, &d.Views, &d.RefreshMinutes, &lastRefresh,
		&d.LastRefreshError, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(doc), &d.Doc); err != nil {
		return nil, fmt.Errorf("dashboard %s: stored document: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(meta), &d.Meta); err != nil {
		return nil, fmt.Errorf("dashboard %s: stored tile meta: %w", d.ID, err)
	}
	d.Tables = splitList(tables)
	d.Certified = d.CertifiedBy != ""
	d.CreatedAt, d.UpdatedAt = ms(created), ms(updated)
	if lastRefresh > 0 {
		d.LastRefreshAt = ms(lastRefresh)
	}
	return &d, nil
}

func (s *Service) get(ctx context.Context, id string) (*Dashboard, error) {
	d, err := scanDashboard(s.db.QueryRowContext(ctx, selectDashboard+` WHERE d.id = $1 AND d.archived_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: get: %w", err)
	}
	return d, nil
}

// role is what userID may do with d: own it, edit or view it as shared, or
// view it as published to everyone.
func (s *Service) role(ctx context.Context, d *Dashboard, userID string) (Role, error) {
	if d.OwnerID == userID {
		return RoleOwner, nil
	}
	var role string
	err := s.db.QueryRowContext(ctx, `SELECT role FROM dashboard_shares WHERE dashboard_id = $1 AND user_id = $2`, d.ID, userID).Scan(&role)
	switch {
	case err == nil:
		return Role(role), nil
	case !errors.Is(err, sql.ErrNoRows):
		return RoleNone, fmt.Errorf("dashboard: role: %w", err)
	case d.Published:
		return RoleViewer, nil
	}
	return RoleNone, nil
}

func encodeDoc(d *Dashboard) (doc, meta string) {
	b, _ := json.Marshal(d.Doc)
	m, _ := json.Marshal(d.Meta)
	return string(b), string(m)
}

func (s *Service) insert(ctx context.Context, d *Dashboard) error {
	doc, meta := encodeDoc(d)
	_, err := s.db.ExecContext(ctx, `INSERT INTO dashboards (id, title, description, owner_id, version, doc, tile_meta, tables,
		created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $8, $4)`,
		d.ID, d.Title, d.Description, d.OwnerID, doc, meta, strings.Join(d.Tables, ","), store.Now())
	if err != nil {
		return fmt.Errorf("dashboard: create: %w", err)
	}
	return nil
}

// update writes d as the version after base, or fails as stale if another
// save got there first.
func (s *Service) update(ctx context.Context, d *Dashboard, base int, by string) error {
	doc, meta := encodeDoc(d)
	res, err := s.db.ExecContext(ctx, `UPDATE dashboards SET title = $3, description = $4, doc = $5, tile_meta = $6,
		tables = $7, version = version + 1, updated_at = $8, updated_by = $9 WHERE id = $1 AND version = $2`,
		d.ID, base, d.Title, d.Description, doc, meta, strings.Join(d.Tables, ","), store.Now(), by)
	if err != nil {
		return fmt.Errorf("dashboard: save: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		cur, err := s.get(ctx, d.ID)
		if err != nil {
			return err
		}
		return staleVersion(cur.Version)
	}
	return nil
}

func (s *Service) changeStanding(ctx context.Context, d *Dashboard, c Change, by string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := store.Now()
		if c.Published != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE dashboards SET published = $2 WHERE id = $1`, d.ID, *c.Published); err != nil {
				return err
			}
		}
		if c.Certified != nil {
			certifier := sql.NullString{String: by, Valid: *c.Certified}
			at := sql.NullInt64{Int64: now, Valid: *c.Certified}
			if _, err := tx.ExecContext(ctx, `UPDATE dashboards SET certified_by = $2, certified_at = $3 WHERE id = $1`, d.ID, certifier, at); err != nil {
				return err
			}
		}
		if c.RefreshMinutes != nil {
			next := sql.NullInt64{Int64: now + int64(*c.RefreshMinutes)*60_000, Valid: *c.RefreshMinutes > 0}
			if _, err := tx.ExecContext(ctx, `UPDATE dashboards SET refresh_minutes = $2, next_refresh_at = $3 WHERE id = $1`,
				d.ID, *c.RefreshMinutes, next); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) archive(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE dashboards SET archived_at = $2 WHERE id = $1`, id, store.Now()); err != nil {
		return fmt.Errorf("dashboard: archive: %w", err)
	}
	return nil
}
