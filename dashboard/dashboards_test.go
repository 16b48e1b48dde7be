package dashboard

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func datasetTile(id string, ds *Dataset, typ chart.Kind) Tile {
	return Tile{ID: id, Title: id, Type: typ, Dataset: ds.ID, Measures: []Measure{{Agg: "sum", Column: "total"}}, Dimensions: []string{"status"}}
}

func (f *fixture) create(t *testing.T, who *auth.User, title string, tiles ...Tile) *Dashboard {
	t.Helper()
	d, err := f.s.Create(context.Background(), who, New{Title: title, Doc: Doc{Tiles: tiles}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHandleTierBuildsFromDatasetsAndAnalystsAddSQL(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		d := f.create(t, f.handle, "Sales", datasetTile("by_status", ds, "bar"), Tile{Type: "markdown", Text: "Read me"})
		if d.Owner != f.handle.Email || d.Version != 1 || len(d.Doc.Tiles) != 2 || d.Role != RoleOwner {
			t.Fatalf("%+v", d)
		}
		sqlTile := Tile{ID: "raw", Type: "table", SQL: "select * from obj_brands"}
		_, err := f.s.Create(ctx, f.handle, New{Title: "Mine", Doc: Doc{Tiles: []Tile{sqlTile}}})
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.Create(ctx, f.viewer, New{Title: "Mine", Doc: Doc{Tiles: []Tile{datasetTile("a", ds, "bar")}}})
		wantCode(t, err, pier.EForbidden)

		a := f.create(t, f.analyst, "Brands", sqlTile)
		if err := f.s.Share(ctx, f.analyst, a.ID, f.handle.Email, RoleEditor); err != nil {
			t.Fatal(err)
		}
		doc := a.Doc
		doc.Tiles = append(doc.Tiles, datasetTile("mine", ds, "pie"))
		saved, err := f.s.Save(ctx, f.handle, a.ID, Save{Version: 1, Title: "Brands and orders", Doc: doc})
		if err != nil {
			t.Fatalf("an editor of the handle tier adding a dataset tile beside unchanged SQL: %v", err)
		}
		doc = saved.Doc
		doc.Tiles[0].SQL = "select * from obj_members"
		_, err = f.s.Save(ctx, f.handle, a.ID, Save{Version: saved.Version, Title: saved.Title, Doc: doc})
		wantCode(t, err, pier.EForbidden)
	})
}

func TestStaleSavesAreRefusedAndNothingIsLost(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		d := f.create(t, f.analyst, "Sales", datasetTile("a", ds, "bar"))
		first, err := f.s.Save(ctx, f.analyst, d.ID, Save{Version: 1, Title: "First", Doc: d.Doc})
		if err != nil || first.Version != 2 {
			t.Fatalf("%+v, %v", first, err)
		}
		_, err = f.s.Save(ctx, f.analyst, d.ID, Save{Version: 1, Title: "Second", Doc: Doc{}})
		wantCode(t, err, pier.EConflict)
		now, _ := f.s.Get(ctx, f.analyst, d.ID)
		if now.Title != "First" || len(now.Doc.Tiles) != 1 || now.Version != 2 {
			t.Fatalf("after a stale save: %+v", now)
		}
	})
}

func TestBadTilesAreRefusedInPlainWords(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ds := f.orders(t)
	bad := map[string]Tile{
		"unknown type":          {Type: "gauge", Dataset: ds.ID},
		"two sources":           {Type: "bar", Dataset: ds.ID, SQL: "select 1"},
		"no source":             {Type: "bar"},
		"unknown dataset":       {Type: "bar", Dataset: "nope"},
		"unknown column":        {Type: "bar", Dataset: ds.ID, Dimensions: []string{"nope"}},
		"sql with other inputs": {Type: "table", SQL: "select * from obj_brands where brand_id = $brand"},
		"sql error":             {Type: "table", SQL: "select nope from obj_brands"},
		"sql reading a file":    {Type: "table", SQL: "select * from read_text('/etc/passwd')"},
		"light without bounds":  {Type: "traffic_light", Dataset: ds.ID},
		"off the grid":          {Type: "bar", Dataset: ds.ID, Layout: Layout{X: 10, W: 4, H: 2}},
		"bad id":                {ID: "../x", Type: "bar", Dataset: ds.ID},
		"text with sql":         {Type: "markdown", SQL: "select 1"},
	}
	for name, tile := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := f.s.Create(context.Background(), f.analyst, New{Title: "x", Doc: Doc{Tiles: []Tile{tile}}})
			code := pier.ErrorCode(err)
			if code != pier.EInvalid && code != pier.ESQL && code != pier.ENotFound {
				t.Fatalf("got %v, want a plain error", err)
			}
		})
	}
	_, err := f.s.Create(context.Background(), f.analyst, New{Title: "x", Doc: Doc{Filters: []Filter{{ID: "when", Kind: "date_range", Default: "yesterday"}}}})
	wantCode(t, err, pier.EInvalid)
	if list, _ := f.s.List(context.Background(), f.analyst); len(list) != 0 {
		t.Fatal("a refused dashboard was saved")
	}
}

func TestTilesWithoutAPlaceGetFreeOnes(t *testing.T) {
	tiles := []Tile{{Type: "bar"}, {Type: "number"}, {Type: "line", Layout: Layout{X: 0, Y: 0, W: 6, H: 5}}, {Type: "markdown"}, {Type: "number"}}
	placeTiles(tiles)
	for i, a := range tiles {
		if a.Layout.W == 0 || a.Layout.X+a.Layout.W > gridWidth {
			t.Fatalf("tile %d: %+v", i, a.Layout)
		}
		for j, b := range tiles[:i] {
			if overlap(a.Layout, b.Layout) {
				t.Fatalf("tiles %d and %d overlap: %+v %+v", j, i, b.Layout, a.Layout)
			}
		}
	}
}

func overlap(a, b Layout) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func TestDuplicatesBelongToWhoeverCopies(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		d := f.create(t, f.analyst, "Sales", datasetTile("a", ds, "bar"), Tile{ID: "b", Type: "table", SQL: "select * from obj_brands"})
		_, err := f.s.Duplicate(ctx, f.handle, d.ID)
		wantCode(t, err, pier.ENotFound)
		f.s.Share(ctx, f.analyst, d.ID, f.handle.Email, RoleViewer)
		cp, err := f.s.Duplicate(ctx, f.handle, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cp.ID == d.ID || cp.Owner != f.handle.Email || cp.Title != "Copy of Sales" || len(cp.Doc.Tiles) != 2 || cp.Role != RoleOwner {
			t.Fatalf("copy %+v", cp)
		}
		if _, err := f.s.Duplicate(ctx, f.viewer, d.ID); pier.ErrorCode(err) != pier.EForbidden {
			t.Fatalf("a viewer duplicated: %v", err)
		}
	})
}

func TestSharingAndStanding(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		d := f.create(t, f.handle, "Sales", datasetTile("a", ds, "bar"))
		wantCode(t, f.s.Share(ctx, f.handle, d.ID, f.viewer.Email, RoleEditor), pier.EInvalid)
		wantCode(t, f.s.Share(ctx, f.handle, d.ID, "nobody@example.com", RoleViewer), pier.EInvalid) // the form is at fault, not the dashboard
		if err := f.s.Share(ctx, f.handle, d.ID, f.viewer.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.Share(ctx, f.viewer, d.ID, f.stranger.Email, RoleViewer), pier.EForbidden)
		_, err := f.s.Save(ctx, f.viewer, d.ID, Save{Version: 1, Title: "x"})
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.Change(ctx, f.handle, d.ID, Change{Published: ptr(true)})
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.Change(ctx, f.handle, d.ID, Change{Certified: ptr(true)})
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.Change(ctx, f.handle, d.ID, Change{RefreshMinutes: ptr(1)})
		wantCode(t, err, pier.EInvalid)
		got, err := f.s.Change(ctx, f.data, d.ID, Change{Certified: ptr(true)})
		wantCode(t, err, pier.ENotFound) // the data team sees only what is shared with them
		f.s.Share(ctx, f.handle, d.ID, f.data.Email, RoleViewer)
		if got, err = f.s.Change(ctx, f.data, d.ID, Change{Certified: ptr(true)}); err != nil || !got.Certified {
			t.Fatalf("certify: %+v, %v", got, err)
		}
		if got, err = f.s.Change(ctx, f.handle, d.ID, Change{RefreshMinutes: ptr(60)}); err != nil || got.RefreshMinutes != 60 {
			t.Fatalf("schedule: %+v, %v", got, err)
		}
		wantCode(t, f.s.Archive(ctx, f.viewer, d.ID), pier.EForbidden)
		if err := f.s.Archive(ctx, f.handle, d.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.Get(ctx, f.viewer, d.ID)
		wantCode(t, err, pier.ENotFound)
	})
}

func TestFiltersAreAddedAndRemovedByEditors(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	d := f.create(t, f.handle, "Sales", datasetTile("a", ds, "bar"))
	d, err := f.s.AddFilter(ctx, f.handle, d.ID, Filter{Label: "Order status", Kind: "values", Column: "status"})
	if err != nil || len(d.Doc.Filters) != 1 || d.Doc.Filters[0].ID != "order_status" {
		t.Fatalf("%+v, %v", d, err)
	}
	d, err = f.s.AddFilter(ctx, f.handle, d.ID, Filter{Label: "Order status", Kind: "date_range"})
	if err != nil || d.Doc.Filters[1].ID != "order_status_2" {
		t.Fatalf("a second filter of the same label: %+v, %v", d.Doc.Filters, err)
	}
	_, err = f.s.AddFilter(ctx, f.handle, d.ID, Filter{Label: "x", Kind: "values"})
	wantCode(t, err, pier.EInvalid)
	f.s.Share(ctx, f.handle, d.ID, f.viewer.Email, RoleViewer)
	_, err = f.s.RemoveFilter(ctx, f.viewer, d.ID, "order_status")
	wantCode(t, err, pier.EForbidden)
	d, err = f.s.RemoveFilter(ctx, f.handle, d.ID, "order_status")
	if err != nil || len(d.Doc.Filters) != 1 || d.Doc.Filters[0].ID != "order_status_2" {
		t.Fatalf("after removing: %+v, %v", d.Doc.Filters, err)
	}
}
