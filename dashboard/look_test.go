package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestTilesReadInTheDatasetsWords: a dataset's column labels and formats
// name a tile's axes and say how its numbers read; a count is a count.
func TestTilesReadInTheDatasetsWords(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	won := chart.Format{Kind: "currency", Currency: "KRW"}
	_, err := f.s.ChangeDataset(ctx, f.analyst, ds.ID, DatasetChange{Columns: map[string]ColumnChange{
		"total": {Label: ptr("Order value"), Format: &won}}})
	if err != nil {
		t.Fatal(err)
	}
	d := f.create(t, f.analyst, "Sales",
		Tile{ID: "value", Type: "bar", Dataset: ds.ID, Measures: []Measure{{Agg: "sum", Column: "total"}}, Dimensions: []string{"status"}},
		Tile{ID: "members", Type: "line", Dataset: ds.ID, Measures: []Measure{{Agg: "count_distinct", Column: "member_id"}}, TimeColumn: "dt"},
		Tile{ID: "named", Type: "bar", Dataset: ds.ID, Measures: []Measure{{Agg: "avg", Column: "total"}}, Dimensions: []string{"status"},
			Chart: Chart{Labels: map[string]string{"avg of total": "Basket"}}})
	value, err := f.s.DrawTile(ctx, f.analyst, d.ID, "value", View{})
	if err != nil {
		t.Fatal(err)
	}
	if l := value.Drawing.Labels; l["sum of total"] != "Order value" || l["status"] != "Status" {
		t.Errorf("labels %v", l)
	}
	if got := value.Drawing.Formats["sum of total"]; got.Currency != "KRW" {
		t.Errorf("the sum of a won column reads as %+v", got)
	}
	members, _ := f.s.DrawTile(ctx, f.analyst, d.ID, "members", View{})
	if l := members.Drawing.Labels; l["distinct member_id"] != "Distinct member ID" || l["dt"] != "Day" {
		t.Errorf("labels %v", l)
	}
	weekly, _ := f.s.DrawTile(ctx, f.analyst, d.ID, "members", View{Grain: "week"})
	if l := weekly.Drawing.Labels["dt"]; l != "Week" {
		t.Errorf("at week grain the time axis reads %q", l)
	}
	if len(members.Drawing.Formats) != 0 {
		t.Errorf("a count took a format: %v", members.Drawing.Formats)
	}
	named, _ := f.s.DrawTile(ctx, f.analyst, d.ID, "named", View{})
	if named.Drawing.Labels["avg of total"] != "Basket" || named.Drawing.Formats["avg of total"].Currency != "KRW" {
		t.Errorf("the tile's own label: %v %v", named.Drawing.Labels, named.Drawing.Formats)
	}

	for name, ch := range map[string]ColumnChange{
		"nope":  {Label: ptr("x")},
		"total": {Format: &chart.Format{Kind: "currency", Currency: "won"}},
	} {
		_, err := f.s.ChangeDataset(ctx, f.analyst, ds.ID, DatasetChange{Columns: map[string]ColumnChange{name: ch}})
		wantCode(t, err, pier.EInvalid)
	}
	_, err = f.s.ChangeDataset(ctx, f.handle, ds.ID, DatasetChange{Columns: map[string]ColumnChange{"total": {Label: ptr("Mine")}}})
	wantCode(t, err, pier.EForbidden)
	again, _ := f.s.Dataset(ctx, f.analyst, ds.ID)
	if again.Columns[again.columnIndex("total")].Label != "Order value" {
		t.Error("a refused change changed the label")
	}
}

// TestALatestWeekThatIsNotOverIsMarked: the demo data runs Thursday to
// Saturday, so its one week is partial, and says so at week grain only.
func TestALatestWeekThatIsNotOverIsMarked(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	d := f.create(t, f.analyst, "Sales", Tile{ID: "n", Type: "number", Dataset: ds.ID, TimeColumn: "dt"})
	week, err := f.s.DrawTile(ctx, f.analyst, d.ID, "n", View{Grain: "week"})
	if err != nil {
		t.Fatal(err)
	}
	n := week.Drawing.Number
	if n.Partial == nil || n.Partial.Period != "2025-12-29" || n.Partial.Days != 3 || n.Partial.Of != 7 || n.Period != n.Partial.Period {
		t.Fatalf("the week of 29 December holds 3 days of data: %+v %+v", n, n.Partial)
	}
	day, _ := f.s.DrawTile(ctx, f.analyst, d.ID, "n", View{})
	if day.Drawing.Number.Partial != nil || day.Drawing.Number.Change == nil {
		t.Fatalf("by day, the last day is compared with the one before: %+v", day.Drawing.Number)
	}
}

func TestKoreanLabelsStayWhole(t *testing.T) {
	ds := &Dataset{Columns: []Column{{Name: "sales", Label: "매출"}, {Name: "total", Label: "Order value"}}}
	for m, want := range map[Measure]string{
		{Agg: "avg", Column: "sales"}:            "Average 매출",
		{Agg: "count_distinct", Column: "sales"}: "Distinct 매출",
		{Agg: "max", Column: "total"}:            "Highest order value",
		{Agg: "sum", Column: "sales"}:            "매출",
	} {
		if got := m.display(ds); got != want {
			t.Errorf("%v reads %q, want %q", m, got, want)
		}
	}
}

// TestEveryChartTypeOfTheExplorerDrawsOrSaysWhy: the explorer's picks of
// a time column and a group-by draw as each chart type can, and a pick a
// type cannot show is refused naming the pick, not a control the
// explorer does not have.
func TestEveryChartTypeOfTheExplorerDrawsOrSaysWhy(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	ds := f.orders(t)
	picks := Exploration{TimeColumn: "dt", Grain: "day", Dimensions: []string{"status"}, Measures: []Measure{{Agg: "count"}}}
	for _, typ := range append(slices.Clone(chart.Types), chart.TileTypes...) {
		_, tv, err := f.s.ExploreView(ctx, f.analyst, ds.ID, picks, typ, Chart{Good: ptr(1.0), Bad: ptr(0.0)})
		switch typ {
		case chart.KindNumber, chart.KindTrafficLight:
			if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(pier.ErrorMessage(err), "cannot be grouped by status") {
				t.Errorf("%s grouped by status: %v", typ, err)
			}
		case chart.KindScatter:
			if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(pier.ErrorMessage(err), "two measures") {
				t.Errorf("a scatter of one measure: %v", err)
			}
		default:
			if err != nil || tv.Drawing == nil {
				t.Errorf("%s of count by day and status: %v", typ, err)
			}
		}
	}
	_, pie, _ := f.s.ExploreView(ctx, f.analyst, ds.ID, picks, chart.KindPie, Chart{})
	if pie.Drawing.X != "status" || pie.Drawing.Series != "" {
		t.Errorf("a pie over time and status slices by %q, series %q", pie.Drawing.X, pie.Drawing.Series)
	}
	two := picks
	two.Measures = []Measure{{Agg: "count"}, {Agg: "sum", Column: "total"}}
	_, sc, err := f.s.ExploreView(ctx, f.analyst, ds.ID, two, chart.KindScatter, Chart{})
	if err != nil || sc.Drawing.X != "count" || sc.Drawing.Series != "status" {
		t.Errorf("a scatter of two measures: %+v %v", sc, err)
	}
}

func TestAWeeklyChartNamesItsPartialWeek(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ds := f.orders(t)
	d := f.create(t, f.analyst, "Sales", Tile{ID: "l", Type: "line", Dataset: ds.ID, TimeColumn: "dt"})
	tv, err := f.s.DrawTile(context.Background(), f.analyst, d.ID, "l", View{Grain: "week"})
	if err != nil {
		t.Fatal(err)
	}
	if axis := fmt.Sprint(tv.Drawing.Option["xAxis"]); !strings.Contains(axis, "2025-12-29 (3 of 7 days)") {
		t.Errorf("the week axis reads %s", axis)
	}
}
