package ticket

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestAnswersFormASearchableLibraryWithGuideEntriesFirst(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		dau := f.file(t, f.viewer, "How many daily active users do we have?")
		got, err := f.s.Answer(ctx, f.data, dau.ID, Answer{Text: "The **DAU** dashboard has it.", Links: []Link{{Kind: "dashboard", Ref: "d1"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusAnswered || got.AnsweredBy.Email != f.data.Email || len(got.AnswerLinks) != 1 || got.AnswerLinks[0].Title != "Daily active users" {
			t.Errorf("answered: %+v", got)
		}
		wau := f.file(t, f.other, "Weekly active users by country")
		f.s.Answer(ctx, f.data, wau.ID, Answer{Text: "Use the users dataset.", Links: []Link{{Kind: "dataset", Ref: "ds1"}}})
		f.file(t, f.other, "Active users unanswered")
		if _, err := f.s.SetGuide(ctx, f.data, wau.ID, true); err != nil {
			t.Fatal(err)
		}
		found, err := f.s.Answers(ctx, f.viewer, "active users per day", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 2 || found[0].ID != wau.ID || found[1].ID != dau.ID {
			t.Errorf("answers %v, want the guide entry first, then the other answer, and no unanswered ticket", ids(found))
		}
		if found, _ = f.s.Answers(ctx, f.viewer, "dataset", 10); len(found) != 1 || found[0].ID != wau.ID {
			t.Errorf("searching the answer's text: %v", ids(found))
		}
		if found, _ = f.s.Answers(ctx, f.viewer, "", 1); len(found) != 1 {
			t.Errorf("limit: %v", ids(found))
		}
		// A later question answered by the guide entry counts towards the
		// share the health page shows.
		again := f.file(t, f.analyst, "WAU per country?")
		got, err = f.s.Answer(ctx, f.data, again.ID, Answer{SolvedBy: wau.ID})
		if err != nil || got.SolvedBy != wau.ID {
			t.Fatalf("answered by the guide: %v %+v", err, got)
		}
		if _, err := f.s.Answer(ctx, f.data, again.ID, Answer{SolvedBy: dau.ID}); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("answered by a ticket that is no guide entry: %v", err)
		}
	})
}

func ids(s []Summary) []int64 {
	var out []int64
	for _, x := range s {
		out = append(out, x.ID)
	}
	return out
}

func TestAnswerRefusesEmptyAnswersAndHiddenLinks(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk := f.file(t, f.viewer, "x")
	for name, a := range map[string]Answer{
		"empty":      {Text: "  "},
		"table link": {Text: "x", Links: []Link{{Kind: "table", Ref: "orders"}}},
		"missing":    {Text: "x", Links: []Link{{Kind: "notebook", Ref: "gone"}}},
	} {
		if _, err := f.s.Answer(ctx, f.data, tk.ID, a); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := f.s.SetGuide(ctx, f.data, tk.ID, true); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("a guide entry without an answer: %v", err)
	}
}

func TestApprovingAnAccessRequestGrantsTheTableWithAnAuditLine(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk, err := f.s.File(ctx, f.viewer, New{Title: "Orders with e-mails", Body: "For the CRM clean-up.", Category: "data_access",
			Access: &AccessRequest{Table: " Orders ", PII: true}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.Access == nil || tk.Access.Table != "orders" || !tk.Access.PII || tk.Access.Decision != "" {
			t.Fatalf("access request %+v", tk.Access)
		}
		got, err := f.s.DecideAccess(ctx, f.admin, tk.ID, Decision{Approve: true, Note: "Until the end of the project."})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != StatusAnswered || got.Access.Decision != "approved" || len(got.Comments) != 1 {
			t.Errorf("after approval: status %s, access %+v, comments %+v", got.Status, got.Access, got.Comments)
		}
		grants, _ := f.users.Grants(ctx, f.viewer.ID)
		if g, ok := grants["orders"]; !ok || !g.PII {
			t.Errorf("grants %+v, want orders with PII", grants)
		}
		log, err := f.users.AuditLog(ctx, 10)
		if err != nil || len(log) != 1 {
			t.Fatal(log, err)
		}
		if e := log[0]; e.Action != auth.AuditGrant || e.Actor != f.admin.Email || e.Subject != f.viewer.Email || e.TicketID != tk.ID {
			t.Errorf("audit %+v", e)
		}
		if _, err := f.s.DecideAccess(ctx, f.admin, tk.ID, Decision{Approve: false}); pier.ErrorCode(err) != pier.EConflict {
			t.Errorf("deciding twice: %v", err)
		}
	})
}

func TestDenyingAnAccessRequestClosesItAndGrantsNothing(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk, _ := f.s.File(ctx, f.viewer, New{Title: "members", Category: "data_access", Access: &AccessRequest{Table: "members"}})
	got, err := f.s.DecideAccess(ctx, f.admin, tk.ID, Decision{Note: "Use the members_daily dataset instead."})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusClosed || got.Access.Decision != "denied" {
		t.Errorf("after denial: %s %+v", got.Status, got.Access)
	}
	if grants, _ := f.users.Grants(ctx, f.viewer.ID); len(grants) != 0 {
		t.Errorf("a denial granted %+v", grants)
	}
	if log, _ := f.users.AuditLog(ctx, 10); len(log) != 1 || log[0].Action != auth.AuditGrantDeny {
		t.Errorf("audit %+v", log)
	}
	// A table the lake does not have cannot be granted; nothing changes.
	ghost, _ := f.s.File(ctx, f.viewer, New{Title: "ghost", Category: "data_access", Access: &AccessRequest{Table: "ghost"}})
	if _, err := f.s.DecideAccess(ctx, f.admin, ghost.ID, Decision{Approve: true}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("approving a table that does not exist: %v", err)
	}
	other := f.file(t, f.viewer, "not access")
	if _, err := f.s.DecideAccess(ctx, f.admin, other.ID, Decision{Approve: true}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("deciding a ticket of another category: %v", err)
	}
	if grants, _ := f.users.Grants(ctx, f.viewer.ID); len(grants) != 0 {
		t.Errorf("granted %+v", grants)
	}
}
