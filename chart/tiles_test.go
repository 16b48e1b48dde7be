package chart

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
)

func TestHeatmapsPlaceEachValueInItsCell(t *testing.T) {
	d, err := Draw(Spec{Type: "heatmap", X: "day", Series: "brand", Y: []string{"orders"}}, sales())
	if err != nil {
		t.Fatal(err)
	}
	s := seriesOf(t, d)[0]
	got := map[string]float64{}
	for _, p := range s["data"].([]any) {
		v := p.(map[string]any)["value"].([]any)
		got[jsonKey(v[0], v[1])] = v[2].(float64)
	}
	// day 0 = 2024-01-01, brand 0 = acme; acme's two rows on day 1 add up
	want := map[string]float64{"0,0": 3, "0,1": 4, "1,0": 6}
	if len(got) != len(want) || got["0,0"] != 3 || got["0,1"] != 4 || got["1,0"] != 6 {
		t.Fatalf("cells %v, want %v", got, want)
	}
	// The cells are placed by index; the axes must name what the indexes are.
	x := decoded(t, d)["xAxis"].([]any)[0].(map[string]any)
	if fmt.Sprint(x["data"]) != "[2024-01-01 2024-01-02]" {
		t.Errorf("the heatmap's columns read %v, not the days", x["data"])
	}
	if _, err := Draw(Spec{Type: "heatmap", X: "day", Y: []string{"orders"}}, sales()); pier.ErrorCode(err) != pier.EInvalid {
		t.Fatalf("a heatmap without rows: %v", err)
	}
}

func jsonKey(a, b any) string {
	j, _ := json.Marshal([]any{a, b})
	return string(j[1 : len(j)-1])
}

func TestWordCloudsSizeWordsByTheirValue(t *testing.T) {
	d, err := Draw(Spec{Type: "word_cloud", X: "brand", Y: []string{"orders"}}, sales())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Words) != 2 || d.Words[0].Text != "acme" || d.Words[0].Size != 1 || d.Words[1].Size != 0 {
		t.Fatalf("words %+v", d.Words)
	}
}

func TestTrafficLightsJudgeTheLatestValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		good, bad float64
		want      string
	}{
		{good: 5, bad: 2, want: "bad"},    // higher is better; the last orders are 1
		{good: 1, bad: 0, want: "good"},   // 1 reaches good
		{good: 3, bad: 0, want: "normal"}, // between
		{good: 1, bad: 4, want: "good"},   // lower is better
		{good: 0, bad: 1, want: "bad"},
	}
	for _, c := range cases {
		d, err := Draw(Spec{Type: "traffic_light", Y: []string{"orders"}, Good: f(c.good), Bad: f(c.bad)}, sales())
		if err != nil || d.Light.State != c.want {
			t.Errorf("good %v bad %v: %+v %v, want %s", c.good, c.bad, d.Light, err, c.want)
		}
	}
	if _, err := Draw(Spec{Type: "traffic_light", Y: []string{"orders"}}, sales()); pier.ErrorCode(err) != pier.EInvalid {
		t.Fatalf("a light without thresholds: %v", err)
	}
}

func TestBigNumbersOfATimeSeriesShowTheChange(t *testing.T) {
	series := Table{Columns: []Column{{"week", "DATE"}, {"users", "BIGINT"}},
		Rows: [][]any{{"2024-01-01", int64(80)}, {"2024-01-08", int64(100)}, {"2024-01-15", int64(120)}}}
	d, err := Draw(Spec{Type: "number", X: "week", Y: []string{"users"}, Change: true}, series)
	if err != nil {
		t.Fatal(err)
	}
	n := d.Number
	if n.Value != int64(120) || n.Previous != int64(100) || n.Change == nil || *n.Change != 0.2 || n.Period != "2024-01-15" {
		t.Fatalf("%+v", n)
	}
	plain, _ := Draw(Spec{Type: "number", Y: []string{"users"}}, series)
	if plain.Number.Value != int64(80) || plain.Number.Change != nil {
		t.Fatalf("a plain big number: %+v", plain.Number)
	}
}

func TestAPartialPeriodIsMarkedAndNotCompared(t *testing.T) {
	weeks := Table{Columns: []Column{{"week", "DATE"}, {"users", "BIGINT"}},
		Rows: [][]any{{"2024-01-01", int64(80)}, {"2024-01-08", int64(100)}, {"2024-01-15", int64(120)}, {"2024-01-22", int64(30)}}}
	// The data runs from Monday 1 January to Wednesday 24 January.
	spec := Spec{Type: "number", X: "week", Y: []string{"users"}, Change: true, Grain: "week", Coverage: &Coverage{From: "2024-01-01", Through: "2024-01-24"}}
	d, err := Draw(spec, weeks)
	if err != nil {
		t.Fatal(err)
	}
	n := d.Number
	if n.Value != int64(120) || n.Period != "2024-01-15" || n.Previous != int64(100) || n.Change == nil || *n.Change != 0.2 {
		t.Fatalf("the last whole week against the one before: %+v", n)
	}
	if p := n.Partial; p == nil || p.Period != "2024-01-22" || p.Value != int64(30) || p.Days != 3 || p.Of != 7 {
		t.Fatalf("the partial week: %+v", n.Partial)
	}
	// Data from a Thursday: the first week is not whole, so the second is
	// shown without a change.
	spec.Coverage = &Coverage{From: "2024-01-04", Through: "2024-01-14"}
	d, _ = Draw(spec, Table{Columns: weeks.Columns, Rows: weeks.Rows[:2]})
	if n := d.Number; n.Value != int64(100) || n.Change != nil || !strings.Contains(n.Compared, "4 of its 7 days") {
		t.Fatalf("after a partial first week: %+v", n)
	}
	// A month that is all in is not partial; a day never is.
	months := Table{Columns: weeks.Columns, Rows: [][]any{{"2024-01-01", int64(5)}, {"2024-02-01", int64(6)}}}
	d, _ = Draw(Spec{Type: "number", X: "week", Y: []string{"users"}, Change: true, Grain: "month", Coverage: &Coverage{From: "2024-01-01", Through: "2024-02-29"}}, months)
	if d.Number.Partial != nil || d.Number.Value != int64(6) {
		t.Fatalf("a whole February: %+v", d.Number)
	}
}

func TestATimeAxisNamesItsPartialPeriods(t *testing.T) {
	weeks := Table{Columns: []Column{{"week", "DATE"}, {"users", "BIGINT"}},
		Rows: [][]any{{"2024-01-01", int64(50)}, {"2024-01-08", int64(100)}, {"2024-01-15", int64(30)}}}
	d, err := Draw(Spec{Type: KindLine, X: "week", Y: []string{"users"}, Grain: "week", Coverage: &Coverage{From: "2024-01-04", Through: "2024-01-17"}}, weeks)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(decoded(t, d)["xAxis"].([]any)[0].(map[string]any)["data"])
	if got != "[2024-01-01 (4 of 7 days) 2024-01-08 2024-01-15 (3 of 7 days)]" {
		t.Errorf("the weeks read %s", got)
	}
}
