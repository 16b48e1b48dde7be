package auth

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pier-analytics/pier/store"
)

// Audit actions.
const (
	AuditGrant     = "grant.added"
	AuditGrantDeny = "grant.denied"
	AuditTable     = "table.changed" // its description, owner, restriction or PII columns
)

// AuditEntry is one line of the audit log: who changed what access, and
// the ticket that asked for it where there was one.
type AuditEntry struct {
	Actor    string // e-mail when read; the user id when written
	Action   string
	Subject  string // whose access, e.g. the grantee's e-mail
	Table    string // the table it is about, if any
	Detail   string
	TicketID int64
	At       time.Time
}

// GrantFor grants a restricted table (and its PII, if asked) to userID
// inside tx and writes the audit line for it, so that a grant is never
// applied without its record nor recorded without being applied.
func GrantFor(ctx context.Context, tx *sql.Tx, userID, table string, pii bool, e AuditEntry) error {
	_, err := tx.ExecContext(ctx, upsertGrant, userID, table, pii, store.Now(), e.Actor)
	if err != nil {
		return fmt.Errorf("auth: grant: %w", err)
	}
	e.Table = table
	return WriteAudit(ctx, tx, e)
}

// WriteAudit appends e to the audit log inside tx.
func WriteAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	var ticket any
	if e.TicketID > 0 {
		ticket = e.TicketID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_id, action, subject, detail, ticket_id, table_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, store.NewID(), e.Actor, e.Action, e.Subject, e.Detail, ticket, e.Table, store.Now())
	if err != nil {
		return fmt.Errorf("auth: audit: %w", err)
	}
	return nil
}
