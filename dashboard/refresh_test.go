package dashboard

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestScheduledRefreshesRunOnceAndSayWhenTheyFail(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		f.grant(t, f.analyst, "obj_brands", false)
		d := f.create(t, f.analyst, "Sales", datasetTile("a", ds, "bar"), Tile{ID: "brands", Type: "table", SQL: "select * from obj_brands"})
		if _, err := f.s.Change(ctx, f.analyst, d.ID, Change{RefreshMinutes: ptr(60)}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if n, err := f.s.RefreshDue(ctx, now); err != nil || n != 0 {
			t.Fatalf("a dashboard not yet due was refreshed: %d, %v", n, err)
		}
		later := now.Add(61 * time.Minute)
		if n, err := f.s.RefreshDue(ctx, later); err != nil || n != 1 {
			t.Fatalf("refresh: %d, %v", n, err)
		}
		if n, _ := f.s.RefreshDue(ctx, later); n != 0 {
			t.Fatal("a refreshed dashboard was refreshed again at once")
		}
		got, _ := f.s.Get(ctx, f.analyst, d.ID)
		if got.LastRefreshAt.IsZero() || got.LastRefreshError != "" {
			t.Fatalf("after a good refresh: %v %q", got.LastRefreshAt, got.LastRefreshError)
		}
		if _, res, _ := f.s.TileData(ctx, f.viewer, d.ID, "a", View{}); res != nil {
			t.Fatal("a stranger read a tile")
		}
		f.s.Share(ctx, f.analyst, d.ID, f.viewer.Email, RoleViewer)
		if _, res, err := f.s.TileData(ctx, f.viewer, d.ID, "a", View{}); err != nil || !res.Hit {
			t.Fatalf("the refresh did not fill the cache for viewers: %v", err)
		}

		f.restrict(t, "obj_brands")
		f.db.ExecContext(ctx, `DELETE FROM grants`)
		if n, err := f.s.RefreshDue(ctx, later.Add(61*time.Minute)); err != nil || n != 1 {
			t.Fatalf("second refresh: %d, %v", n, err)
		}
		got, _ = f.s.Get(ctx, f.analyst, d.ID)
		if !strings.HasPrefix(got.LastRefreshError, "Tile 2:") {
			t.Fatalf("a failed refresh says %q", got.LastRefreshError)
		}
	})
}
