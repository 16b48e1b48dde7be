package ticket

import (
	"context"
	"testing"
	"time"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestHealthMeasuresTheQueue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.clock = time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC) // Monday, two weeks back
		a := f.file(t, f.viewer, "a")                          // analysis
		f.s.File(ctx, f.viewer, New{Title: "b", Category: "dashboard"})
		f.later(2 * time.Hour)
		f.s.Comment(ctx, f.data, a.ID, "Looking")
		f.later(2 * time.Hour)
		f.s.Answer(ctx, f.data, a.ID, Answer{Text: "Done"})
		f.s.SetGuide(ctx, f.data, a.ID, true)

		f.clock = time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC) // Tuesday, last week
		c := f.file(t, f.other, "c")
		f.later(6 * time.Hour)
		f.s.Answer(ctx, f.data, c.ID, Answer{SolvedBy: a.ID})

		f.clock = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // Monday, this week
		f.file(t, f.other, "d")
		// A page of the guide the data team writes as a ticket is no request.
		page := f.file(t, f.data, "How do I read the revenue dashboard?")
		f.s.Answer(ctx, f.data, page.ID, Answer{Text: "Like this."})
		f.s.SetGuide(ctx, f.data, page.ID, true)
		h, err := f.s.Health(ctx, f.viewer, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Weeks[0].Format("2006-01-02"); got != "2026-11-09" || len(h.Weeks) != 3 {
			t.Errorf("weeks start %s (%d weeks)", got, len(h.Weeks))
		}
		if got := sprint(h.PerCategory[CatAnalysis]); got != "[1 1 1]" {
			t.Errorf("analysis per week %s", got)
		}
		if got := sprint(h.PerCategory[CatDashboard]); got != "[1 0 0]" {
			t.Errorf("dashboard per week %s", got)
		}
		// b stays open throughout; c is answered within its week; d is new.
		if got := sprint(h.Backlog); got != "[1 1 2]" || h.Open != 2 {
			t.Errorf("backlog %s, open %d", got, h.Open)
		}
		if *h.FirstReply[0] != 2*time.Hour || *h.ToAnswer[1] != 6*time.Hour || h.FirstReply[2] != nil {
			t.Errorf("first reply %v, to answer %v", h.FirstReply, h.ToAnswer)
		}
		if *h.Medians.ToAnswer != 5*time.Hour || h.Filed != 4 || h.Answered != 2 || h.GuideShare() != 0.5 {
			t.Errorf("median to answer %v, filed %d, answered %d, guide share %v", *h.Medians.ToAnswer, h.Filed, h.Answered, h.GuideShare())
		}
	})
}
