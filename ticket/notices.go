package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Notice is what a person is told of a request they watch.
type Notice struct {
	ID       string    `json:"id"`
	TicketID int64     `json:"ticket"`
	Title    string    `json:"title"`
	Actor    string    `json:"actor"`
	What     string    `json:"what"`
	At       time.Time `json:"at"`
	Read     bool      `json:"read"`
}

// tell gives everyone watching the ticket but the actor a notice of what
// the actor did, in the transaction that did it.
func tell(ctx context.Context, tx *sql.Tx, id int64, actorID, what string, at int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM ticket_watchers WHERE ticket_id = $1 AND user_id <> $2`, id, actorID)
	if err != nil {
		return fmt.Errorf("ticket: notices: %w", err)
	}
	var watchers []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return err
		}
		watchers = append(watchers, u)
	}
	rows.Close()
	for _, u := range watchers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_notices (id, user_id, ticket_id, actor_id, what, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			store.NewID(), u, id, actorID, what, at); err != nil {
			return fmt.Errorf("ticket: notices: %w", err)
		}
	}
	return nil
}

// noticeOf says in words what a change did, for those watching; a change
// of assignee or priority is the data team's business and says nothing.
func noticeOf(sets []set) string {
	changed := map[string]set{}
	for _, c := range sets {
		if c.field != "" && c.old != c.new {
			changed[c.field] = c
		}
	}
	if c, ok := changed["access"]; ok {
		return c.new + " the access request"
	}
	if _, ok := changed["answer"]; ok {
		return "answered the request"
	}
	if c, ok := changed["status"]; ok {
		if st, err := parseStatus(c.new); err == nil {
			return "changed the status to " + st.Label()
		}
		return "changed the status to " + c.new
	}
	return ""
}

// commented is the notice of a comment: its first words.
func commented(body string) string {
	const most = 80
	if utf8.RuneCountInString(body) > most {
		body = string([]rune(body)[:most]) + "…"
	}
	return "commented: " + body
}

// Notices returns who's latest notices, newest first, and how many of all
// are unread.
func (s *Service) Notices(ctx context.Context, who *auth.User, limit int) ([]Notice, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.ticket_id, t.title, a.name, n.what, n.created_at, n.read_at IS NOT NULL
		FROM ticket_notices n JOIN tickets t ON t.id = n.ticket_id JOIN users a ON a.id = n.actor_id
		WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id LIMIT $2`, who.ID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("ticket: notices: %w", err)
	}
	defer rows.Close()
	out := []Notice{}
	for rows.Next() {
		var n Notice
		var at int64
		if err := rows.Scan(&n.ID, &n.TicketID, &n.Title, &n.Actor, &n.What, &at, &n.Read); err != nil {
			return nil, 0, err
		}
		n.At = ms(at)
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	unread, err := s.Unread(ctx, who)
	return out, unread, err
}

// Unread counts who's unread notices, for the bell.
func (s *Service) Unread(ctx context.Context, who *auth.User) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM ticket_notices WHERE user_id = $1 AND read_at IS NULL`, who.ID).Scan(&n)
	return n, err
}

// MarkRead marks who's notices of one ticket read (0: all of them).
func (s *Service) MarkRead(ctx context.Context, who *auth.User, ticketID int64) error {
	q, args := `UPDATE ticket_notices SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, []any{who.ID, s.stamp()}
	if ticketID != 0 {
		q, args = q+` AND ticket_id = $3`, append(args, ticketID)
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ticket: mark notices read: %w", err)
	}
	return nil
}
