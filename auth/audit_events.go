package auth

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// AuditKinds groups the audit log's actions into what an admin filters by.
// PII reads are kept in the query log, not here; KindPIIRead names them.
var AuditKinds = map[string][]string{
	"grant":        {AuditGrant},
	"grant_denied": {AuditGrantDeny},
	"revoke":       {AuditRevoke},
	"restrict":     {AuditTable}, // every change to a table's governance and description
	"sign_in":      {AuditSignIn},
	"password":     {AuditPasswordChanged, AuditPasswordReset},
	"user":         {AuditUserAdded, AuditUserChanged, AuditSSOTier},
	"token":        {AuditTokenCreated, AuditTokenRevoked},
}

// KindPIIRead is the audit kind of a query that read personal data unhashed.
const KindPIIRead = "pii_read"

// KindOf is the audit kind of an action, or the action itself.
func KindOf(action string) string {
	for kind, actions := range AuditKinds {
		if slices.Contains(actions, action) {
			return kind
		}
	}
	return action
}

// CheckAuditKind refuses a kind nobody can filter by, naming those there are.
func CheckAuditKind(kind string) error {
	if kind == "" || kind == KindPIIRead || AuditKinds[kind] != nil {
		return nil
	}
	kinds := append(slices.Sorted(maps.Keys(AuditKinds)), KindPIIRead)
	slices.Sort(kinds)
	return pier.Errorf(pier.EInvalid, "There is no audit kind %q; the kinds are %s.", kind, strings.Join(kinds, ", "))
}

// AuditFilter narrows the audit log; zero fields do not narrow it.
type AuditFilter struct {
	Kind  string
	Actor string // part of the e-mail or name of who did it
	Table string
	Since time.Time
	Limit int
}

// AuditEvents returns the audit log's lines that pass f, newest first.
func (s *Store) AuditEvents(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if err := CheckAuditKind(f.Kind); err != nil {
		return nil, err
	}
	where, args := []string{"a.created_at >= $1"}, []any{f.Since.UnixMilli()}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Kind != "" {
		var in []string
		for _, action := range AuditKinds[f.Kind] {
			in = append(in, arg(action))
		}
		if len(in) == 0 {
			return nil, nil // pii_read: none of these lines
		}
		where = append(where, "a.action IN ("+strings.Join(in, ", ")+")")
	}
	if f.Actor != "" {
		like := arg("%" + strings.ToLower(store.LikeEscape(f.Actor)) + "%")
		where = append(where, fmt.Sprintf("(LOWER(u.email) LIKE %s ESCAPE '!' OR LOWER(u.name) LIKE %s ESCAPE '!')", like, like))
	}
	if f.Table != "" {
		where = append(where, "a.table_name = "+arg(f.Table))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT u.email, a.action, a.subject, a.table_name, a.detail, COALESCE(a.ticket_id, 0), a.created_at
		FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE `+strings.Join(where, " AND ")+`
		ORDER BY a.created_at DESC, a.id LIMIT `+arg(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("auth: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.Actor, &e.Action, &e.Subject, &e.Table, &e.Detail, &e.TicketID, &at); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditLog returns the newest lines of the audit log, at most limit.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	return s.AuditEvents(ctx, AuditFilter{Limit: limit})
}
