package ticket

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pier-analytics/pier/auth"
)

// Health is how the queue is doing over recent weeks: what people ask
// for, how much waits, and how fast the data team answers.
type Health struct {
	Weeks       []time.Time        // the Monday each week starts on, oldest first
	PerCategory map[Category][]int // tickets filed per week
	Backlog     []int              // open at the end of each week (or now, for this week)
	FirstReply  []*time.Duration   // median per week filed; nil when none had one
	ToAnswer    []*time.Duration   // likewise, from filed to answered
	Open        int                // open now
	Filed       int                // filed in the whole window
	Answered    int                // answered, of those filed in the window
	ByGuide     int                // of those answered, how many by a guide entry
	Medians     struct{ FirstReply, ToAnswer *time.Duration }
}

type healthRow struct {
	category                           Category
	created, firstReply, answered, res int64
	byGuide                            bool
}

// Health measures the queue over the last weeks weeks.
func (s *Service) Health(ctx context.Context, who *auth.User, weeks int) (*Health, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	h := &Health{PerCategory: map[Category][]int{}}
	start := s.weekStart(s.now()).AddDate(0, 0, -7*(weeks-1))
	for i := range weeks {
		h.Weeks = append(h.Weeks, start.AddDate(0, 0, 7*i))
	}
	rows, err := s.healthRows(ctx, start)
	if err != nil {
		return nil, err
	}
	h.count(rows, s.now())
	return h, nil
}

func (s *Service) weekStart(t time.Time) time.Time {
	t = t.In(s.loc)
	d := (int(t.Weekday()) + 6) % 7
	return time.Date(t.Year(), t.Month(), t.Day()-d, 0, 0, 0, 0, s.loc)
}

// healthRows reads what Health counts. A ticket the data team marked
// answered without writing the answer counts as answered when marked. A
// guide entry its author answered (a page of the guide written as one, as
// the demo's are) was never a request and is not counted.
func (s *Service) healthRows(ctx context.Context, start time.Time) ([]healthRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT category, created_at, COALESCE(first_response_at, 0),
		COALESCE(answered_at, CASE WHEN status = 'answered' THEN resolved_at END, 0),
		COALESCE(resolved_at, 0), solved_by_guide IS NOT NULL FROM tickets
		WHERE merged_into IS NULL AND (created_at >= $1 OR resolved_at IS NULL OR resolved_at >= $1)
		AND NOT (guide AND answered_by IS NOT NULL AND answered_by = requester_id)`, start.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("ticket: health: %w", err)
	}
	defer rows.Close()
	var out []healthRow
	for rows.Next() {
		var r healthRow
		if err := rows.Scan(&r.category, &r.created, &r.firstReply, &r.answered, &r.res, &r.byGuide); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (h *Health) count(rows []healthRow, now time.Time) {
	n := len(h.Weeks)
	firstReply, toAnswer := make([][]time.Duration, n), make([][]time.Duration, n)
	var allReply, allAnswer []time.Duration
	for _, c := range Categories {
		h.PerCategory[c] = make([]int, n)
	}
	h.Backlog = make([]int, n)
	for _, r := range rows {
		if r.res == 0 {
			h.Open++
		}
		for i := range h.Weeks {
			end := min(h.weekEnd(i).UnixMilli(), now.UnixMilli()+1)
			if r.created < end && (r.res == 0 || r.res >= end) {
				h.Backlog[i]++
			}
		}
		i := h.weekOf(r.created)
		if i < 0 {
			continue
		}
		h.Filed++
		h.PerCategory[r.category][i]++
		if r.firstReply > 0 {
			d := time.Duration(r.firstReply-r.created) * time.Millisecond
			firstReply[i], allReply = append(firstReply[i], d), append(allReply, d)
		}
		if r.answered > 0 {
			d := time.Duration(r.answered-r.created) * time.Millisecond
			toAnswer[i], allAnswer = append(toAnswer[i], d), append(allAnswer, d)
			h.Answered++
			if r.byGuide {
				h.ByGuide++
			}
		}
	}
	for i := range n {
		h.FirstReply = append(h.FirstReply, median(firstReply[i]))
		h.ToAnswer = append(h.ToAnswer, median(toAnswer[i]))
	}
	h.Medians.FirstReply, h.Medians.ToAnswer = median(allReply), median(allAnswer)
}

func (h *Health) weekEnd(i int) time.Time { return h.Weeks[i].AddDate(0, 0, 7) }

// weekOf is the index of the week at ms, or -1 before the first.
func (h *Health) weekOf(ms int64) int {
	for i := len(h.Weeks) - 1; i >= 0; i-- {
		if ms >= h.Weeks[i].UnixMilli() {
			return i
		}
	}
	return -1
}

func median(ds []time.Duration) *time.Duration {
	if len(ds) == 0 {
		return nil
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + m) / 2
	}
	return &m
}

// GuideShare is the fraction of answers that a guide entry gave, or -1
// when nothing was answered.
func (h *Health) GuideShare() float64 {
	if h.Answered == 0 {
		return -1
	}
	return float64(h.ByGuide) / float64(h.Answered)
}
