package ticket

import (
	"context"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// Who may do what to a ticket filed by the viewer.
func TestPermissionMatrix(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	type act func(who *auth.User, id int64) error
	acts := map[string]act{
		"triage": func(who *auth.User, id int64) error {
			_, err := f.s.Triage(ctx, who, id, Patch{Priority: ptr("high")})
			return err
		},
		"answer": func(who *auth.User, id int64) error {
			_, err := f.s.Answer(ctx, who, id, Answer{Text: "See the dashboard."})
			return err
		},
		"guide": func(who *auth.User, id int64) error {
			f.s.Answer(ctx, f.data, id, Answer{Text: "See the dashboard."})
			_, err := f.s.SetGuide(ctx, who, id, true)
			return err
		},
		"merge": func(who *auth.User, id int64) error {
			dup := f.file(t, f.other, "dup")
			_, err := f.s.Merge(ctx, who, dup.ID, id)
			return err
		},
		"comment": func(who *auth.User, id int64) error {
			_, err := f.s.Comment(ctx, who, id, "me too")
			return err
		},
		"edit": func(who *auth.User, id int64) error {
			_, err := f.s.Edit(ctx, who, id, Edit{Body: ptr("more detail")})
			return err
		},
		"decide access": func(who *auth.User, _ int64) error {
			tk, err := f.s.File(ctx, f.viewer, New{Title: "orders please", Category: "data_access", Access: &AccessRequest{Table: "orders"}})
			if err != nil {
				return err
			}
			_, err = f.s.DecideAccess(ctx, who, tk.ID, Decision{Approve: true})
			return err
		},
		"add office hour": func(who *auth.User, _ int64) error {
			_, err := f.s.AddSlot(ctx, who, 1, "10:00", 30)
			return err
		},
	}
	// allowed lists, per action, who may; everyone else gets 403.
	allowed := map[string][]*auth.User{
		"triage":          {f.data, f.admin},
		"answer":          {f.data, f.admin},
		"guide":           {f.data, f.admin},
		"merge":           {f.data, f.admin},
		"comment":         {f.viewer, f.other, f.analyst, f.data, f.admin},
		"edit":            {f.viewer, f.data, f.admin},
		"decide access":   {f.admin},
		"add office hour": {f.data, f.admin},
	}
	for name, do := range acts {
		for _, who := range []*auth.User{f.viewer, f.other, f.analyst, f.data, f.admin} {
			tk := f.file(t, f.viewer, name)
			err := do(who, tk.ID)
			want := ""
			if !contains(allowed[name], who) {
				want = pier.EForbidden
			}
			if pier.ErrorCode(err) != want {
				t.Errorf("%s by %s: %v, want %q", name, who.Tier, err, want)
			}
		}
	}
}

func contains(us []*auth.User, u *auth.User) bool {
	for _, x := range us {
		if x.ID == u.ID {
			return true
		}
	}
	return false
}

func TestEveryChangeIsKeptInTheHistory(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk := f.file(t, f.viewer, "Churn by cohort")
		f.later(time.Hour)
		if _, err := f.s.Comment(ctx, f.viewer, tk.ID, "Any news?"); err != nil {
			t.Fatal(err)
		}
		f.later(time.Hour)
		got, err := f.s.Triage(ctx, f.data, tk.ID, Patch{Status: ptr("triaged"), Assignee: ptr(f.data2.Email), Priority: ptr("high")})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusTriaged || got.Assignee.Email != f.data2.Email || got.Priority != "high" {
			t.Errorf("after triage: %+v", got)
		}
		if !got.FirstReplyAt.Equal(f.clock) {
			t.Errorf("first response at %v, want %v (the requester's own comment does not count)", got.FirstReplyAt, f.clock)
		}
		f.later(time.Hour)
		// A patch that repeats the current values changes nothing.
		if got, err = f.s.Triage(ctx, f.data, tk.ID, Patch{Status: ptr("triaged"), Priority: ptr("high")}); err != nil {
			t.Fatal(err)
		}
		got, err = f.s.Triage(ctx, f.data2, tk.ID, Patch{Status: ptr("answered"), Assignee: ptr("")})
		if err != nil {
			t.Fatal(err)
		}
		want := []Change{
			{Field: "created", New: "new"},
			{Field: "status", Old: "new", New: "triaged"},
			{Field: "priority", Old: "", New: "high"},
			{Field: "assignee", Old: "", New: f.data2.Email},
			{Field: "status", Old: "triaged", New: "answered"},
			{Field: "assignee", Old: f.data2.Email, New: ""},
		}
		if len(got.History) != len(want) {
			t.Fatalf("history %+v", got.History)
		}
		for i, w := range want {
			h := got.History[i]
			if h.Field != w.Field || h.Old != w.Old || h.New != w.New {
				t.Errorf("history[%d] = %s %q→%q, want %s %q→%q", i, h.Field, h.Old, h.New, w.Field, w.Old, w.New)
			}
		}
		if a := got.History[4]; a.Actor.Email != f.data2.Email || !a.CreatedAt.Equal(f.clock) {
			t.Errorf("the last change by %s at %v, want %s at %v", a.Actor.Email, a.CreatedAt, f.data2.Email, f.clock)
		}
		if n := len(f.heard.events); n != 3 || f.heard.events[2].Old != StatusTriaged || f.heard.events[2].Ticket.Status != StatusAnswered {
			t.Errorf("events %+v, want the new ticket and two status changes", f.heard.events)
		}
		if len(got.Comments) != 1 || got.Comments[0].Body != "Any news?" {
			t.Errorf("comments %+v", got.Comments)
		}
	})
}

func TestTriageRefusesBadValues(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk := f.file(t, f.viewer, "x")
	for name, p := range map[string]Patch{
		"status":       {Status: ptr("done")},
		"priority":     {Priority: ptr("p0")},
		"nobody":       {Assignee: ptr("ghost@example.com")},
		"not the team": {Assignee: ptr(f.analyst.Email)},
		"one bad":      {Status: ptr("triaged"), Priority: ptr("whenever")},
	} {
		if _, err := f.s.Triage(ctx, f.data, tk.ID, p); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	got, _ := f.s.Get(ctx, f.data, tk.ID)
	if got.Status != StatusNew || len(got.History) != 1 {
		t.Errorf("a refused patch changed the ticket: %+v", got)
	}
	if _, err := f.s.Triage(ctx, f.data, 42, Patch{Status: ptr("triaged")}); pier.ErrorCode(err) != pier.ENotFound {
		t.Errorf("missing ticket: %v", err)
	}
}

func TestTheRequesterEditsUntilTriaged(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk := f.file(t, f.viewer, "Revenue")
	got, err := f.s.Edit(ctx, f.viewer, tk.ID, Edit{Title: ptr("Revenue by week"), WantedBy: ptr("2026-12-24")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Revenue by week" || got.WantedBy != "2026-12-24" || got.Body != tk.Body {
		t.Errorf("after the edit: %+v", got)
	}
	if _, err := f.s.Edit(ctx, f.viewer, tk.ID, Edit{Title: ptr("")}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("empty title: %v", err)
	}
	f.s.Triage(ctx, f.data, tk.ID, Patch{Status: ptr("triaged")})
	if _, err := f.s.Edit(ctx, f.viewer, tk.ID, Edit{Title: ptr("Something else")}); pier.ErrorCode(err) != pier.EForbidden {
		t.Errorf("edit after triage: %v, want forbidden", err)
	}
	if got, err = f.s.Edit(ctx, f.data, tk.ID, Edit{Title: ptr("Weekly revenue")}); err != nil || got.Title != "Weekly revenue" {
		t.Errorf("the data team tidies the title: %v", err)
	}
	titles := 0
	for _, h := range got.History {
		if h.Field == "title" {
			titles++
		}
	}
	if titles != 2 {
		t.Errorf("%d title changes in the history, want 2", titles)
	}
}

func TestMergeClosesTheDuplicate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		orig := f.file(t, f.viewer, "DAU by country")
		dup := f.file(t, f.other, "Daily users per country")
		f.s.Comment(ctx, f.analyst, dup.ID, "same here")
		got, err := f.s.Merge(ctx, f.data, dup.ID, orig.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusClosed || got.MergedInto != orig.ID {
			t.Errorf("the duplicate: %+v", got)
		}
		target, _ := f.s.Get(ctx, f.data, orig.ID)
		var emails []string
		for _, w := range target.Watchers {
			emails = append(emails, w.Email)
		}
		if len(emails) != 3 {
			t.Errorf("watchers of the original %v, want the viewer, the other requester and the commenter", emails)
		}
		if last := target.History[len(target.History)-1]; last.Field != "merged_from" || last.New != "#2" {
			t.Errorf("the original's history ends %+v", last)
		}
		for name, c := range map[string]struct {
			id, into int64
			code     string
		}{"itself": {1, 1, pier.EInvalid}, "missing": {1, 9, pier.EInvalid}, "again": {2, 1, pier.EConflict}, "into merged": {1, 2, pier.EInvalid}} {
			if _, err := f.s.Merge(ctx, f.data, c.id, c.into); pier.ErrorCode(err) != c.code {
				t.Errorf("merge %s: %v, want %s", name, err, c.code)
			}
		}
	})
}
