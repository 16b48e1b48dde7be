package app

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestDemoContentOpensForEveryone: on first start with the demo lake the
// certified datasets and the published dashboards are there, and every
// tile of every dashboard draws, for a view-tier user, at each grain.
func TestDemoContentOpensForEveryone(t *testing.T) {
	ta := newDemoApp(t)
	status, sets := ta.call(t, auth.TierHandle, "GET", "/api/v1/datasets", nil)
	if status != http.StatusOK || len(sets["datasets"].([]any)) != 3 {
		t.Fatalf("datasets: %d %v", status, sets)
	}
	for _, s := range sets["datasets"].([]any) {
		if s.(map[string]any)["certified"] != true {
			t.Errorf("%v is not certified", s.(map[string]any)["name"])
		}
	}
	status, list := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards", nil)
	boards := list["dashboards"].([]any)
	if status != http.StatusOK || len(boards) != 3 {
		t.Fatalf("dashboards: %d %v", status, list)
	}
	var titles []string
	for _, b := range boards {
		id := b.(map[string]any)["id"].(string)
		titles = append(titles, b.(map[string]any)["title"].(string))
		_, d := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards/"+id, nil)
		for _, tile := range d["tiles"].([]any) {
			tid := tile.(map[string]any)["id"].(string)
			for _, grain := range []string{"", "week", "month"} {
				status, tv := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards/"+id+"/tiles/"+tid+"/chart?grain="+grain, nil)
				if status != http.StatusOK {
					t.Errorf("%s / %s at %q: %d %v", d["title"], tid, grain, status, tv)
				}
			}
		}
	}
	joined := strings.Join(titles, " | ")
	for _, want := range []string{"일자별 사용자 수", "Revenue by brand and category", "Popular search keywords"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no dashboard %q among %s", want, joined)
		}
	}
	// Each dashboard is a guide entry that a viewer's question finds.
	_, answers := ta.call(t, auth.TierView, "GET", "/api/v1/answers", nil)
	if n := len(answers["answers"].([]any)); n != 3 {
		t.Errorf("%d guide entries, want one per dashboard", n)
	}
	for _, a := range answers["answers"].([]any) {
		answer := a.(map[string]any)["answer"].(map[string]any)
		if answer["guide"] != true || len(answer["links"].([]any)) != 1 {
			t.Errorf("guide entry %v", a)
		}
	}
	_, sim := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/similar?q=daily+users+of+the+shop", nil)
	var top []string
	for _, s := range sim["suggestions"].([]any)[:2] {
		top = append(top, s.(map[string]any)["title"].(string))
	}
	if got := strings.Join(top, " | "); !strings.Contains(got, "How many people use the shop each day?") || !strings.Contains(got, "Daily active users") {
		t.Errorf("the first suggestions for a question about daily users: %s", got)
	}
}

// TestDemoRevenueAgreesWithTheOrders: the revenue dashboard, built on order
// lines, shows what an analyst computes from the orders' totals.
func TestDemoRevenueAgreesWithTheOrders(t *testing.T) {
	ta := newDemoApp(t)
	_, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{
		"sql": "SELECT sum(total)::DOUBLE AS revenue FROM act_orders WHERE status NOT IN ('cancelled', 'refunded')"})
	want := out["rows"].([]any)[0].([]any)[0].(float64)
	var board string
	_, list := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards", nil)
	for _, b := range list["dashboards"].([]any) {
		if b.(map[string]any)["title"] == "Revenue by brand and category" {
			board = b.(map[string]any)["id"].(string)
		}
	}
	status, tile := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards/"+board+"/tiles/by_category/data", nil)
	if status != http.StatusOK {
		t.Fatalf("by_category: %d %v", status, tile)
	}
	var got float64
	for _, r := range tile["rows"].([]any) {
		v, err := strconv.ParseFloat(fmt.Sprint(r.([]any)[1]), 64)
		if err != nil {
			t.Fatalf("revenue %v: %v", r, err)
		}
		got += v
	}
	if want == 0 || math.Abs(got-want) > 0.5 {
		t.Fatalf("the dashboard's revenue by category adds up to %.0f, the orders' totals to %.0f", got, want)
	}
}
