package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
)

// AuditRevoke is the audit action of a grant taken away.
const AuditRevoke = "grant.revoked"

// GrantRow is one grant as the grants page lists it. Its ID names it in
// the API: the grantee's id and the table.
type GrantRow struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Table     string    `json:"table"`
	PII       bool      `json:"pii"`
	GrantedBy string    `json:"granted_by"` // e-mail; empty when given on the command line
	GrantedAt time.Time `json:"granted_at"`
}

// ListGrants lists grants, of one table or one person's when asked.
func (s *Store) ListGrants(ctx context.Context, table, email string) ([]GrantRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT g.user_id, u.email, g.table_name, g.pii, COALESCE(b.email, ''), g.created_at
		FROM grants g JOIN users u ON u.id = g.user_id LEFT JOIN users b ON b.id = g.granted_by
		WHERE ($1 = '' OR g.table_name = $1) AND ($2 = '' OR lower(u.email) = lower($2))
		ORDER BY g.table_name, u.email`, table, email)
	if err != nil {
		return nil, fmt.Errorf("auth: grants: %w", err)
	}
	defer rows.Close()
	out := []GrantRow{}
	for rows.Next() {
		var g GrantRow
		var user string
		var at int64
		if err := rows.Scan(&user, &g.Email, &g.Table, &g.PII, &g.GrantedBy, &at); err != nil {
			return nil, err
		}
		g.ID, g.GrantedAt = user+"."+g.Table, time.UnixMilli(at).UTC()
		out = append(out, g)
	}
	return out, rows.Err()
}

// GrantByAdmin grants the person the table (and its PII, if asked), audited
// in the same transaction.
func (s *Store) GrantByAdmin(ctx context.Context, actor *User, email, table string, pii bool) error {
	to, err := s.UserByEmail(ctx, email)
	if pier.ErrorCode(err) == pier.ENotFound {
		return pier.Errorf(pier.EInvalid, "Nobody with the e-mail %s uses Pier.", email)
	}
	if err != nil {
		return err
	}
	what := table
	if pii {
		what += " with PII unhashed"
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return GrantFor(ctx, tx, to.ID, table, pii, AuditEntry{Actor: actor.ID, Action: AuditGrant, Subject: to.Email, Detail: what + ", from the grants page"})
	})
}

// Revoke takes the grant named by id away, audited; it applies to the
// person's next query.
func (s *Store) Revoke(ctx context.Context, actor *User, id string) error {
	userID, table, ok := strings.Cut(id, ".")
	if !ok {
		return pier.Errorf(pier.ENotFound, "There is no grant %q.", id)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `SELECT u.email FROM grants g JOIN users u ON u.id = g.user_id WHERE g.user_id = $1 AND g.table_name = $2`, userID, table).Scan(&email)
		if err == sql.ErrNoRows {
			return pier.Errorf(pier.ENotFound, "There is no grant %q.", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE user_id = $1 AND table_name = $2`, userID, table); err != nil {
			return fmt.Errorf("auth: revoke: %w", err)
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: actor.ID, Action: AuditRevoke, Subject: email, Table: table, Detail: table})
	})
}
