package dashboard

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestAViewCountsOncePerPersonAndDay(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.create(t, f.analyst, "Sales", datasetTile("a", f.orders(t), "bar"))
		if err := f.s.Share(ctx, f.analyst, d.ID, f.handle.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		monday := time.Date(2026, 3, 2, 9, 0, 0, 0, time.Local)
		var wg sync.WaitGroup
		counted := make(chan bool, 10)
		for i := range 10 { // ten reloads at once count once
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := f.s.RecordView(ctx, f.handle, d.ID, monday.Add(time.Duration(i)*time.Minute))
				if err != nil {
					t.Error(err)
				}
				counted <- ok
			}()
		}
		wg.Wait()
		close(counted)
		n := 0
		for ok := range counted {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d of ten views on one morning counted", n)
		}
		f.s.RecordView(ctx, f.viewer, d.ID, monday)
		f.s.RecordView(ctx, f.handle, d.ID, monday.Add(24*time.Hour))
		got, _ := f.s.Get(ctx, f.analyst, d.ID)
		if got.Views != 3 {
			t.Errorf("views %d, want 3: two people on Monday and one again on Tuesday", got.Views)
		}
		list, _ := f.s.List(ctx, f.handle)
		if len(list) != 1 || !list[0].LastViewed.Equal(monday.Add(24*time.Hour)) {
			t.Errorf("the list says the handle user last viewed it at %v", list[0].LastViewed)
		}
	})
}

func TestAPersonPinsOnlyWhatTheyMayOpen(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		d := f.create(t, f.analyst, "Sales", datasetTile("a", f.orders(t), "bar"))
		wantCode(t, f.s.Pin(ctx, f.viewer, d.ID, true), pier.ENotFound)
		if err := f.s.Share(ctx, f.analyst, d.ID, f.viewer.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		for range 2 { // pinning twice is pinning
			if err := f.s.Pin(ctx, f.viewer, d.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		mine, _ := f.s.List(ctx, f.viewer)
		theirs, _ := f.s.List(ctx, f.analyst)
		if !mine[0].Pinned || theirs[0].Pinned {
			t.Fatalf("pinned for the viewer %v, for the owner %v", mine[0].Pinned, theirs[0].Pinned)
		}
		if err := f.s.Pin(ctx, f.viewer, d.ID, false); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.s.Pinned(ctx, f.viewer, d.ID); p {
			t.Fatal("still pinned after unpinning")
		}
	})
}
