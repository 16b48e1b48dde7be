package ticket

import (
	"context"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// Get returns a ticket with its comments, history, watchers and booking,
// and its links titled for who; links who may not open are left out.
func (s *Service) Get(ctx context.Context, who *auth.User, id int64) (*Ticket, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	t, err := getTicket(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if t.Comments, err = s.comments(ctx, id); err != nil {
		return nil, err
	}
	if t.History, err = s.history(ctx, id); err != nil {
		return nil, err
	}
	if t.Watchers, err = s.watchers(ctx, id); err != nil {
		return nil, err
	}
	if t.Booking, err = s.booking(ctx, id); err != nil {
		return nil, err
	}
	if t.Links, err = s.titled(ctx, who, t.Links); err != nil {
		return nil, err
	}
	if t.AnswerLinks, err = s.titled(ctx, who, t.AnswerLinks); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Service) titled(ctx context.Context, who *auth.User, ls []Link) ([]Link, error) {
	out := make([]Link, 0, len(ls))
	for _, l := range ls {
		title, ok, err := s.links.Resolve(ctx, who, l)
		if err != nil {
			return nil, err
		}
		if ok {
			l.Title = title
			out = append(out, l)
		}
	}
	return out, nil
}

// Query picks tickets from the queue. Empty fields pick all; Assignee and
// Requester are e-mails, and Assignee "none" picks unassigned tickets.
type Query struct {
	Status    string
	Category  string
	Assignee  string
	Requester string
	Text      string // words that must all appear in the title or question
	Limit     int
}

// Summary is a ticket as the queue lists it.
type Summary struct {
	*Ticket
	Comments int
}

// List returns the queue, newest first.
func (s *Service) List(ctx context.Context, who *auth.User, q Query) ([]Summary, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	where, args, err := q.where()
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := s.db.QueryContext(ctx, strings.Replace(selectTicket, "SELECT ", "SELECT (SELECT COUNT(*) FROM ticket_comments c WHERE c.ticket_id = t.id), ", 1)+
		where+fmt.Sprintf(" ORDER BY t.id DESC LIMIT %d", limit), args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: list: %w", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var n int
		t, err := scanTicket(prefixed{rows, &n})
		if err != nil {
			return nil, err
		}
		out = append(out, Summary{Ticket: t, Comments: n})
	}
	return out, rows.Err()
}

// prefixed scans one extra leading column into first.
type prefixed struct {
	row   scanner
	first any
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append([]any{p.first}, dest...)...) }

func (q Query) where() (string, []any, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if q.Status != "" {
		if q.Status == "open" {
			conds = append(conds, "t.status NOT IN ('answered', 'closed')")
		} else {
			st, err := parseStatus(q.Status)
			if err != nil {
				return "", nil, err
			}
			add("t.status = ?", string(st))
		}
	}
	if q.Category != "" {
		c, err := parseCategory(q.Category)
		if err != nil {
			return "", nil, err
		}
		add("t.category = ?", string(c))
	}
	switch q.Assignee {
	case "":
	case "none":
		conds = append(conds, "t.assignee_id IS NULL")
	default:
		add("LOWER(a.email) = ?", strings.ToLower(strings.TrimSpace(q.Assignee)))
	}
	if q.Requester != "" {
		add("LOWER(r.email) = ?", strings.ToLower(strings.TrimSpace(q.Requester)))
	}
	if len(q.Text) > maxSearch {
		return "", nil, pier.Errorf(pier.EInvalid, "Search for at most %d characters.", maxSearch)
	}
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		add(`(LOWER(t.title) LIKE ? ESCAPE '\' OR LOWER(t.body) LIKE ? ESCAPE '\' OR LOWER(t.answer) LIKE ? ESCAPE '\')`, likeAny(w))
	}
	if len(conds) == 0 {
		return "", args, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// likeAny is a LIKE pattern matching w anywhere, with LIKE's own
// characters in w taken literally.
func likeAny(w string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(w) + "%"
}
