package dashboard

import (
	"context"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// tileRows fetches a tile's data as who, failing the test on an error.
func (f *fixture) tileRows(t *testing.T, who *auth.User, d *Dashboard, tile string, v View) *query.Cached {
	t.Helper()
	_, res, err := f.s.TileData(context.Background(), who, d.ID, tile, v)
	if err != nil {
		t.Fatalf("%s as %s: %v", tile, who.Email, err)
	}
	return res
}

func TestWhoSeesWhat(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.restrict(t, "act_orders")
		f.grant(t, f.analyst, "act_orders", false)
		f.grant(t, f.analyst, "obj_members", true)
		f.grant(t, f.hr, "act_orders", false)
		f.grant(t, f.hr, "obj_members", true)
		f.grant(t, f.handle, "act_orders", false)

		emails := Tile{ID: "emails", Type: "table", SQL: "select member_id, email from obj_members order by member_id limit 3"}
		orders := Tile{ID: "orders", Type: "number", SQL: "select count(*) as n from act_orders"}
		restricted := f.create(t, f.analyst, "Orders and members", orders, emails)
		open := f.create(t, f.analyst, "Members", emails)
		for _, u := range []*auth.User{f.viewer, f.hr, f.handle} {
			if err := f.s.Share(ctx, f.analyst, restricted.ID, u.Email, RoleViewer); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.Change(ctx, f.analyst, open.ID, Change{Published: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Change(ctx, f.analyst, restricted.ID, Change{Published: ptr(true)}); err != nil {
			t.Fatal(err)
		}

		raw := "member1@example.com"
		cases := []struct {
			who        *auth.User
			restricted bool   // may open the dashboard over the restricted table
			email      string // the first email as they see it: raw, or "hashed"
		}{
			{f.analyst, true, raw},        // the owner
			{f.hr, true, raw},             // shared, holds both grants and PII
			{f.handle, true, "hashed"},    // shared, holds the table grant but not PII
			{f.viewer, false, "hashed"},   // shared, but no grant for the restricted table
			{f.stranger, false, "hashed"}, // not shared; the dashboard is published
		}
		for _, c := range cases {
			t.Run(c.who.Email, func(t *testing.T) {
				_, err := f.s.Get(ctx, c.who, restricted.ID)
				if c.restricted != (err == nil) {
					t.Fatalf("open the restricted dashboard: %v", err)
				}
				if !c.restricted {
					wantCode(t, err, pier.ENotFound)
					_, _, err := f.s.TileData(ctx, c.who, restricted.ID, "orders", View{})
					wantCode(t, err, pier.ENotFound)
				}
				list, _ := f.s.List(ctx, c.who)
				if n := len(list); n != map[bool]int{true: 2, false: 1}[c.restricted] {
					t.Fatalf("lists %d dashboards", n)
				}
				got := f.tileRows(t, c.who, open, "emails", View{}).Result.Rows[0][1].(string)
				if (c.email == raw) != (got == raw) || strings.Contains(got, "@") != (c.email == raw) {
					t.Fatalf("email %q, want %s", got, c.email)
				}
			})
		}
		f.s.Change(ctx, f.analyst, open.ID, Change{Published: ptr(false)})
		_, err := f.s.Get(ctx, f.stranger, open.ID)
		wantCode(t, err, pier.ENotFound)
	})
}

func TestATileGivesTheSameRowsCachedOrStreamed(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	d := f.create(t, f.analyst, "Sales", datasetTile("by_status", ds, "bar"))
	f.s.Share(ctx, f.analyst, d.ID, f.viewer.Email, RoleViewer)
	first := f.tileRows(t, f.viewer, d, "by_status", View{})
	again := f.tileRows(t, f.viewer, d, "by_status", View{})
	if first.Hit || !again.Hit || string(first.Data) != string(again.Data) {
		t.Fatalf("hit %v then %v", first.Hit, again.Hit)
	}
	plan, err := f.s.PlanTile(ctx, f.viewer, d.ID, "by_status", View{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.engine.Query(ctx, plan.Principal, plan.Request)
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := query.CollectJSON(rows, query.MaxJSONRows)
	rows.Close()
	if err != nil || !sameRows(streamed.Rows, first.Result.Rows) {
		t.Fatalf("streamed %v, cached %v, %v", streamed.Rows, first.Result.Rows, err)
	}
	owner := f.tileRows(t, f.analyst, d, "by_status", View{})
	if !owner.Hit {
		t.Fatal("the owner, with the same access as the viewer, did not share the cached answer")
	}
}
