package ticket

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pier-analytics/pier/store"
)

const selectTicket = `SELECT t.id, t.title, t.body, t.category, t.urgency, t.wanted_by, t.status, t.priority,
	t.requester_id, r.email, r.name, COALESCE(a.id, ''), COALESCE(a.email, ''), COALESCE(a.name, ''),
	t.links, t.access_table, t.access_pii, t.access_decision, t.answer, t.answer_links,
	COALESCE(b.id, ''), COALESCE(b.email, ''), COALESCE(b.name, ''), COALESCE(t.answered_at, 0), t.guide,
	COALESCE(t.solved_by_guide, 0), COALESCE(t.merged_into, 0), COALESCE(t.first_response_at, 0),
	t.created_at, t.updated_at
	FROM tickets t JOIN users r ON r.id = t.requester_id
	LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN users b ON b.id = t.answered_by`

type scanner interface{ Scan(...any) error }

func scanTicket(row scanner) (*Ticket, error) {
	var t Ticket
	var assignee, answerer Person
	var links, answerLinks, accessTable, decision string
	var pii bool
	var answered, firstReply, created, updated int64
	err := row.Scan(&t.ID, &t.Title, &t.Body, &t.Category, &t.Urgency, &t.WantedBy, &t.Status, &t.Priority,
		&t.RequesterID, &t.Requester.Email, &t.Requester.Name, &assignee.ID, &assignee.Email, &assignee.Name,
		&links, &accessTable, &pii, &decision, &t.Answer, &answerLinks,
		&answerer.ID, &answerer.Email, &answerer.Name, &answered, &t.Guide,
		&t.SolvedBy, &t.MergedInto, &firstReply, &created, &updated)
	if err != nil {
		return nil, err
	}
	t.Requester.ID = t.RequesterID
	if assignee.ID != "" {
		t.Assignee = &assignee
	}
	if answerer.ID != "" {
		t.AnsweredBy = &answerer
	}
	if t.Category == CatDataAccess {
		t.Access = &AccessRequest{Table: accessTable, PII: pii, Decision: decision}
	}
	if err := json.Unmarshal([]byte(links), &t.Links); err != nil {
		return nil, fmt.Errorf("ticket %d: stored links: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(answerLinks), &t.AnswerLinks); err != nil {
		return nil, fmt.Errorf("ticket %d: stored answer links: %w", t.ID, err)
	}
	t.AnsweredAt, t.FirstReplyAt = msOrZero(answered), msOrZero(firstReply)
	t.CreatedAt, t.UpdatedAt = ms(created), ms(updated)
	return &t, nil
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func msOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return ms(v)
}

func encodeLinks(ls []Link) string {
	for i := range ls {
		ls[i].Title = "" // titles are looked up for each reader
	}
	if ls == nil {
		return "[]"
	}
	b, _ := json.Marshal(ls)
	return string(b)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func getTicket(ctx context.Context, q querier, id int64) (*Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, selectTicket+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: get %d: %w", id, err)
	}
	return t, nil
}

// record appends a line to the ticket's history.
func record(ctx context.Context, tx querier, id int64, actorID, field, old, new string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_history (id, ticket_id, seq, actor_id, field, old_value, new_value, created_at)
		SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7 FROM ticket_history WHERE ticket_id = $2`,
		store.NewID(), id, actorID, field, old, new, at)
	if err != nil {
		return fmt.Errorf("ticket: history: %w", err)
	}
	return nil
}

func watch(ctx context.Context, tx querier, id int64, userID string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_watchers (ticket_id, user_id, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (ticket_id, user_id) DO NOTHING`, id, userID, at)
	if err != nil {
		return fmt.Errorf("ticket: watch: %w", err)
	}
	return nil
}

// touch marks the ticket changed at, and as answered by the data team at
// that moment if it had no response yet and responder says so.
func touch(ctx context.Context, tx querier, id int64, at int64, responded bool) error {
	q := `UPDATE tickets SET updated_at = $2 WHERE id = $1`
	if responded {
		q = `UPDATE tickets SET updated_at = $2, first_response_at = COALESCE(first_response_at, $2) WHERE id = $1`
	}
	_, err := tx.ExecContext(ctx, q, id, at)
	return err
}

func (s *Service) comments(ctx context.Context, id int64) ([]Comment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, u.id, u.email, u.name, c.body, c.created_at
		FROM ticket_comments c JOIN users u ON u.id = c.author_id WHERE c.ticket_id = $1 ORDER BY c.created_at, c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: comments: %w", err)
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.Author.ID, &c.Author.Email, &c.Author.Name, &c.Body, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = ms(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) history(ctx context.Context, id int64) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.email, u.name, h.field, h.old_value, h.new_value, h.created_at
		FROM ticket_history h JOIN users u ON u.id = h.actor_id WHERE h.ticket_id = $1 ORDER BY h.seq`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: history: %w", err)
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.Actor.ID, &c.Actor.Email, &c.Actor.Name, &c.Field, &c.Old, &c.New, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = ms(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) watchers(ctx context.Context, id int64) ([]Person, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.email, u.name FROM ticket_watchers w JOIN users u ON u.id = w.user_id
		WHERE w.ticket_id = $1 ORDER BY w.created_at, u.email`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: watchers: %w", err)
	}
	defer rows.Close()
	out := []Person{}
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Email, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func addComment(ctx context.Context, tx querier, id int64, c *Comment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_comments (id, ticket_id, author_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5)`, c.ID, id, c.Author.ID, c.Body, c.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("ticket: comment: %w", err)
	}
	return nil
}
