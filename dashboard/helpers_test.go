package dashboard

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/auth/authtest"
	"github.com/pier-analytics/pier/demolake/demotest"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/query/enginetest"
	"github.com/pier-analytics/pier/store"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// fixture is a service over the tiny demo lake with one user per part
// they play: an analyst who owns things, a handle-tier builder, viewers
// with and without grants, the data team and a stranger.
type fixture struct {
	s      *Service
	db     *store.DB
	users  *auth.Store
	props  *query.PropStore
	engine *query.Engine
	cat    *query.Catalog

	analyst, handle, viewer, hr, data, stranger *auth.User
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	return newFixtureOn(t, db, demotest.Lake(t))
}

func newFixtureOn(t *testing.T, db *store.DB, lake string) *fixture {
	t.Helper()
	users := auth.NewStore(db).WithPasswordCost(authtest.CheapPasswords)
	en, err := auth.NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	engine, cat := enginetest.Engine(t, db, lake)
	f := &fixture{s: NewService(db, en, users, engine), db: db, users: users, props: query.NewPropStore(db), engine: engine, cat: cat}
	mk := func(email string, tier auth.Tier) *auth.User {
		u, err := users.CreateUser(context.Background(), auth.NewUser{Email: email, Name: email, Tier: tier, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.analyst = mk("analyst@example.com", auth.TierAnalyze)
	f.handle = mk("handle@example.com", auth.TierHandle)
	f.viewer = mk("viewer@example.com", auth.TierView)
	f.hr = mk("hr@example.com", auth.TierView)
	f.data = mk("data@example.com", auth.TierData)
	f.stranger = mk("stranger@example.com", auth.TierView)
	return f
}

func (f *fixture) grant(t *testing.T, who *auth.User, table string, pii bool) {
	t.Helper()
	if err := f.users.AddGrant(context.Background(), who.Email, table, pii); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) restrict(t *testing.T, table string) {
	t.Helper()
	yes := true
	if err := f.props.Set(context.Background(), table, query.PropChange{Restricted: &yes}); err != nil {
		t.Fatal(err)
	}
}

// orders is a dataset of orders with the member's country, made by the analyst.
func (f *fixture) orders(t *testing.T) *Dataset {
	t.Helper()
	ds, err := f.s.CreateDataset(context.Background(), f.analyst, NewDataset{
		Name: "Orders", Description: "Every order with its member's country",
		SQL: `select o.order_id, o.member_id, o.ordered_at, o.dt, o.status, o.total, m.country
			from act_orders o join obj_members m using (member_id)`,
		TimeColumn: "dt",
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if pier.ErrorCode(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}
