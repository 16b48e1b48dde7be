package chart

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
)

// sales is a small result: two days, two brands, one missing pair.
func sales() Table {
	return Table{
		Columns: []Column{{"day", "DATE"}, {"brand", "VARCHAR"}, {"orders", "BIGINT"}, {"revenue", "DECIMAL(18,2)"}},
		Rows: [][]any{
			{"2024-01-01", "acme", json.Number("3"), json.Number("30.5")},
			{"2024-01-01", "zest", json.Number("4"), json.Number("12")},
			{"2024-01-02", "acme", json.Number("5"), nil},
			{"2024-01-02", "acme", json.Number("1"), json.Number("2")},
		},
	}
}

// decoded round-trips an option through JSON, as the page receives it.
func decoded(t *testing.T, d *Drawing) map[string]any {
	t.Helper()
	b, err := json.Marshal(d.Option)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func seriesOf(t *testing.T, d *Drawing) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, s := range decoded(t, d)["series"].([]any) {
		out = append(out, s.(map[string]any))
	}
	return out
}

func values(s map[string]any) []any {
	var out []any
	for _, p := range s["data"].([]any) {
		out = append(out, p.(map[string]any)["value"])
	}
	return out
}

func TestDrawFillsInAxesFromTheResult(t *testing.T) {
	d, err := Draw(Spec{Type: "line"}, sales())
	if err != nil {
		t.Fatal(err)
	}
	if d.X != "day" || strings.Join(d.Y, ",") != "orders,revenue" {
		t.Fatalf("defaults: x %q y %v, want the first text column across and the number columns up", d.X, d.Y)
	}
	ss := seriesOf(t, d)
	if len(ss) != 2 || ss[0]["name"] != "Orders" || ss[0]["type"] != "line" {
		t.Fatalf("series: %v", ss)
	}
	// Rows with the same x add up: 5 + 1 orders on the 2nd.
	if got := fmt.Sprint(values(ss[0])); got != "[7 6]" {
		t.Errorf("orders per day: %s, want [7 6]", got)
	}
	if got := fmt.Sprint(decoded(t, d)["xAxis"].([]any)[0].(map[string]any)["data"]); got != "[2024-01-01 2024-01-02]" {
		t.Errorf("categories: %s", got)
	}
}

func TestDrawSplitsSeriesByAColumnAndMarksMissingPoints(t *testing.T) {
	d, err := Draw(Spec{Type: "stacked_bar", X: "day", Y: []string{"orders"}, Series: "brand"}, sales())
	if err != nil {
		t.Fatal(err)
	}
	ss := seriesOf(t, d)
	if len(ss) != 2 || ss[0]["name"] != "acme" || ss[1]["name"] != "zest" {
		t.Fatalf("series: %v", ss)
	}
	if ss[0]["stack"] != "total" || ss[0]["type"] != "bar" {
		t.Errorf("a stacked bar stacks its bars: %v", ss[0])
	}
	if got := fmt.Sprint(values(ss[1])); got != "[4 -]" {
		t.Errorf("zest has no orders on the 2nd, which ECharts reads as '-': %s", got)
	}
}

func TestDrawEachType(t *testing.T) {
	for _, tc := range []struct {
		spec  Spec
		check func(t *testing.T, d *Drawing)
	}{
		{Spec{Type: "bar", Y: []string{"orders"}}, func(t *testing.T, d *Drawing) {
			if s := seriesOf(t, d)[0]; s["type"] != "bar" || s["stack"] != nil {
				t.Errorf("bar: %v", s)
			}
		}},
		{Spec{Type: "area", Y: []string{"orders"}}, func(t *testing.T, d *Drawing) {
			if s := seriesOf(t, d)[0]; s["type"] != "line" || s["areaStyle"] == nil {
				t.Errorf("area is a filled line: %v", s)
			}
		}},
		{Spec{Type: "pie", X: "brand", Y: []string{"orders"}}, func(t *testing.T, d *Drawing) {
			s := seriesOf(t, d)[0]
			data := s["data"].([]any)
			first := data[0].(map[string]any)
			if s["type"] != "pie" || len(data) != 2 || first["name"] != "acme" || first["value"] != 9.0 {
				t.Errorf("pie slices by brand: %v", s)
			}
		}},
		{Spec{Type: "scatter", X: "orders", Y: []string{"revenue"}}, func(t *testing.T, d *Drawing) {
			s := seriesOf(t, d)[0]
			if got := fmt.Sprint(values(s)); got != "[[3 30.5] [4 12] [1 2]]" {
				t.Errorf("scatter points leave out rows without a value: %s", got)
			}
		}},
		{Spec{Type: "number", Y: []string{"revenue"}}, func(t *testing.T, d *Drawing) {
			if d.Option != nil || d.Number == nil || fmt.Sprint(d.Number.Value) != "30.5" || d.Number.Label != "Revenue" {
				t.Errorf("big number: %+v", d.Number)
			}
		}},
	} {
		t.Run(string(tc.spec.Type), func(t *testing.T) {
			d, err := Draw(tc.spec, sales())
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, d)
		})
	}
}

func TestDrawRefusesWhatCannotBeDrawn(t *testing.T) {
	many := Table{Columns: []Column{{"k", "VARCHAR"}, {"n", "INTEGER"}}}
	for i := range maxSeries + 1 {
		many.Rows = append(many.Rows, []any{fmt.Sprint("k", i), i})
	}
	words := Table{Columns: []Column{{"a", "VARCHAR"}, {"b", "VARCHAR"}}, Rows: [][]any{{"x", "y"}}}
	for name, tc := range map[string]struct {
		spec Spec
		tab  Table
		want string
	}{
		"unknown type":      {Spec{Type: "radar"}, sales(), "no \"radar\" chart"},
		"unknown column":    {Spec{Type: "bar", X: "nope"}, sales(), "no column \"nope\""},
		"no numbers":        {Spec{Type: "bar"}, words, "no column of numbers"},
		"series with two y": {Spec{Type: "line", Y: []string{"orders", "revenue"}, Series: "brand"}, sales(), "pick one column"},
		"pie with series":   {Spec{Type: "pie", Y: []string{"orders"}, Series: "brand"}, sales(), "has no series"},
		"scatter of text":   {Spec{Type: "scatter", X: "brand", Y: []string{"orders"}}, sales(), "needs numbers across"},
		"too many series":   {Spec{Type: "line", X: "n", Y: []string{"n"}, Series: "k"}, many, "too many to tell apart"},
		"no columns at all": {Spec{Type: "line"}, Table{}, "no columns"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Draw(tc.spec, tc.tab)
			if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(pier.ErrorMessage(err), tc.want) {
				t.Fatalf("got %v, want an invalid-input error saying %q", err, tc.want)
			}
		})
	}
}

func TestAnEmptyResultSaysSoInsteadOfDrawingAxes(t *testing.T) {
	empty := Table{Columns: sales().Columns}
	for _, typ := range []Kind{KindBar, KindLine, KindPie, KindHeatmap, KindWordCloud} {
		s := Spec{Type: typ, X: "day", Y: []string{"orders"}}
		if typ == KindHeatmap {
			s.Series = "brand"
		}
		d, err := Draw(s, empty)
		if err != nil || !d.Empty || d.Option != nil {
			t.Errorf("%s of no rows: %+v, %v", typ, d, err)
		}
	}
}
