package chart

import (
	"encoding/json"
	"testing"
)

func TestColumnsReadAsWords(t *testing.T) {
	for name, want := range map[string]string{"member_id": "Member ID", "dt": "Date", "sum of total": "Sum of total",
		"distinct member_id": "Distinct member ID", "매출": "매출", "page_url": "Page URL", "count": "Count"} {
		if got := Humanize(name); got != want {
			t.Errorf("Humanize(%q) = %q, want %q", name, got, want)
		}
	}
	d, err := Draw(Spec{Type: "bar", X: "brand", Y: []string{"orders"}, Labels: map[string]string{"orders": "Orders placed"}}, sales())
	if err != nil {
		t.Fatal(err)
	}
	o := decoded(t, d)
	if x := o["xAxis"].([]any)[0].(map[string]any)["name"]; x != "Brand" {
		t.Errorf("x axis named %q", x)
	}
	if y := o["yAxis"].([]any)[0].(map[string]any)["name"]; y != "Orders placed" {
		t.Errorf("y axis named %q, want the label", y)
	}
	if d.Labels["orders"] != "Orders placed" || d.Labels["brand"] != "Brand" {
		t.Errorf("the drawing's labels %v", d.Labels)
	}
}

func TestEveryChartHasTenColoursAndWholeStepsForCounts(t *testing.T) {
	d, _ := Draw(Spec{Type: "bar", X: "brand", Y: []string{"orders"}}, sales())
	o := decoded(t, d)
	seen := map[string]bool{}
	for _, c := range o["color"].([]any) {
		seen[c.(string)] = true
	}
	if len(seen) < 10 {
		t.Errorf("%d distinct colours, want at least 10", len(seen))
	}
	if got := o["yAxis"].([]any)[0].(map[string]any)["minInterval"]; got != 1.0 {
		t.Errorf("an axis of order counts steps by %v, want 1", got)
	}
	d, _ = Draw(Spec{Type: "bar", X: "brand", Y: []string{"revenue"}}, sales())
	if got := decoded(t, d)["yAxis"].([]any)[0].(map[string]any)["minInterval"]; got != nil {
		t.Errorf("an axis of 30.5 and 12 steps by %v", got)
	}
}

func TestMeasuresOfDifferentSizeGetAnAxisEach(t *testing.T) {
	tbl := Table{Columns: []Column{{"day", "DATE"}, {"orders", "BIGINT"}, {"revenue", "DOUBLE"}},
		Rows: [][]any{{"2024-01-01", json.Number("3"), 3_000_000.0}, {"2024-01-02", json.Number("5"), 4_500_000.0}}}
	d, err := Draw(Spec{Type: "line"}, tbl)
	if err != nil {
		t.Fatal(err)
	}
	o := decoded(t, d)
	axes := o["yAxis"].([]any)
	if len(axes) != 2 || axes[1].(map[string]any)["position"] != "right" || axes[1].(map[string]any)["name"] != "Revenue" {
		t.Fatalf("axes %v", axes)
	}
	ss := seriesOf(t, d)
	if ss[0]["yAxisIndex"] != nil || ss[1]["yAxisIndex"] != 1.0 || d.SeriesColumns[1] != "revenue" {
		t.Fatalf("series %v", ss)
	}
	if axes[0].(map[string]any)["minInterval"] != 1.0 {
		t.Errorf("the orders axis: %v", axes[0])
	}
	d, _ = Draw(Spec{Type: "stacked_bar"}, tbl)
	if n := len(decoded(t, d)["yAxis"].([]any)); n != 1 {
		t.Errorf("a stacked bar adds its parts on one axis; it has %d", n)
	}
}

func TestFormatsAreChecked(t *testing.T) {
	two := 2
	for _, f := range []Format{{Kind: "currency"}, {Kind: "currency", Currency: "won"}, {Kind: "money"}, {Kind: "number", Decimals: new(int)}, {Kind: "percent", Decimals: &two}} {
		_, err := Draw(Spec{Type: "bar", Formats: map[string]Format{"revenue": f}}, sales())
		good := f.Kind == "number" || f.Kind == "percent"
		if (err == nil) != good {
			t.Errorf("format %+v: %v", f, err)
		}
	}
}

func TestTimesReadAsDaysAndPeriods(t *testing.T) {
	for _, c := range []struct{ v, typ, grain, want string }{
		{"2025-12-29T00:00:00", "TIMESTAMP", "", "2025-12-29"},
		{"2025-12-29T13:45:10.5", "TIMESTAMP", "", "2025-12-29 13:45"},
		{"2026-01-01", "DATE", "month", "2026-01"},
		{"2026-04-01", "DATE", "quarter", "2026 Q2"},
		{"2026-01-01", "DATE", "year", "2026"},
		{"2026-01-05", "DATE", "week", "2026-01-05"},
		{"2026-01-05", "VARCHAR", "month", "2026-01-05"},
	} {
		if got := TimeLabel(c.v, c.typ, c.grain); got != c.want {
			t.Errorf("TimeLabel(%q, %s, %s) = %q, want %q", c.v, c.typ, c.grain, got, c.want)
		}
	}
}
