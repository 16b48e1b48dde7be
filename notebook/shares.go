package notebook

import (
	"context"
	"fmt"

	"github.com/pier-analytics/pier/store"
)

// Share is one person a notebook is shared with.
type Share struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
}

func (s *notebookStore) putShare(ctx context.Context, id, userID string, role Role) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO notebook_shares (notebook_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (notebook_id, user_id) DO UPDATE SET role = excluded.role`, id, userID, string(role), store.Now())
	if err != nil {
		return fmt.Errorf("notebook: share: %w", err)
	}
	return nil
}

func (s *notebookStore) deleteShare(ctx context.Context, id, userID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM notebook_shares WHERE notebook_id = $1 AND user_id = $2`, id, userID); err != nil {
		return fmt.Errorf("notebook: unshare: %w", err)
	}
	return nil
}

func (s *notebookStore) shares(ctx context.Context, id string) ([]Share, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.email, u.name, s.role FROM notebook_shares s JOIN users u ON u.id = s.user_id
		WHERE s.notebook_id = $1 ORDER BY u.email`, id)
	if err != nil {
		return nil, fmt.Errorf("notebook: shares: %w", err)
	}
	defer rows.Close()
	out := []Share{}
	for rows.Next() {
		var sh Share
		if err := rows.Scan(&sh.Email, &sh.Name, &sh.Role); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}
