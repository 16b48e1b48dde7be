package app

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

func TestACellDrawsItsSavedChartFromItsLastResult(t *testing.T) {
	ta := newTestApp(t)
	cell := sqlCellJSON("a", "by_brand", "select brand_id::varchar as brand, count(*) as n from obj_products group by 1 order by 1")
	cell["chart"] = map[string]any{"type": "bar", "x": "brand", "y": []string{"n"}}
	id, _ := ta.newNotebook(t, auth.TierAnalyze, cell)
	path := "/api/v1/notebooks/" + id + "/cells/a/chart"
	if status, res := ta.call(t, auth.TierAnalyze, "GET", path, nil); status != http.StatusNotFound {
		t.Fatalf("a chart before any run: %d %v, want 404", status, res)
	}
	_, total := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) as n from obj_products"})
	status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	if status != http.StatusOK {
		t.Fatalf("run: %d %v", status, res)
	}

	status, d := ta.call(t, auth.TierAnalyze, "GET", path, nil)
	if status != http.StatusOK || d["type"] != "bar" {
		t.Fatalf("chart: %d %v", status, d)
	}
	series := d["option"].(map[string]any)["series"].([]any)
	bars := series[0].(map[string]any)["data"].([]any)
	if len(series) != 1 || len(bars) != len(res["rows"].([]any)) {
		t.Fatalf("one bar per brand: %d series, %d bars for %d rows", len(series), len(bars), len(res["rows"].([]any)))
	}
	sum := 0.0
	for _, b := range bars {
		sum += b.(map[string]any)["value"].(float64)
	}
	if want := total["rows"].([]any)[0].([]any)[0].(float64); sum != want {
		t.Errorf("the bars add up to %v, the table has %v products", sum, want)
	}

	status, pie := ta.call(t, auth.TierAnalyze, "GET", path+"?type=pie&x=brand&y=n", nil)
	if status != http.StatusOK || pie["option"].(map[string]any)["series"].([]any)[0].(map[string]any)["type"] != "pie" {
		t.Fatalf("a chart asked for in the query overrides the saved one: %d %v", status, pie)
	}
	if status, bad := ta.call(t, auth.TierAnalyze, "GET", path+"?type=pie&x=nope", nil); status != http.StatusBadRequest || errCode(bad) != "invalid" {
		t.Fatalf("a column the result lacks: %d %v, want 400", status, bad)
	}
	if status, _ := ta.call(t, auth.TierHandle, "GET", path, nil); status != http.StatusNotFound {
		t.Fatalf("someone the notebook is not shared with: %d, want 404", status)
	}
}

// The first page of a run, the page the editor opens with and the read view
// all keep the order the query asked for.
func TestResultPagesKeepTheQueryOrder(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "down", "select 3 - range as n, 'x' || range as s from range(3) order by n desc"))
	status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run?limit=2", nil)
	if got := fmt.Sprint(res["rows"]); status != http.StatusOK || got != "[[3 x0] [2 x1]]" {
		t.Fatalf("first page of the run: %d %s, want the query's order", status, got)
	}
	_, kept := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/result", nil)
	if got := fmt.Sprint(kept["rows"]); got != "[[3 x0] [2 x1] [1 x2]]" {
		t.Fatalf("kept result: %s", got)
	}
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	_, page := b.get("/notebooks/" + id)
	if first := page.Find(`[data-cell=a] [data-testid=result] tbody td`).First().Text(); first != "3" {
		t.Fatalf("the read view starts with %q", first)
	}
}
