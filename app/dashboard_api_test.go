package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query/querytest"
)

const ordersSQL = `select o.order_id, o.member_id, o.dt, o.status, o.total, m.country
	from act_orders o join obj_members m using (member_id)`

// newDataset saves the orders dataset as the analyst and returns its id.
func (ta *testApp) newDataset(t testing.TB) string {
	t.Helper()
	status, ds := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{
		"name": "Orders", "description": "orders and countries", "sql": ordersSQL, "time_column": "dt"})
	if status != http.StatusCreated {
		t.Fatalf("dataset: %d %v", status, ds)
	}
	return ds["id"].(string)
}

func statusTile(dataset string) map[string]any {
	return map[string]any{"id": "by_status", "title": "Revenue by status", "type": "bar", "chart": map[string]any{},
		"dataset": dataset, "measures": []any{map[string]any{"agg": "sum", "column": "total"}}, "dimensions": []any{"status"}}
}

// newDashboard creates a dashboard as tier and returns its id.
func (ta *testApp) newDashboard(t testing.TB, tier auth.Tier, tiles ...map[string]any) string {
	t.Helper()
	status, d := ta.call(t, tier, "POST", "/api/v1/dashboards", map[string]any{"title": "Sales", "tiles": tiles})
	if status != http.StatusCreated {
		t.Fatalf("dashboard: %d %v", status, d)
	}
	return d["id"].(string)
}

func TestDatasetsAPI(t *testing.T) {
	ta := newTestApp(t)
	id := ta.newDataset(t)
	status, list := ta.call(t, auth.TierHandle, "GET", "/api/v1/datasets", nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %v", status, list)
	}
	ds := list["datasets"].([]any)[0].(map[string]any)
	if ds["id"] != id || ds["owner"] != "analyze@example.com" || ds["certified"] != false || ds["time_column"] != "dt" {
		t.Fatalf("listed %v", ds)
	}
	roles := map[string]string{}
	for _, c := range ds["columns"].([]any) {
		col := c.(map[string]any)
		roles[col["name"].(string)] = col["role"].(string)
	}
	if roles["total"] != "measure" || roles["country"] != "dimension" || roles["dt"] != "time" || roles["member_id"] != "dimension" {
		t.Fatalf("roles %v", roles)
	}
	if status, _ := ta.call(t, auth.TierView, "GET", "/api/v1/datasets", nil); status != http.StatusForbidden {
		t.Fatalf("view tier listed datasets: %d", status)
	}
	if status, _ := ta.call(t, auth.TierHandle, "POST", "/api/v1/datasets", map[string]any{"name": "x", "sql": "select 1"}); status != http.StatusForbidden {
		t.Fatalf("handle tier saved a dataset: %d", status)
	}
	status, got := ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+id, map[string]any{"certified": true})
	if status != http.StatusOK || got["certified"] != true || got["certified_by"] != "data@example.com" {
		t.Fatalf("certify: %d %v", status, got)
	}
	status, x := ta.call(t, auth.TierHandle, "POST", "/api/v1/datasets/"+id+"/explore", map[string]any{
		"measures": []any{map[string]any{"agg": "count"}}, "dimensions": []any{"country"}, "filters": []any{map[string]any{"column": "status", "op": "=", "value": "paid"}}})
	if status != http.StatusOK || !strings.Contains(x["sql"].(string), `"country"`) || x["params"].(map[string]any)["v1"] != "paid" {
		t.Fatalf("explore: %d %v", status, x)
	}
	if rows := x["result"].(map[string]any)["rows"].([]any); len(rows) == 0 {
		t.Fatal("explore returned no rows")
	}
}

func TestANotebookCellBecomesADataset(t *testing.T) {
	ta := newTestApp(t)
	nb, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("c1", "paid", "select * from act_orders where status = 'paid'"),
		sqlCellJSON("c2", "by_day", "select dt, count(*) as orders, sum(total) as revenue from paid group by dt"))
	status, ds := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+nb+"/cells/c2/dataset", map[string]any{"name": "Paid orders by day"})
	if status != http.StatusCreated || ds["time_column"] != "dt" {
		t.Fatalf("%d %v", status, ds)
	}
	status, x := ta.call(t, auth.TierHandle, "POST", "/api/v1/datasets/"+ds["id"].(string)+"/explore", map[string]any{
		"measures": []any{map[string]any{"agg": "sum", "column": "orders"}}})
	if status != http.StatusOK {
		t.Fatalf("explore a dataset that reads an earlier cell: %d %v", status, x)
	}
	status, want := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders where status = 'paid'"})
	got := x["result"].(map[string]any)["rows"].([]any)[0].([]any)[0]
	if status != http.StatusOK || fmt.Sprint(got) != fmt.Sprint(want["rows"].([]any)[0].([]any)[0]) { // a sum is HUGEINT, sent as text
		t.Fatalf("sum of orders %v, want %v", got, want["rows"])
	}
}

func TestDashboardsAPI(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	id := ta.newDashboard(t, auth.TierHandle, statusTile(ds))
	status, d := ta.call(t, auth.TierHandle, "GET", "/api/v1/dashboards/"+id, nil)
	if status != http.StatusOK || d["owner"] != "handle@example.com" || len(d["tiles"].([]any)) != 1 || d["version"] != 1.0 {
		t.Fatalf("%d %v", status, d)
	}
	tile := d["tiles"].([]any)[0].(map[string]any)
	if tile["layout"].(map[string]any)["w"] == 0.0 {
		t.Fatalf("the tile was given no place: %v", tile)
	}
	status, list := ta.call(t, auth.TierHandle, "GET", "/api/v1/dashboards", nil)
	if status != http.StatusOK || len(list["dashboards"].([]any)) != 1 || list["dashboards"].([]any)[0].(map[string]any)["tiles"] != 1.0 {
		t.Fatalf("list: %d %v", status, list)
	}

	path := "/api/v1/dashboards/" + id + "/tiles/by_status/data"
	first := ta.do(t, auth.TierHandle, "GET", path, "")
	body := readAll(t, first)
	if first.StatusCode != http.StatusOK || first.Header.Get("X-Pier-Cache") != "miss" || !strings.Contains(body, `"row_count"`) {
		t.Fatalf("tile data: %d %s %s", first.StatusCode, first.Header.Get("X-Pier-Cache"), body)
	}
	again := ta.do(t, auth.TierHandle, "GET", path, "")
	if readAll(t, again) != body || again.Header.Get("X-Pier-Cache") != "hit" {
		t.Fatal("the same tile data was not answered from the cache")
	}
	res := ta.do(t, auth.TierHandle, "GET", path, "", "Accept", "text/csv")
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || recs[0][0] != "status" || recs[0][1] != "sum of total" || len(recs) < 3 {
		t.Fatalf("CSV: %v %v", recs, err)
	}
	res = ta.do(t, auth.TierHandle, "GET", path, "", "Accept", "application/vnd.apache.arrow.stream")
	if n, _ := querytest.ArrowRows(t, res.Body); int(n) != len(recs)-1 {
		t.Fatalf("Arrow has %d rows, CSV %d", n, len(recs)-1)
	}
	res = ta.do(t, auth.TierHandle, "GET", "/api/v1/dashboards/"+id+"/tiles/by_status/export?format=xlsx", "")
	xlsx := []byte(readAll(t, res))
	if _, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx))); err != nil || !strings.Contains(res.Header.Get("Content-Disposition"), "Revenue by status.xlsx") {
		t.Fatalf("XLSX export: %v, %s", err, res.Header.Get("Content-Disposition"))
	}

	status, dup := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+id+"/duplicate", nil)
	if status != http.StatusNotFound {
		t.Fatalf("duplicate of a dashboard not shared: %d %v", status, dup)
	}
	status, _ = ta.call(t, auth.TierHandle, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"})
	if status != http.StatusOK {
		t.Fatalf("share: %d", status)
	}
	if res := ta.do(t, auth.TierView, "GET", path+"?grain=week&f.status=paid", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("the viewer's tile data: %d %s", res.StatusCode, readAll(t, res))
	}
}

func TestDashboardAPIBadInput(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
	withExtra := statusTile(ds)
	withExtra["colour"] = "red"
	cases := []struct {
		name         string
		tier         auth.Tier
		method, path string
		body         string
		status       int
	}{
		{"not JSON", auth.TierHandle, "POST", "/api/v1/dashboards", `{"title":`, 400},
		{"unknown tile field", auth.TierHandle, "POST", "/api/v1/dashboards", mustJSON(map[string]any{"title": "x", "tiles": []any{withExtra}}), 400},
		{"no title", auth.TierHandle, "POST", "/api/v1/dashboards", `{"tiles":[]}`, 400},
		{"SQL tile from handle", auth.TierHandle, "POST", "/api/v1/dashboards", `{"title":"x","tiles":[{"type":"table","sql":"select 1"}]}`, 403},
		{"view tier builds", auth.TierView, "POST", "/api/v1/dashboards", `{"title":"x","tiles":[]}`, 403},
		{"no version", auth.TierAnalyze, "PUT", "/api/v1/dashboards/" + id, `{"title":"x"}`, 400},
		{"stale version", auth.TierAnalyze, "PUT", "/api/v1/dashboards/" + id, `{"title":"x","version":7}`, 409},
		{"not shared", auth.TierView, "GET", "/api/v1/dashboards/" + id, "", 404},
		{"not shared data", auth.TierView, "GET", "/api/v1/dashboards/" + id + "/tiles/by_status/data", "", 404},
		{"no such tile", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/tiles/nope/data", "", 404},
		{"bad grain", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/tiles/by_status/data?grain=hour", "", 400},
		{"no such filter", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/tiles/by_status/data?f.planet=mars", "", 400},
		{"bad export format", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/tiles/by_status/export?format=pdf", "", 400},
		{"certify as analyst", auth.TierAnalyze, "PATCH", "/api/v1/dashboards/" + id, `{"certified":true}`, 403},
		{"delete as stranger", auth.TierHandle, "DELETE", "/api/v1/dashboards/" + id, "", 404},
		{"bad explore", auth.TierHandle, "POST", "/api/v1/datasets/" + ds + "/explore", `{"measures":[{"agg":"median","column":"total"}]}`, 400},
		{"no such dataset", auth.TierHandle, "POST", "/api/v1/datasets/nope/explore", `{}`, 404},
		{"explore as an unknown chart", auth.TierHandle, "POST", "/api/v1/datasets/" + ds + "/explore", `{"type":"gauge"}`, 400},
		{"explore with an unknown field", auth.TierHandle, "POST", "/api/v1/datasets/" + ds + "/explore", `{"colour":"red"}`, 400},
		{"chart of no such tile", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/tiles/nope/chart", "", 404},
		{"values of no such filter", auth.TierAnalyze, "GET", "/api/v1/dashboards/" + id + "/filters/nope/values", "", 404},
		{"export of a dashboard not shared", auth.TierView, "GET", "/api/v1/dashboards/" + id + "/export", "", 404},
		{"bad refresh schedule", auth.TierAnalyze, "PATCH", "/api/v1/dashboards/" + id, `{"refresh_minutes":1}`, 400},
		{"tile without a type", auth.TierAnalyze, "POST", "/api/v1/dashboards/" + id + "/tiles", `{"dataset":"` + ds + `"}`, 400},
		{"dataset SQL error", auth.TierAnalyze, "POST", "/api/v1/datasets", `{"name":"x","sql":"select nope from obj_brands"}`, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ta.do(t, c.tier, c.method, c.path, c.body, "Content-Type", "application/json")
			body := readAll(t, res)
			if res.StatusCode != c.status || !strings.Contains(body, `"message"`) {
				t.Fatalf("got %d %s, want %d with a message", res.StatusCode, body, c.status)
			}
		})
	}
	status, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+id, nil)
	if status != http.StatusOK || d["version"] != 1.0 || len(d["tiles"].([]any)) != 1 {
		t.Fatalf("after bad input the dashboard changed: %v", d)
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// A locked tile's API error names the tables and links the prefilled
// access request; when the owner lacks the table too, the request says
// so for whoever approves it.
func TestALockedTileAnswersWithTheAccessRequest(t *testing.T) {
	ta := newTestApp(t)
	orders := map[string]any{"id": "orders", "title": "Orders", "type": "table", "chart": map[string]any{}, "sql": "select count(*) as n from act_orders"}
	id := ta.newDashboard(t, auth.TierAnalyze, orders)
	if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"}); status >= 300 {
		t.Fatalf("share: %d %v", status, out)
	}
	ta.props.Set(context.Background(), "act_orders", propRestricted())
	status, out := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards/"+id+"/tiles/orders/data", nil)
	e, _ := out["error"].(map[string]any)
	access, _ := e["access"].(map[string]any)
	if status != http.StatusForbidden || access == nil {
		t.Fatalf("%d %v", status, out)
	}
	req, err := url.Parse(access["request"].(string))
	if err != nil || req.Path != "/tickets/new" {
		t.Fatalf("request link %v", access["request"])
	}
	q := req.Query()
	if q.Get("category") != "data_access" || q.Get("access_table") != "act_orders" || q.Get("dashboard") != id ||
		!strings.Contains(q.Get("body"), "its owner, analyze@example.com, who has no access to act_orders either") {
		t.Fatalf("the request is filled with %v", q)
	}
	if tables := access["tables"].([]any); len(tables) != 1 || tables[0] != "act_orders" {
		t.Fatalf("tables %v", tables)
	}
}
