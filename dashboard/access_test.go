package dashboard

import (
	"context"
	"errors"
	"slices"
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
			restricted bool   // may see the tile over the restricted table
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
				// Everyone it is shared or published to may open it; the
				// tile over the table they may not read is locked, in words.
				if _, err := f.s.Get(ctx, c.who, restricted.ID); err != nil {
					t.Fatalf("open the dashboard: %v", err)
				}
				_, _, err := f.s.TileData(ctx, c.who, restricted.ID, "orders", View{})
				if c.restricted != (err == nil) {
					t.Fatalf("the tile over the restricted table: %v", err)
				}
				var locked *LockedTile
				if !c.restricted {
					wantCode(t, err, pier.EForbidden)
					if !errors.As(err, &locked) || !locked.ViewerLacks || locked.OwnerLacks || !locked.MayRequest() ||
						!slices.Equal(locked.Tables, []string{"act_orders"}) || !strings.Contains(err.Error(), "act_orders, which is restricted, and you have no access") {
						t.Fatalf("locked tile: %+v: %v", locked, err)
					}
				}
				list, _ := f.s.List(ctx, c.who)
				if len(list) != 2 {
					t.Fatalf("lists %d dashboards", len(list))
				}
				for _, d := range list {
					if d.Locked != (d.ID == restricted.ID && !c.restricted) {
						t.Errorf("%s listed locked %v", d.Title, d.Locked)
					}
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

// A table restricted after the dashboard was made: tiles run with the
// owner's access, so when the owner lacks it the tile says so, to the
// owner and to a viewer who holds the grant, and only the owner is
// offered the access request. Its filter values stay as secret as its rows.
func TestATableRestrictedLaterLocksTilesInWords(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		orders := Tile{ID: "orders", Type: "table", SQL: "select status, count(*) as n from act_orders group by status"}
		members := Tile{ID: "members", Type: "number", SQL: "select count(*) as n from obj_members"}
		d := f.create(t, f.analyst, "Orders", orders, members)
		d, err := f.s.AddFilter(ctx, f.analyst, d.ID, Filter{Label: "Status", Column: "status", Kind: "values"})
		if err != nil {
			t.Fatal(err)
		}
		f.s.Share(ctx, f.analyst, d.ID, f.hr.Email, RoleViewer)
		f.s.Share(ctx, f.analyst, d.ID, f.viewer.Email, RoleViewer)
		f.restrict(t, "act_orders")
		f.grant(t, f.hr, "act_orders", false)

		_, _, err = f.s.TileData(ctx, f.analyst, d.ID, "orders", View{})
		var locked *LockedTile
		if !errors.As(err, &locked) || !locked.IsOwner || !locked.MayRequest() || !strings.Contains(err.Error(), "nobody sees this tile until you are granted it") {
			t.Fatalf("the owner's tile: %+v: %v", locked, err)
		}
		_, _, err = f.s.TileData(ctx, f.hr, d.ID, "orders", View{})
		if !errors.As(err, &locked) || locked.ViewerLacks || !locked.OwnerLacks || locked.MayRequest() ||
			!strings.Contains(err.Error(), "access of the dashboard's owner, "+f.analyst.Email+", who has no access") {
			t.Fatalf("a viewer with the grant: %+v: %v", locked, err)
		}
		// Lacking it as well as the owner, a viewer is still offered the
		// request: they need the grant either way.
		_, _, err = f.s.TileData(ctx, f.viewer, d.ID, "orders", View{})
		if !errors.As(err, &locked) || !locked.ViewerLacks || !locked.OwnerLacks || !locked.MayRequest() ||
			!strings.Contains(err.Error(), "neither you nor the dashboard's owner") {
			t.Fatalf("a viewer without the grant, like the owner: %+v: %v", locked, err)
		}
		f.tileRows(t, f.hr, d, "members", View{}) // the other tile still answers
		values, err := f.s.FilterValues(ctx, f.hr, d.ID, d.Doc.Filters[0].ID)
		if err != nil || len(values) != 0 {
			t.Fatalf("filter values from a locked tile: %v %v", values, err)
		}
		f.grant(t, f.analyst, "act_orders", false)
		if res := f.tileRows(t, f.hr, d, "orders", View{}); len(res.Result.Rows) == 0 {
			t.Fatal("granting the owner did not mend the tile")
		}
		if values, err := f.s.FilterValues(ctx, f.hr, d.ID, d.Doc.Filters[0].ID); err != nil || len(values) == 0 {
			t.Fatalf("filter values once mended: %v %v", values, err)
		}
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

// What a person may not see of a locked tile stays out of the dashboard
// they open: its SQL, columns and filter values. An editor who saves the
// dashboard moves and renames it without changing what it reads; a copy
// leaves it out; a failed refresh's message, which can quote data, is for
// the owner and the data team.
func TestALockedTilesDefinitionStaysHidden(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		secret := Tile{ID: "secret", Title: "Refunds", Type: "table", SQL: "select order_id, total from act_orders where status = 'refunded'"}
		open := Tile{ID: "open", Title: "Members", Type: "number", SQL: "select count(*) as n from obj_members"}
		d := f.create(t, f.analyst, "Orders", secret, open)
		f.s.Share(ctx, f.analyst, d.ID, f.handle.Email, RoleEditor)
		f.restrict(t, "act_orders")
		f.grant(t, f.analyst, "act_orders", false)
		db.ExecContext(ctx, `UPDATE dashboards SET last_refresh_error = 'Tile 1: could not convert refunded' WHERE id = $1`, d.ID)

		seen, err := f.s.Get(ctx, f.handle, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := seen.Tile("secret")
		if !got.Locked || got.SQL != "" || got.Title != "Refunds" || len(seen.Meta["secret"].Columns) != 0 {
			t.Fatalf("the editor without the grant sees %+v, columns %v", got, seen.Meta["secret"].Columns)
		}
		if seen.LastRefreshError != "" {
			t.Fatalf("the refresh problem shown to an editor: %q", seen.LastRefreshError)
		}
		if !slices.Equal(seen.Tables, []string{"obj_members"}) {
			t.Fatalf("the editor is told the dashboard reads %v (its data-as-of follows them)", seen.Tables)
		}
		// Filtering the open tile by a column only the locked tile has
		// answers as for a column no tile has.
		_, _, onLocked := f.s.TileData(ctx, f.handle, d.ID, "open", View{Values: map[string][]string{"order_id": {"1"}}})
		_, _, onNone := f.s.TileData(ctx, f.handle, d.ID, "open", View{Values: map[string][]string{"no_such": {"1"}}})
		if pier.ErrorCode(onLocked) != pier.ErrorCode(onNone) || pier.ErrorCode(onNone) != pier.EInvalid {
			t.Fatalf("a locked tile's column: %v; no tile's column: %v", onLocked, onNone)
		}
		if own, _ := f.s.Get(ctx, f.analyst, d.ID); own.LastRefreshError == "" {
			t.Fatal("the owner is not told the refresh failed")
		}
		// The editor saves what their page had: the locked tile moved and renamed.
		tiles := slices.Clone(seen.Doc.Tiles)
		tiles[0].Title, tiles[0].Layout.Y = "Refunds, moved", 8
		saved, err := f.s.Save(ctx, f.handle, d.ID, Save{Version: seen.Version, Title: seen.Title, Doc: Doc{Tiles: tiles}})
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := f.s.Get(ctx, f.analyst, d.ID)
		kept, _ := stored.Tile("secret")
		if kept.SQL != secret.SQL || kept.Title != "Refunds, moved" || kept.Layout.Y != 8 || kept.Locked {
			t.Fatalf("after the editor's save the owner has %+v", kept)
		}
		if rows := f.tileRows(t, f.analyst, saved, "secret", View{}); len(rows.Result.Rows) == 0 {
			t.Fatal("the owner's tile no longer answers")
		}
		cp, err := f.s.Duplicate(ctx, f.handle, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cp.Doc.Tiles) != 1 || cp.Doc.Tiles[0].ID != "open" {
			t.Fatalf("the editor's copy holds %+v", cp.Doc.Tiles)
		}
	})
}
