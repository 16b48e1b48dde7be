package ticket

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/search"
)

// Words are the words of q worth searching for: the search index's.
func Words(q string) []string { return search.Words(q) }

// Score says how well words match a title and a text: a word in the title
// counts three times one in the text, and a word matches as the start of
// a longer one ("order" finds "orders").
func Score(words []string, title, text string) int {
	title, text = strings.ToLower(title), strings.ToLower(text)
	n := 0
	for _, w := range words {
		switch {
		case strings.Contains(title, w):
			n += 3
		case strings.Contains(text, w):
			n++
		}
	}
	return n
}

// Answers returns answered tickets whose words match q, best first, guide
// entries ahead of the rest; with q empty, the newest answers.
func (s *Service) Answers(ctx context.Context, who *auth.User, q string, limit int) ([]Summary, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	words := Words(q)
	if len(q) > maxSearch {
		words = Words(q[:maxSearch])
	}
	where, args := answeredWhere(words)
	rows, err := s.db.QueryContext(ctx, selectTicket+where+` ORDER BY t.guide DESC, t.answered_at DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: answers: %w", err)
	}
	defer rows.Close()
	type scored struct {
		Summary
		score int
	}
	var found []scored
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		sc := Score(words, t.Title, t.Body+" "+t.Answer)
		if t.Guide {
			sc += 2
		}
		found = append(found, scored{Summary{Ticket: t}, sc})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(found, func(a, b scored) int { return b.score - a.score })
	out := []Summary{}
	for _, f := range found {
		if len(out) == limit {
			break
		}
		out = append(out, f.Summary)
	}
	return out, nil
}

// answeredWhere picks tickets with an answer worth finding again, and any
// of words. Access grants are left out: they answer one person only.
func answeredWhere(words []string) (string, []any) {
	where := ` WHERE t.status IN ('answered', 'closed') AND t.merged_into IS NULL AND t.category <> 'data_access'
		AND (t.answer <> '' OR t.answer_links <> '[]')`
	var alts []string
	var args []any
	for _, w := range words {
		args = append(args, likeAny(w))
		n := len(args)
		alts = append(alts, fmt.Sprintf(`LOWER(t.title) LIKE $%[1]d ESCAPE '\' OR LOWER(t.body) LIKE $%[1]d ESCAPE '\' OR LOWER(t.answer) LIKE $%[1]d ESCAPE '\'`, n))
	}
	if len(alts) > 0 {
		where += " AND (" + strings.Join(alts, " OR ") + ")"
	}
	return where, args
}
