package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestNotebookBadInputGetsPlainErrors sends wrong input to every notebook
// endpoint: each answers with its API.md status and a message, and the
// saved notebook is unchanged afterwards.
func TestNotebookBadInputGetsPlainErrors(t *testing.T) {
	ta := newTestApp(t)
	id, version := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "kept", "select 1 as one"))
	nb := "/api/v1/notebooks/" + id
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"create without a title", "POST", "/api/v1/notebooks", `{"title":"  "}`, 400},
		{"create with an unknown field", "POST", "/api/v1/notebooks", `{"title":"x","owner":"me"}`, 400},
		{"create with broken JSON", "POST", "/api/v1/notebooks", `{"title":`, 400},
		{"save without a version", "PUT", nb, `{"title":"x","cells":[]}`, 400},
		{"save a version that never was", "PUT", nb, `{"title":"x","version":99,"cells":[]}`, 409},
		{"save a bad cell name", "PUT", nb, `{"title":"x","version":2,"cells":[{"kind":"sql","name":"My Cell","source":"select 1"}]}`, 400},
		{"save cells of the wrong type", "PUT", nb, `{"title":"x","version":2,"cells":"select 1"}`, 400},
		{"a tag with a comma", "PATCH", nb, `{"tags":["a,b"]}`, 400},
		{"a revision that is not a number", "GET", nb + "/revisions/abc", ``, 404},
		{"a revision that does not exist", "GET", nb + "/revisions/42", ``, 404},
		{"share as boss", "POST", nb + "/shares", `{"email":"view@example.com","role":"boss"}`, 400},
		{"share with nobody", "POST", nb + "/shares", `{"email":"ghost@example.com","role":"viewer"}`, 400},
		{"run a missing cell", "POST", nb + "/cells/zzz/run", ``, 404},
		{"run with an unknown field", "POST", nb + "/cells/a/run", `{"parameters":{}}`, 400},
		{"a negative offset", "GET", nb + "/cells/a/result?offset=-1", ``, 400},
		{"params that are not JSON", "GET", nb + "/cells/a/export?format=csv&params=oops", ``, 400},
		{"export as pdf", "GET", nb + "/export?format=pdf", ``, 400},
		{"import a bad cell mark", "POST", "/api/v1/notebooks/import", "-- %% python x\nprint(1)", 400},
		{"import JSON that is not a notebook", "POST", "/api/v1/notebooks/import", `{"title":"x"}`, 400},
		{"a chart of no type", "GET", nb + "/cells/a/chart?type=", ``, 400},
		{"a chart of a column the result lacks", "GET", nb + "/cells/a/chart?type=bar&y=nope", ``, 400},
		{"downstream of a missing cell", "GET", nb + "/cells/zzz/downstream", ``, 404},
		{"markdown that is not a string", "POST", "/api/v1/markdown", `{"source":42}`, 400},
	}
	ta.call(t, auth.TierAnalyze, "POST", nb+"/cells/a/run", nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			contentType := "application/json"
			if strings.HasPrefix(c.body, "--") {
				contentType = "text/plain"
			}
			res := ta.do(t, auth.TierAnalyze, c.method, c.path, c.body, "Content-Type", contentType)
			body := readAll(t, res)
			if res.StatusCode != c.status || !containsAll(body, `"error"`, `"message"`) {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
		})
	}
	status, n := ta.call(t, auth.TierAnalyze, "GET", nb, nil)
	cells, _ := n["cells"].([]any)
	if status != http.StatusOK || int(n["version"].(float64)) != version || len(cells) != 1 || cells[0].(map[string]any)["source"] != "select 1 as one" {
		t.Fatalf("bad input changed the saved notebook: %v", n)
	}
}

func TestNotebookFormWithoutATitleSaysSo(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	res, page := b.post("/notebooks", map[string][]string{"title": {" "}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=error-message]`).Text(), "title") {
		t.Fatalf("%d: %s", res.StatusCode, page.Text())
	}
}

func TestRevisionPagesAnswerBadInputPlainly(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "kept", "select 1 as one"))
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": "handle@example.com", "role": "viewer"})
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	for _, path := range []string{"/notebooks/" + id + "/revisions/abc", "/notebooks/" + id + "/revisions/42", "/notebooks/nope/revisions"} {
		if res, page := b.get(path); res.StatusCode != http.StatusNotFound || page.Find(`[data-testid=error-message]`).Text() == "" {
			t.Errorf("%s: %d, want 404 with a message", path, res.StatusCode)
		}
	}
	viewer := ta.browser(t)
	viewer.signIn("handle@example.com")
	_, list := viewer.get("/notebooks/" + id + "/revisions")
	if list.Find(`[data-testid=restore]`).Length() != 0 {
		t.Error("a viewer is offered a restore button")
	}
	res, page := viewer.post("/notebooks/"+id+"/revisions/1/restore", map[string][]string{"_csrf": {csrfFrom(list)}})
	if res.StatusCode != http.StatusForbidden || page.Find(`[data-testid=error-message]`).Text() == "" {
		t.Fatalf("a viewer restoring: %d, want 403 with a message", res.StatusCode)
	}
	_, n := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	if n["version"].(float64) != 2 {
		t.Fatalf("the refused restore saved a version: %v", n["version"])
	}
}

// TestNotebookInputsShowAndEmptyRangesSaySo: the read view shows each
// input's value; a cell that reads a date range with no dates is told to
// pick them instead of answering no rows.
func TestNotebookInputsShowAndEmptyRangesSaySo(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze)
	cell := sqlCellJSON("a", "orders", "select count(*) as n from act_orders where dt between $period_start and $period_end")
	save := func(version int, period any) int {
		status, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Orders in a period", "version": version,
			"cells": []cellJSON{cell}, "params": []map[string]any{{"name": "period", "type": "date_range", "label": "Period", "default": period}}})
		if status != http.StatusOK {
			t.Fatalf("save: %d %v", status, saved)
		}
		return int(saved["version"].(float64))
	}
	v := save(1, nil)
	status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["error"]), "period has no dates") {
		t.Fatalf("a run with an empty range: %d %v", status, out)
	}
	save(v, []any{"2026-01-01", "2026-01-02"})
	if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil); status != http.StatusOK {
		t.Fatalf("a run with a range: %d %v", status, out)
	}
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	_, page := b.get("/notebooks/" + id)
	inputs := page.Find(`[data-testid=read-inputs]`)
	if !strings.Contains(inputs.Text(), "$period") || inputs.Find(`[data-testid=input-value]`).Text() != "2026-01-01 to 2026-01-02" {
		t.Fatalf("the read view's inputs: %q", inputs.Text())
	}
}
