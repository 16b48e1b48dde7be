package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
)

// refreshUser is whom scheduled refreshes are logged as.
const refreshUser = "pier:refresh"

// RefreshDue refreshes every dashboard whose schedule says it is due and
// returns how many it refreshed. Each is claimed first by moving its next
// refresh on, so of several replicas exactly one refreshes it.
//
// A refresh asks for every tile as a viewer without grants of their own
// would see it, which fills the result cache after new lake data lands, so
// the first person to open the dashboard does not wait; unchanged data is
// answered from the cache and costs nothing. The outcome, or the first
// failure, is kept on the dashboard for its owner and the data team.
func (s *Service) RefreshDue(ctx context.Context, now time.Time) (int, error) {
	due, err := s.dueDashboards(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		claimed, err := s.claimRefresh(ctx, d, now)
		if err != nil {
			return n, err
		}
		if !claimed {
			continue
		}
		if err := s.recordRefresh(ctx, d.id, now, s.refresh(ctx, d.id)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

type dueDashboard struct {
	id      string
	next    int64
	minutes int
}

func (s *Service) dueDashboards(ctx context.Context, now time.Time) ([]dueDashboard, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, next_refresh_at, refresh_minutes FROM dashboards
		WHERE archived_at IS NULL AND refresh_minutes > 0 AND next_refresh_at <= $1`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("dashboard: due refreshes: %w", err)
	}
	defer rows.Close()
	var out []dueDashboard
	for rows.Next() {
		var d dueDashboard
		if err := rows.Scan(&d.id, &d.next, &d.minutes); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Service) claimRefresh(ctx context.Context, d dueDashboard, now time.Time) (bool, error) {
	next := now.Add(time.Duration(d.minutes) * time.Minute).UnixMilli()
	res, err := s.db.ExecContext(ctx, `UPDATE dashboards SET next_refresh_at = $3 WHERE id = $1 AND next_refresh_at = $2`, d.id, d.next, next)
	if err != nil {
		return false, fmt.Errorf("dashboard: claim refresh: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// refresh fetches every tile of the dashboard and returns the first failure.
func (s *Service) refresh(ctx context.Context, id string) error {
	d, err := s.get(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.onBehalf(ctx, d, refreshUser)
	if err != nil {
		return err
	}
	for i, t := range d.Doc.Tiles {
		if t.Type == chart.KindMarkdown {
			continue
		}
		q, err := s.tileRequest(ctx, d, t, View{})
		if err == nil {
			_, err = s.engine.QueryCached(ctx, p, q.request)
		}
		if err != nil {
			return tileError(i, err)
		}
	}
	return nil
}

func (s *Service) recordRefresh(ctx context.Context, id string, at time.Time, failure error) error {
	msg := ""
	if failure != nil {
		msg = pier.ErrorMessage(failure) // a fault of Pier's own reads as a plain sentence
	}
	_, err := s.db.ExecContext(ctx, `UPDATE dashboards SET last_refresh_at = $2, last_refresh_error = $3 WHERE id = $1`, id, at.UnixMilli(), msg)
	return err
}
