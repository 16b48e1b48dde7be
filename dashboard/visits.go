package dashboard

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// RecordView notes that who opened the dashboard at the given time. The
// view counter counts a person once a day, so that reloading a page or
// leaving it open does not make a dashboard look popular. It reports
// whether this view counted.
func (s *Service) RecordView(ctx context.Context, who *auth.User, id string, at time.Time) (counted bool, err error) {
	day := at.Format(time.DateOnly)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO dashboard_visits (dashboard_id, user_id, last_day, last_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, dashboard_id) DO UPDATE SET last_day = excluded.last_day, last_at = excluded.last_at
			WHERE dashboard_visits.last_day <> excluded.last_day`, id, who.ID, day, at.UnixMilli())
		if err != nil {
			return fmt.Errorf("dashboard: record a view: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 { // seen today already: only the time moves
			_, err = tx.ExecContext(ctx, `UPDATE dashboard_visits SET last_at = $3 WHERE user_id = $1 AND dashboard_id = $2`, who.ID, id, at.UnixMilli())
			return err
		}
		counted = true
		_, err = tx.ExecContext(ctx, `UPDATE dashboards SET view_count = view_count + 1 WHERE id = $1`, id)
		return err
	})
	return counted && err == nil, err
}

// Pin puts the dashboard on who's home page, or takes it off; anyone who
// may open a dashboard may pin it.
func (s *Service) Pin(ctx context.Context, who *auth.User, id string, pinned bool) error {
	if _, err := s.Get(ctx, who, id); err != nil {
		return err
	}
	q := `DELETE FROM dashboard_pins WHERE user_id = $1 AND dashboard_id = $2`
	args := []any{who.ID, id}
	if pinned {
		q = `INSERT INTO dashboard_pins (user_id, dashboard_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`
		args = append(args, store.Now())
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("dashboard: pin: %w", err)
	}
	return nil
}

// Pinned reports whether who pinned the dashboard.
func (s *Service) Pinned(ctx context.Context, who *auth.User, id string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM dashboard_pins WHERE user_id = $1 AND dashboard_id = $2`, who.ID, id).Scan(&n)
	return n > 0, err
}
