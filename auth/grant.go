package auth

import (
	"context"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// Grant gives one user access to one restricted table, and with PII set, to
// that table's PII columns unhashed.
type Grant struct {
	Table string
	PII   bool
}

const upsertGrant = `INSERT INTO grants (user_id, table_name, pii, created_at, granted_by) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (user_id, table_name) DO UPDATE SET pii = (grants.pii OR excluded.pii), granted_by = COALESCE(excluded.granted_by, grants.granted_by)`

// AddGrant grants the user the table; granting again may add PII but never
// takes it away.
func (s *Store) AddGrant(ctx context.Context, email, table string, pii bool) error {
	if table == "" {
		return pier.Errorf(pier.EInvalid, "name the table to grant")
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, upsertGrant, u.ID, table, pii, store.Now(), nil)
	return err
}

// Grants returns the user's grants keyed by table name.
func (s *Store) Grants(ctx context.Context, userID string) (map[string]Grant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, pii FROM grants WHERE user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Grant{}
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.Table, &g.PII); err != nil {
			return nil, err
		}
		out[g.Table] = g
	}
	return out, rows.Err()
}

// TableGrants returns the user's granted tables, each with whether its PII
// is visible unhashed: what the query engine needs to know of them.
func (s *Store) TableGrants(ctx context.Context, userID string) (map[string]bool, error) {
	grants, err := s.Grants(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(grants))
	for t, g := range grants {
		out[t] = g.PII
	}
	return out, nil
}
