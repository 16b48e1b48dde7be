package ticket

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/auth/authtest"
	"github.com/pier-analytics/pier/store"
)

// fixture is a ticket service with one user per part they play, a fixed
// clock, links that exist or not as the test says, and the events told.
type fixture struct {
	s     *Service
	db    *store.DB
	users *auth.Store
	clock time.Time
	links links
	heard *heard

	viewer, other, analyst, data, data2, admin *auth.User
}

// links resolves "kind:ref" keys to titles; the set key "kind:ref@email"
// hides a thing from one user.
type links map[string]string

func (l links) Resolve(_ context.Context, who *auth.User, k Link) (string, bool, error) {
	if _, hidden := l[k.Kind+":"+k.Ref+"@"+who.Email]; hidden {
		return "", false, nil
	}
	title, ok := l[k.Kind+":"+k.Ref]
	return title, ok, nil
}

type heard struct {
	mu     sync.Mutex
	events []Event
}

func (h *heard) Notify(_ context.Context, e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	users := auth.NewStore(db).WithPasswordCost(authtest.CheapPasswords)
	en, err := auth.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, users: users, clock: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), heard: &heard{},
		links: links{"dashboard:d1": "Daily active users", "table:orders": "orders", "table:members": "members",
			"notebook:n1": "Churn study", "dataset:ds1": "Orders", "dashboard:secret": "Salaries",
			"dashboard:secret@viewer@example.com": ""}}
	f.s = NewService(db, Config{Auth: en, People: users, Links: f.links, Notify: f.heard, Zone: time.UTC, Now: func() time.Time { return f.clock }})
	mk := func(email string, tier auth.Tier) *auth.User {
		u, err := users.CreateUser(context.Background(), auth.NewUser{Email: email, Name: email, Tier: tier, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.viewer = mk("viewer@example.com", auth.TierView)
	f.other = mk("other@example.com", auth.TierView)
	f.analyst = mk("analyst@example.com", auth.TierAnalyze)
	f.data = mk("data@example.com", auth.TierData)
	f.data2 = mk("data2@example.com", auth.TierData)
	f.admin = mk("admin@example.com", auth.TierAdmin)
	return f
}

func (f *fixture) later(d time.Duration) { f.clock = f.clock.Add(d) }

func (f *fixture) file(t *testing.T, who *auth.User, title string) *Ticket {
	t.Helper()
	tk, err := f.s.File(context.Background(), who, New{Title: title, Body: "Details of " + title, Category: string(CatAnalysis)})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func ptr[T any](v T) *T { return &v }

func sprint(v any) string { return fmt.Sprint(v) }
