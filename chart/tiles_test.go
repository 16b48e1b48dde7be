package chart

import (
	"fmt"
	"encoding/json"
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
