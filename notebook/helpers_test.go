package notebook

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// people are the users of a service test: an owner, an analyst to share
// with, a view-tier user and a stranger who is never shared anything.
type people struct {
	owner, analyst, viewer, stranger *auth.User
}

func newTestService(t *testing.T, db *store.DB) (*Service, people) {
	t.Helper()
	users := auth.NewStore(db)
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
	return NewService(db, en, users), people{
		owner:    mk("owner@example.com", auth.TierAnalyze),
		analyst:  mk("analyst@example.com", auth.TierAnalyze),
		viewer:   mk("viewer@example.com", auth.TierView),
		stranger: mk("stranger@example.com", auth.TierAdmin),
	}
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
