package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/auth"
)

// call sends a JSON request as tier and decodes the JSON answer.
func (ta *testApp) call(t testing.TB, tier auth.Tier, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var text string
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		text = string(b)
	}
	res := ta.do(t, tier, method, path, text, "Content-Type", "application/json")
	raw := readAll(t, res)
	var out map[string]any
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			t.Fatalf("%s %s: not JSON (%d): %s", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, out
}

type cellJSON = map[string]any

// newNotebook creates a notebook as tier with the given cells saved.
func (ta *testApp) newNotebook(t testing.TB, tier auth.Tier, cells ...cellJSON) (id string, version int) {
	t.Helper()
	status, n := ta.call(t, tier, "POST", "/api/v1/notebooks", map[string]any{"title": "Test notebook"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, n)
	}
	id = n["id"].(string)
	if len(cells) == 0 {
		return id, 1
	}
	status, saved := ta.call(t, tier, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Test notebook", "version": 1, "cells": cells})
	if status != http.StatusOK {
		t.Fatalf("save: %d %v", status, saved)
	}
	return id, int(saved["version"].(float64))
}

func sqlCellJSON(id, name, src string) cellJSON {
	return cellJSON{"id": id, "kind": "sql", "name": name, "source": src}
}

func TestNotebookAPIFollowsAPIMD(t *testing.T) {
	ta := newTestApp(t)
	status, n := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks", map[string]any{"title": "Revenue"})
	if status != http.StatusCreated || n["title"] != "Revenue" || n["owner"] != "analyze@example.com" || n["version"].(float64) != 1 {
		t.Fatalf("create: %d %v", status, n)
	}
	id := n["id"].(string)
	cells := []cellJSON{sqlCellJSON("a", "by_brand", "select brand_id, count(*) as n from obj_products group by 1"),
		{"id": "m", "kind": "markdown", "source": "# Notes"}}
	status, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Revenue", "version": 1, "cells": cells})
	if status != http.StatusOK || saved["version"].(float64) != 2 {
		t.Fatalf("save: %d %v", status, saved)
	}
	status, got := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	gotCells, _ := got["cells"].([]any)
	if status != http.StatusOK || len(gotCells) != 2 || gotCells[0].(map[string]any)["name"] != "by_brand" || gotCells[1].(map[string]any)["kind"] != "markdown" {
		t.Fatalf("get: %d %v", status, got)
	}
	status, conflict := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Lost", "version": 1, "cells": []cellJSON{}})
	if status != http.StatusConflict || errCode(conflict) != "conflict" {
		t.Fatalf("stale save: %d %v", status, conflict)
	}
	_, after := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	if after["title"] != "Revenue" || len(after["cells"].([]any)) != 2 {
		t.Fatalf("the stale save overwrote the notebook: %v", after)
	}
	status, revs := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/revisions", nil)
	list, _ := revs["revisions"].([]any)
	if status != http.StatusOK || len(list) != 2 {
		t.Fatalf("revisions: %d %v", status, revs)
	}
	first := list[0].(map[string]any)
	if first["version"].(float64) != 2 || first["author"] != "analyze@example.com" || first["saved_at"] == "" {
		t.Fatalf("revision fields: %v", first)
	}
}

func TestACellReadsAnEarlierCellByName(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "by_brand", "select brand_id, count(*) as n from obj_products group by 1"),
		sqlCellJSON("b", "total", "select sum(n) as products from by_brand"))
	status, direct := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) as products from obj_products"})
	if status != http.StatusOK {
		t.Fatal(direct)
	}
	status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/b/run", nil)
	if status != http.StatusOK {
		t.Fatalf("run: %d %v", status, res)
	}
	if fmt.Sprint(res["rows"]) != fmt.Sprint(direct["rows"]) {
		t.Fatalf("the second cell gave %v, the table holds %v", res["rows"], direct["rows"])
	}
	res2 := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/b/run", "", "Accept", "text/csv")
	if body := readAll(t, res2); res2.StatusCode != http.StatusOK || !strings.HasPrefix(body, "products\r\n") {
		t.Fatalf("run as CSV: %d %q", res2.StatusCode, body)
	}
}

func TestCellErrorsPointIntoTheRightCell(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "broken", "select\n  nope from obj_brands"),
		sqlCellJSON("b", "reader", "select * from broken"))
	status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/b/run", nil)
	e, _ := res["error"].(map[string]any)
	if status != http.StatusBadRequest || e["source"] != "broken" || e["line"].(float64) != 2 || e["column"].(float64) != 3 {
		t.Fatalf("run: %d %v", status, res)
	}
	status, kept := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/results", nil)
	if status != http.StatusOK || !strings.Contains(fmt.Sprint(kept), "nope") {
		t.Fatalf("the error is not kept as the cell's last result: %v", kept)
	}
}

func TestNotebookInputsAreBoundNotPasted(t *testing.T) {
	ta := newTestApp(t)
	status, n := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks", map[string]any{"title": "Inputs"})
	if status != http.StatusCreated {
		t.Fatal(n)
	}
	id := n["id"].(string)
	body := map[string]any{"title": "Inputs", "version": 1,
		"params": []map[string]any{{"name": "word", "type": "text", "default": "x"}, {"name": "days", "type": "date_range", "default": []string{"2026-01-01", "2026-12-31"}}},
		"cells":  []cellJSON{sqlCellJSON("a", "echo", "select $word as word, $days_start::date <= $days_end::date as ordered")}}
	if status, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, body); status != http.StatusOK {
		t.Fatal(saved)
	}
	for _, hostile := range []string{`'; drop view obj_brands; --`, `$days_start`, `' || (select email from obj_members limit 1) || '`} {
		status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", map[string]any{"params": map[string]any{"word": hostile}})
		rows, _ := res["rows"].([]any)
		if status != http.StatusOK || len(rows) != 1 || rows[0].([]any)[0] != hostile || rows[0].([]any)[1] != true {
			t.Fatalf("%q: %d %v", hostile, status, res)
		}
	}
	status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", map[string]any{"params": map[string]any{"nope": 1}})
	if status != http.StatusBadRequest {
		t.Fatalf("an unknown input: %d %v", status, res)
	}
}

func TestStrangersGetNotFoundEverywhere(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "x", "select 1"))
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	for _, r := range []struct{ method, path string }{
		{"GET", ""}, {"PUT", ""}, {"PATCH", ""}, {"GET", "/revisions"}, {"GET", "/revisions/1"}, {"POST", "/revisions/1/restore"},
		{"POST", "/fork"}, {"GET", "/shares"}, {"POST", "/shares"}, {"GET", "/results"}, {"POST", "/cells/a/run"}, {"GET", "/cells/a/result"},
	} {
		for _, tier := range []auth.Tier{auth.TierView, auth.TierData, auth.TierAdmin} {
			body := map[string]any{}
			switch {
			case r.method == "PUT":
				body = map[string]any{"title": "x", "version": 2, "cells": []cellJSON{}}
			case r.path == "/shares":
				body = map[string]any{"email": string(tier) + "@example.com", "role": "viewer"}
			}
			status, res := ta.call(t, tier, r.method, "/api/v1/notebooks/"+id+r.path, body)
			if status != http.StatusNotFound {
				t.Errorf("%s %s as %s: %d %v", r.method, r.path, tier, status, res)
			}
		}
	}
}

// restrictOrders makes act_orders restricted, granted to the one given.
func (ta *testApp) restrictOrders(t *testing.T, grantee string) {
	t.Helper()
	yes := true
	if err := ta.props.Set(t.Context(), "act_orders", queryPropRestricted(&yes)); err != nil {
		t.Fatal(err)
	}
	if err := ta.users.AddGrant(t.Context(), grantee, "act_orders", false); err != nil {
		t.Fatal(err)
	}
}

func TestViewersSeeResultsOnlyIfTheyCouldReadThem(t *testing.T) {
	ta := newTestApp(t)
	ta.restrictOrders(t, "data@example.com")
	id, _ := ta.newNotebook(t, auth.TierData, sqlCellJSON("a", "orders", "select count(*) as n from act_orders"),
		sqlCellJSON("b", "brands", "select count(*) as n from obj_brands"))
	for _, cell := range []string{"a", "b"} {
		if status, res := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/cells/"+cell+"/run", nil); status != http.StatusOK {
			t.Fatal(res)
		}
	}
	for _, who := range []string{"view@example.com", "analyze@example.com"} {
		if status, res := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": who, "role": "viewer"}); status != http.StatusOK {
			t.Fatal(res)
		}
	}
	_, res := ta.call(t, auth.TierView, "GET", "/api/v1/notebooks/"+id+"/results", nil)
	results := res["results"].(map[string]any)
	if _, hidden := results["a"].(map[string]any)["hidden"]; !hidden {
		t.Fatalf("a viewer without the act_orders grant sees its result: %v", results["a"])
	}
	if results["b"].(map[string]any)["data"] == nil {
		t.Fatalf("a viewer does not see the brands result: %v", results["b"])
	}
	if status, _ := ta.call(t, auth.TierView, "GET", "/api/v1/notebooks/"+id+"/cells/a/result", nil); status != http.StatusNotFound {
		t.Fatalf("a page of the hidden result: %d", status)
	}
	if status, _ := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/b/run", nil); status != http.StatusForbidden {
		t.Fatalf("a viewer ran a cell: %d", status)
	}
}

func TestResultPagesSortServerSide(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "nums", "select range as n, 'x' || range as s from range(250)"))
	status, first := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run?limit=100", nil)
	if status != http.StatusOK || len(first["rows"].([]any)) != 100 || first["row_count"].(float64) != 250 {
		t.Fatalf("first page: %d rows of %v", len(first["rows"].([]any)), first["row_count"])
	}
	_, last := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/result?offset=200&limit=100&sort=n&desc=true", nil)
	rows := last["rows"].([]any)
	if len(rows) != 50 || rows[0].([]any)[0].(float64) != 49 || rows[49].([]any)[0].(float64) != 0 {
		t.Fatalf("last page sorted descending: %v", rows)
	}
	status, bad := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/result?sort=nope", nil)
	if status != http.StatusBadRequest || errCode(bad) != "invalid" {
		t.Fatalf("sort by a missing column: %d %v", status, bad)
	}
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// TestCancellingACellRunStopsTheEngine is the cancel button: the page
// aborts its request, and the query must stop in the engine too.
func TestCancellingACellRunStopsTheEngine(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "forever", "select count(*) from range(1000000000000) a, range(10) b"))
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "POST", ta.srv.URL+"/api/v1/notebooks/"+id+"/cells/a/run", nil)
	req.Header.Set("Authorization", "Bearer "+ta.tokens[auth.TierAnalyze])
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	waitUntil(t, "the cell to start running", func() bool { return ta.engine.InFlight() == 1 })
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the run finished although it was cancelled")
	}
	waitUntil(t, "the engine to stop the query", func() bool { return ta.engine.InFlight() == 0 })
}

// waitUntil yields until cond holds, failing after 30 seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		runtime.Gosched()
	}
}

func TestCellExportsDownloadTheWholeResult(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "numbers", "select range as n from range(12000)"))
	for format, magic := range map[string]string{"csv": "n\r\n0\r\n", "xlsx": "PK", "parquet": "PAR1"} {
		res := ta.do(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/export?format="+format, "")
		body := readAll(t, res)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, magic) {
			t.Fatalf("%s: %d %.40q", format, res.StatusCode, body)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename=numbers.`+format {
			t.Fatalf("%s: Content-Disposition %q", format, cd)
		}
		if format == "csv" && strings.Count(body, "\n") != 12001 {
			t.Fatalf("the CSV holds %d lines, want 12001", strings.Count(body, "\n"))
		}
	}
	if status, res := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/export?format=pdf", nil); status != http.StatusBadRequest {
		t.Fatalf("format=pdf: %d %v", status, res)
	}
}

func TestNotebooksExportAndImportAsFiles(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "by_brand", "select brand_id from obj_brands"),
		cellJSON{"kind": "markdown", "source": "# Notes"})
	for _, format := range []struct{ name, contentType string }{{"sql", "application/sql"}, {"json", "application/json"}} {
		res := ta.do(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/export?format="+format.name, "")
		file := readAll(t, res)
		if res.StatusCode != http.StatusOK || !strings.Contains(file, "select brand_id from obj_brands") {
			t.Fatalf("export %s: %d %s", format.name, res.StatusCode, file)
		}
		res = ta.do(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/import", file, "Content-Type", format.contentType)
		body := readAll(t, res)
		if res.StatusCode != http.StatusCreated || !containsAll(body, `"title":"Test notebook"`, `"name":"by_brand"`, `"source":"# Notes"`) {
			t.Fatalf("import %s: %d %s", format.name, res.StatusCode, body)
		}
	}
	if status, body := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/import", nil); status != http.StatusBadRequest {
		t.Fatalf("an empty import: %d %v", status, body)
	}
	res := ta.do(t, auth.TierView, "POST", "/api/v1/notebooks/import", "select 1")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a view-tier user imports: %d", res.StatusCode)
	}
}
