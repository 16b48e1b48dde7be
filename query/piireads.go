package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier/store"
)

// PIIReadFilter narrows the PII reads; zero fields do not narrow them.
type PIIReadFilter struct {
	UserIDs []string // nil for anyone; empty for no one
	Table   string
	Since   time.Time
	Limit   int
}

// PIIReads returns the runs that read personal data unhashed, newest
// first: the PII audit, which the query log keeps.
func (q *QueryLog) PIIReads(ctx context.Context, f PIIReadFilter) ([]LogEntry, error) {
	if f.UserIDs != nil && len(f.UserIDs) == 0 {
		return nil, nil
	}
	where, args := []string{"pii_audit", "started_at >= $1"}, []any{f.Since.UnixMilli()}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.UserIDs != nil {
		var in []string
		for _, id := range f.UserIDs {
			in = append(in, arg(id))
		}
		where = append(where, "user_id IN ("+strings.Join(in, ", ")+")")
	}
	if f.Table != "" {
		// The log keeps a run's tables as one comma-joined list.
		where = append(where, "(',' || tables || ',') LIKE "+arg("%,"+store.LikeEscape(f.Table)+",%")+" ESCAPE '!'")
	}
	rows, err := q.db.QueryContext(ctx, `SELECT user_id, sql_text, tables, started_at, status FROM query_log
		WHERE `+strings.Join(where, " AND ")+` ORDER BY started_at DESC, id LIMIT `+arg(f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("query: PII reads: %w", err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		e := LogEntry{PIIAudit: true}
		var tables string
		var at int64
		if err := rows.Scan(&e.UserID, &e.SQL, &tables, &at, &e.Status); err != nil {
			return nil, err
		}
		e.Tables, e.Started = splitColumns(tables), time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
