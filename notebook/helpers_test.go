package notebook

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/auth/authtest"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// people are the users of a service test: an owner, an analyst to share
// with, a view-tier user and a stranger who is never shared anything.
type people struct {
	owner, analyst, viewer, stranger *auth.User
}

func newTestService(t *testing.T, db *store.DB) (*Service, people) {
	t.Helper()
	users := auth.NewStore(db).WithPasswordCost(authtest.CheapPasswords)
	en, err := auth.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	mk := func(email string, tier auth.Tier) *auth.User {
		u, err := users.CreateUser(context.Background(), auth.NewUser{Email: email, Name: email, Tier: tier, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	return NewService(db, en, users, readable{}), people{
		owner:    mk("owner@example.com", auth.TierAnalyze),
		analyst:  mk("analyst@example.com", auth.TierAnalyze),
		viewer:   mk("viewer@example.com", auth.TierView),
		stranger: mk("stranger@example.com", auth.TierAdmin),
	}
}

// readable is an Access for tests: every user reads obj_brands, and
// act_orders and raw obj_members e-mails only when named here by e-mail.
type readable map[string][]string

func (r readable) VisibleTo(_ context.Context, who *auth.User) ([]query.Visible, error) {
	members := query.Visible{Table: &query.Table{Name: "obj_members", Columns: []query.Column{{Name: "email", Type: "VARCHAR"}}},
		Props: query.Props{PII: []string{"email"}}}
	out := []query.Visible{{Table: &query.Table{Name: "obj_brands"}}}
	for _, t := range r[who.Email] {
		if t == "obj_members:pii" {
			members.RawPII = true
			continue
		}
		out = append(out, query.Visible{Table: &query.Table{Name: t}})
	}
	return append(out, members), nil
}

func sqlCell(name, src string) Cell { return Cell{Kind: SQL, Name: name, Source: src} }

func mustCreate(t *testing.T, s *Service, who *auth.User, title string, cells ...Cell) *Notebook {
	t.Helper()
	var doc *Doc
	if len(cells) > 0 {
		doc = &Doc{Cells: cells}
	}
	n, err := s.Create(context.Background(), who, New{Title: title, Doc: doc})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
