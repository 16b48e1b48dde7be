package dashboard

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store/storetest"
)

// salesBoard is a dashboard of three tiles over orders, with a country
// pick-list and a date range.
func (f *fixture) salesBoard(t *testing.T) *Dashboard {
	t.Helper()
	ds := f.orders(t)
	byStatus := datasetTile("by_status", ds, "bar")
	daily := Tile{ID: "daily", Type: "line", Dataset: ds.ID, TimeColumn: "ordered_at", Grain: "day"}
	bySQL := Tile{ID: "sql_daily", Type: "line", TimeColumn: "day",
		SQL: "select date_trunc($grain, ordered_at)::date as day, count(*) as n from act_orders group by 1 order by 1"}
	d, err := f.s.Create(context.Background(), f.analyst, New{Title: "Sales", Doc: Doc{
		Tiles:   []Tile{byStatus, daily, bySQL, {ID: "note", Type: "markdown", Text: "Hello"}},
		Filters: []Filter{{ID: "country", Kind: "values", Column: "country"}, {ID: "period", Kind: "date_range"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func view(t *testing.T, q string) View {
	t.Helper()
	vals, _ := url.ParseQuery(q)
	v, err := ParseView(vals)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func total(rows [][]any) (sum float64) {
	for _, r := range rows {
		switch v := r[len(r)-1].(type) {
		case int64:
			sum += float64(v)
		case string: // decimals
			f, _ := strconv.ParseFloat(v, 64)
			sum += f
		}
	}
	return sum
}

func TestGrainAndFiltersChangeTheNumbers(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	d := f.salesBoard(t)
	rows := func(tile, q string) [][]any { return f.tileRows(t, f.analyst, d, tile, view(t, q)).Result.Rows }

	for _, tile := range []string{"daily", "sql_daily"} {
		days, weeks := rows(tile, ""), rows(tile, "grain=week")
		if len(days) != 3 || len(weeks) != 1 || total(days) != total(weeks) {
			t.Fatalf("%s: days %v, weeks %v", tile, days, weeks)
		}
		if one := rows(tile, "f.period=2026-01-02..2026-01-02"); len(one) != 1 || one[0][0] != "2026-01-02" {
			t.Fatalf("%s one day: %v", tile, one)
		}
	}
	all, korea := rows("by_status", ""), rows("by_status", "f.country=KR")
	if !(total(korea) > 0 && total(korea) < total(all)) {
		t.Fatalf("all %v, KR %v", total(all), total(korea))
	}
	if two := rows("by_status", "f.country=KR&f.country=JP"); !(total(two) > total(korea) && total(two) < total(all)) {
		t.Fatal("two countries do not add up between one and all")
	}
	if sqlAll, sqlKR := rows("sql_daily", ""), rows("sql_daily", "f.country=KR"); total(sqlAll) != total(sqlKR) {
		t.Fatal("a filter applied to a tile that has no such column")
	}

	paid := rows("by_status", "f.status=paid")
	if len(paid) != 1 || paid[0][0] != "paid" {
		t.Fatalf("clicking a bar (status=paid) filtered its own tile to %v", paid)
	}
	if dailyPaid := rows("daily", "f.status=paid"); total(dailyPaid) >= total(rows("daily", "")) {
		t.Fatal("clicking a bar did not filter the other tiles")
	}
}

func TestBadViewsAreRefusedInPlainWords(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	d := f.salesBoard(t)
	ctx := context.Background()
	for q, code := range map[string]string{
		"f.nope=1":                 pier.EInvalid,
		"f.period=last+week":       pier.EInvalid,
		"f.period=2026-13-01..":    pier.EInvalid,
		"f.period=..":              pier.EInvalid,
		"f.country=KR&f.period=x.": pier.EInvalid,
	} {
		_, _, err := f.s.TileData(ctx, f.analyst, d.ID, "daily", view(t, q))
		if pier.ErrorCode(err) != code {
			t.Errorf("%s: got %v, want %s", q, err, code)
		}
	}
	if _, err := ParseView(url.Values{"grain": {"fortnight"}}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("unknown grain: %v", err)
	}
	_, _, err := f.s.TileData(ctx, f.analyst, d.ID, "note", View{})
	wantCode(t, err, pier.EInvalid)
	_, _, err = f.s.TileData(ctx, f.analyst, d.ID, "nope", View{})
	wantCode(t, err, pier.ENotFound)
}

func TestFilterDefaultsApplyUntilTheViewSaysOtherwise(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	d := f.salesBoard(t)
	doc := d.Doc
	doc.Filters[0].Default = "KR"
	d, err := f.s.Save(ctx, f.analyst, d.ID, Save{Version: d.Version, Title: d.Title, Doc: doc})
	if err != nil {
		t.Fatal(err)
	}
	korea := f.tileRows(t, f.analyst, d, "by_status", View{}).Result.Rows
	japan := f.tileRows(t, f.analyst, d, "by_status", view(t, "f.country=JP")).Result.Rows
	if total(korea) == total(japan) {
		t.Fatal("the default and the chosen value gave the same numbers")
	}
}

func TestTilesAreDrawnAsTheirTypeAsks(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	good, bad := 100.0, 10.0
	d := f.create(t, f.analyst, "Kinds",
		Tile{ID: "trend", Type: "line", Dataset: ds.ID, TimeColumn: "dt", Dimensions: []string{"status"}},
		Tile{ID: "users", Type: "number", Dataset: ds.ID, TimeColumn: "dt", Measures: []Measure{{Agg: "count_distinct", Column: "member_id"}}},
		Tile{ID: "light", Type: "traffic_light", Dataset: ds.ID, Chart: Chart{Good: &good, Bad: &bad}},
		Tile{ID: "grid", Type: "heatmap", Dataset: ds.ID, Dimensions: []string{"country", "status"}},
		Tile{ID: "words", Type: "word_cloud", Dataset: ds.ID, Dimensions: []string{"country"}},
		Tile{ID: "rows", Type: "table", SQL: "select * from act_orders"})
	draw := func(tile string) *TileView {
		tv, err := f.s.DrawTile(ctx, f.analyst, d.ID, tile, View{})
		if err != nil {
			t.Fatalf("%s: %v", tile, err)
		}
		return tv
	}
	if tv := draw("trend"); tv.Drawing.X != "dt" || tv.Drawing.Series != "status" {
		t.Errorf("a time series by status is drawn as %+v", tv.Drawing.Spec)
	}
	if n := draw("users").Drawing.Number; n == nil || n.Period != "2026-01-03" || n.Previous == nil {
		t.Errorf("big number %+v", n)
	}
	if l := draw("light").Drawing.Light; l == nil || l.State != "good" {
		t.Errorf("traffic light %+v", l)
	}
	if h := draw("grid").Drawing; h.X != "country" || h.Series != "status" || h.Option == nil {
		t.Errorf("heatmap %+v", h.Spec)
	}
	if w := draw("words").Drawing.Words; len(w) == 0 {
		t.Error("the word cloud has no words")
	}
	if tv := draw("rows"); tv.Drawing != nil || len(tv.Rows) != tableRows || !tv.Truncated || tv.RowCount != 1000 {
		t.Errorf("table: %d rows of %d, truncated %v", len(tv.Rows), tv.RowCount, tv.Truncated)
	}
}

func TestAFormsDateRangeReadsLikeOneValue(t *testing.T) {
	v := view(t, "f.period.from=2026-01-02&f.period.to=&f.country=KR")
	if got := v.Values["period"]; len(got) != 1 || got[0] != "2026-01-02.." || v.Values["country"][0] != "KR" {
		t.Fatalf("%v", v.Values)
	}
	if v := view(t, "f.period.from=&f.period.to="); len(v.Values) != 0 {
		t.Fatalf("an empty range is a filter: %v", v.Values)
	}
}

func TestPickListsOfferTheValuesInTheData(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	d := f.salesBoard(t)
	got, err := f.s.FilterValues(context.Background(), f.analyst, d.ID, "country")
	want := f.direct(t, "select distinct country from obj_members where country is not null order by 1")
	if err != nil || len(got) != len(want) || got[0] != want[0][0] {
		t.Fatalf("values %v, want %v (%v)", got, want, err)
	}
	_, err = f.s.FilterValues(context.Background(), f.analyst, d.ID, "period")
	wantCode(t, err, pier.ENotFound)
}
