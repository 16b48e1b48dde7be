package query

import (
	"testing"
	"time"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestParseEveryReadsWhatPeopleWrite(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 0, "0": 0, "26h": 26 * time.Hour, "1d": 24 * time.Hour, " 2W ": 14 * 24 * time.Hour, "90m": 90 * time.Minute,
	} {
		got, err := ParseEvery(in)
		if err != nil || got != want {
			t.Errorf("ParseEvery(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, _ := ParseEvery(FormatEvery(got)); back != got {
			t.Errorf("FormatEvery(%v) = %q does not read back", got, FormatEvery(got))
		}
	}
	for _, bad := range []string{"soon", "-1d", "1y", "0d", "10s", "400d", "d"} {
		if _, err := ParseEvery(bad); err == nil {
			t.Errorf("ParseEvery(%q) accepted", bad)
		}
	}
}

func TestATableIsLateOnlyPastItsExpectation(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	daily := &Table{LatestPartition: "2026-11-30"} // data ends 2026-12-01 00:00
	file := &Table{Modified: now.Add(-3 * time.Hour)}
	for _, c := range []struct {
		t     *Table
		every time.Duration
		late  bool
	}{
		{daily, 26 * time.Hour, false},
		{daily, 11 * time.Hour, true},
		{daily, 0, false},
		{file, 4 * time.Hour, false},
		{file, 2 * time.Hour, true},
	} {
		if got := (Props{ExpectEvery: c.every}).Late(c.t, now); got != c.late {
			t.Errorf("%+v every %v: late %v, want %v", c.t, c.every, got, c.late)
		}
	}
}

// TestNotesExpectationsAndLateNoticesKeepOnBothStores: column notes merge
// (an empty one removes), the expectation round-trips, and a late spell is
// news once per newest data.
func TestNotesExpectationsAndLateNoticesKeepOnBothStores(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		ps := NewPropStore(db)
		day := 24 * time.Hour
		if err := ps.Set(ctx, "act_orders", PropChange{ExpectEvery: &day, Notes: map[string]string{"status": "Where it is", "dt": "Day"}}); err != nil {
			t.Fatal(err)
		}
		if err := ps.Set(ctx, "act_orders", PropChange{Notes: map[string]string{"dt": " "}}); err != nil {
			t.Fatal(err)
		}
		all, err := ps.All(ctx)
		if p := all["act_orders"]; err != nil || p.ExpectEvery != day || len(p.Notes) != 1 || p.Notes["status"] != "Where it is" {
			t.Fatalf("props %+v, %v", p, err)
		}
		asOf := time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)
		for i, want := range []bool{true, false, false} {
			if news, err := ps.NoteLate(ctx, "act_orders", asOf); err != nil || news != want {
				t.Errorf("notice %d: news %v (%v), want %v", i, news, err, want)
			}
		}
		if news, _ := ps.NoteLate(ctx, "act_orders", asOf.AddDate(0, 0, 1)); !news {
			t.Error("newer data that is late again is not news")
		}
	})
}
