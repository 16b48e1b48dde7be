package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestLineageFollowsWhatRanThroughCTEsAndDatasetsOnDatasets: a dataset
// whose SQL reads a table through a CTE, a dataset on that dataset, a
// dashboard on the second and a notebook cell that ran: each shows its
// upstream and downstream with depth, only what the caller may see.
func TestLineageFollowsWhatRanThroughCTEsAndDatasetsOnDatasets(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		status, a := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{"name": "Paid orders",
			"sql": "with paid as (select * from act_orders where total > 0) select status, total, dt from paid", "time_column": "dt"})
		if status != http.StatusCreated || fmt.Sprint(a["tables"]) != "[act_orders]" {
			t.Fatalf("a dataset through a CTE: %d %v", status, a)
		}
		status, b := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{"name": "Paid by status",
			"sql": "select status, sum(total) as total from paid_orders group by status", "on": []string{a["id"].(string)}})
		if status != http.StatusCreated || fmt.Sprint(b["tables"]) != "[act_orders]" || !strings.Contains(fmt.Sprint(b["built_on"]), a["id"].(string)) {
			t.Fatalf("a dataset on a dataset: %d %v", status, b)
		}
		tile := statusTile(b["id"].(string))
		delete(tile, "dimensions")
		tile["dimensions"] = []any{"status"}
		board := ta.newDashboard(t, auth.TierAnalyze, tile)
		nb, _ := ta.newNotebook(t, auth.TierData, sqlCellJSON("c", "members", "with m as (select * from obj_members) select count(*) from m"))
		if status, out := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+nb+"/cells/c/run", nil); status != http.StatusOK {
			t.Fatalf("run: %d %v", status, out)
		}

		walk := func(tier auth.Tier, kind, id string) (up, down string) {
			t.Helper()
			status, out := ta.call(t, tier, "GET", "/api/v1/lineage?kind="+kind+"&id="+id, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: lineage of %s %s: %d %v", tier, kind, id, status, out)
			}
			say := func(list any) string {
				var parts []string
				for _, s := range list.([]any) {
					m := s.(map[string]any)
					parts = append(parts, fmt.Sprintf("%s:%s@%v", m["kind"], m["title"], m["depth"]))
				}
				return strings.Join(parts, " ")
			}
			return say(out["upstream"]), say(out["downstream"])
		}
		if _, down := walk(auth.TierAnalyze, "table", "act_orders"); down != "dataset:Paid orders@1 dataset:Paid by status@2 dashboard:Sales@3" {
			t.Errorf("downstream of act_orders for the analyst: %s", down)
		}
		if up, _ := walk(auth.TierAnalyze, "dashboard", board); up != "dataset:Paid by status@1 dataset:Paid orders@2 table:act_orders@3" {
			t.Errorf("upstream of the dashboard: %s", up)
		}
		if up, down := walk(auth.TierAnalyze, "dataset", b["id"].(string)); up != "dataset:Paid orders@1 table:act_orders@2" || down != "dashboard:Sales@1" {
			t.Errorf("the second dataset: up %s, down %s", up, down)
		}
		if up, _ := walk(auth.TierData, "notebook", nb); up != "table:obj_members@1" {
			t.Errorf("the notebook read %s, through its CTE", up)
		}
		if _, down := walk(auth.TierView, "table", "act_orders"); down != "" {
			t.Errorf("a viewer sees %s downstream of act_orders: no dataset or dashboard of theirs", down)
		}
		if _, down := walk(auth.TierAnalyze, "table", "obj_members"); strings.Contains(down, "notebook") {
			t.Errorf("the analyst sees the data team's notebook: %s", down)
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/lineage?kind=notebook&id="+nb, nil); status != http.StatusNotFound {
			t.Errorf("the lineage of a notebook one cannot open: %d", status)
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/lineage?kind=cell&id=x", nil); status != http.StatusBadRequest {
			t.Errorf("an unknown kind: %d", status)
		}
		b2 := ta.browser(t)
		b2.signIn("analyze@example.com")
		if _, page := b2.get("/tables/act_orders"); !strings.Contains(page.Find(`[data-testid=downstream]`).Text(), "Paid by status") {
			t.Errorf("the table page's downstream: %q", page.Find(`[data-testid=downstream]`).Text())
		}
		if _, page := b2.get("/dashboards/" + board); !strings.Contains(page.Find(`[data-testid=upstream]`).Text(), "act_orders") {
			t.Errorf("the dashboard page's upstream: %q", page.Find(`[data-testid=upstream]`).Text())
		}
	})
}
