package dashboard

import (
	"fmt"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestTheGlossaryTellsWhichMeasureIsRight: only certified datasets'
// measures are listed, with their definition, how they are added up (set,
// or as dashboards add them up), their unit, and the dashboards that chart
// them among those the reader may open; the owner and the data team may
// define them, others may not.
func TestTheGlossaryTellsWhichMeasureIsRight(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		ds := f.orders(t)
		private := f.create(t, f.analyst, "Private", Tile{ID: "v", Type: "bar", Dataset: ds.ID, Measures: []Measure{{Agg: "avg", Column: "total"}}, Dimensions: []string{"status"}})
		if list, _ := f.s.Glossary(ctx, f.viewer); len(list) != 0 {
			t.Fatalf("an uncertified dataset's measures are listed: %+v", list)
		}
		certified, won := true, chart.Format{Kind: "currency", Currency: "KRW"}
		if _, err := f.s.ChangeDataset(ctx, f.data, ds.ID, DatasetChange{Certified: &certified,
			Columns: map[string]ColumnChange{"total": {Label: ptr("Revenue"), Definition: ptr("What members paid, after discounts, before refunds."), Format: &won}}}); err != nil {
			t.Fatal(err)
		}
		list, err := f.s.Glossary(ctx, f.analyst)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]Metric{}
		for _, m := range list {
			byName[m.Name] = m
		}
		rev := byName["Revenue"]
		if rev.Expression != `avg("total")` || rev.Unit != "KRW" || rev.Owner != f.analyst.Email || !rev.MayEdit ||
			fmt.Sprint(rev.Dashboards) != fmt.Sprint([]Use{{private.ID, "Private"}}) || rev.Definition == "" {
			t.Errorf("Revenue for its owner: %+v", rev)
		}
		if _, ok := byName["Order ID"]; ok {
			t.Error("an identifier is listed as a metric")
		}
		if _, err := f.s.ChangeDataset(ctx, f.analyst, ds.ID, DatasetChange{Columns: map[string]ColumnChange{"total": {Agg: ptr("sum")}}}); err != nil {
			t.Fatal(err)
		}
		list, _ = f.s.Glossary(ctx, f.viewer)
		for _, m := range list {
			if m.Name == "Revenue" && (m.Expression != `sum("total")` || len(m.Dashboards) != 0 || m.MayEdit) {
				t.Errorf("Revenue for a viewer: %+v (the private dashboard hidden, not theirs to define)", m)
			}
		}
		if _, err := f.s.ChangeDataset(ctx, f.handle, ds.ID, DatasetChange{Columns: map[string]ColumnChange{"total": {Definition: ptr("mine")}}}); pier.ErrorCode(err) != pier.EForbidden {
			t.Errorf("someone else defines it: %v", err)
		}
		if _, err := f.s.ChangeDataset(ctx, f.analyst, ds.ID, DatasetChange{Columns: map[string]ColumnChange{"total": {Agg: ptr("median")}}}); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("an unknown aggregation: %v", err)
		}
		restricted := true
		if err := f.props.Set(ctx, "act_orders", query.PropChange{Restricted: &restricted}); err != nil {
			t.Fatal(err)
		}
		list, _ = f.s.Glossary(ctx, f.viewer)
		if len(list) != 1 || list[0].Name != "Revenue" || !list[0].Restricted || list[0].Expression != "" || list[0].Column != "" || list[0].Dataset != "" {
			t.Errorf("on a table restricted to the reader, only the labelled measure by label and definition: %+v", list)
		}
	})
}
