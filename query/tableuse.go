package query

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier/store"
)

// UserUse is how often one person read a table.
type UserUse struct {
	UserID string
	Runs   int
}

// QueryUse is one statement that read a table, and how often it ran.
type QueryUse struct {
	SQL    string
	Runs   int
	Users  int
	Tables []string // every table it read
	RawPII bool     // it read personal data unhashed
}

// TableUse returns who read the table since a moment and the statements
// that read it most, from the query log, busiest first.
func (q *QueryLog) TableUse(ctx context.Context, table string, since time.Time, top int) ([]UserUse, []QueryUse, error) {
	// The log keeps a run's tables as one comma-joined list.
	reads := `started_at >= $1 AND (',' || tables || ',') LIKE $2 ESCAPE '!' AND status IN ('ok', 'cached')`
	like := "%," + store.LikeEscape(table) + ",%"
	rows, err := q.db.QueryContext(ctx, `SELECT user_id, count(*) FROM query_log WHERE `+reads+`
		GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT $3`, since.UnixMilli(), like, top)
	if err != nil {
		return nil, nil, fmt.Errorf("query: table use: %w", err)
	}
	var users []UserUse
	for rows.Next() {
		var u UserUse
		if err := rows.Scan(&u.UserID, &u.Runs); err != nil {
			rows.Close()
			return nil, nil, err
		}
		users = append(users, u)
	}
	rows.Close()
	rows, err = q.db.QueryContext(ctx, `SELECT sql_text, count(*), count(DISTINCT user_id), max(tables),
		max(CASE WHEN pii_audit THEN 1 ELSE 0 END) FROM query_log WHERE `+reads+`
		GROUP BY sql_text ORDER BY count(*) DESC, sql_text LIMIT $3`, since.UnixMilli(), like, top)
	if err != nil {
		return nil, nil, fmt.Errorf("query: table use: %w", err)
	}
	defer rows.Close()
	var queries []QueryUse
	for rows.Next() {
		var u QueryUse
		var tables string
		var raw int
		if err := rows.Scan(&u.SQL, &u.Runs, &u.Users, &tables, &raw); err != nil {
			return nil, nil, err
		}
		u.Tables, u.RawPII = strings.Split(tables, ","), raw == 1
		queries = append(queries, u)
	}
	return users, queries, rows.Err()
}
