package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
)

func TestEditorPageEmbedsTheNotebookForItsEditorsOnly(t *testing.T) {
	ta := newTestApp(t)
	id, version := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "brands", "select count(*) as n from obj_brands"))
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": "handle@example.com", "role": "viewer"})

	b := ta.browser(t)
	b.signIn("analyze@example.com")
	res, page := b.get("/notebooks/" + id + "/edit")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("editor: %d", res.StatusCode)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("pages run only Pier's own scripts; the policy is %q", csp)
	}
	var data struct {
		Notebook struct {
			Version int `json:"version"`
			Cells   []struct {
				Name string `json:"name"`
			} `json:"cells"`
		} `json:"notebook"`
		Results map[string]struct {
			Page *struct {
				RowCount int `json:"row_count"`
			} `json:"page"`
		} `json:"results"`
		Tables   []struct{ Name string } `json:"tables"`
		CanShare bool                    `json:"can_share"`
	}
	if err := json.Unmarshal([]byte(page.Find(`#notebook-data`).Text()), &data); err != nil {
		t.Fatal(err)
	}
	if data.Notebook.Version != version || data.Notebook.Cells[0].Name != "brands" || !data.CanShare {
		t.Errorf("embedded notebook: %+v", data.Notebook)
	}
	if r := data.Results["a"]; r.Page == nil || r.Page.RowCount != 1 {
		t.Errorf("the cell's last result is embedded: %+v", r)
	}
	if len(data.Tables) == 0 {
		t.Error("no tables for autocomplete")
	}

	viewer := ta.browser(t)
	viewer.signIn("handle@example.com")
	if res, _ := viewer.get("/notebooks/" + id + "/edit"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/notebooks/"+id {
		t.Errorf("a viewer is sent to the read view: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	stranger := ta.browser(t)
	stranger.signIn("data@example.com")
	if res, _ := stranger.get("/notebooks/" + id + "/edit"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a stranger opens the editor: %d", res.StatusCode)
	}
}

func TestMarkdownPreviewIsSanitised(t *testing.T) {
	ta := newTestApp(t)
	status, out := ta.call(t, auth.TierView, "POST", "/api/v1/markdown", map[string]string{"source": "**hi** <script>alert(1)</script> [x](javascript:alert(1))"})
	html, _ := out["html"].(string)
	if status != http.StatusOK || !strings.Contains(html, "<strong>hi</strong>") || strings.Contains(html, "<script") || strings.Contains(html, "javascript:") {
		t.Fatalf("preview: %d %q", status, html)
	}
}

func TestDownstreamListsTheCellsThatReadACell(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "base", "select 1 as n"),
		sqlCellJSON("b", "other", "select 2 as n"),
		sqlCellJSON("c", "reads_base", "select n from base"),
		sqlCellJSON("d", "reads_reader", "select n from reads_base"))
	status, out := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/downstream", nil)
	if got, _ := json.Marshal(out["cells"]); status != http.StatusOK || string(got) != `["c","d"]` {
		t.Fatalf("downstream of a: %d %s", status, got)
	}
	if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/zz/downstream", nil); status != http.StatusNotFound {
		t.Fatalf("a cell that is not there: %d", status)
	}
}

func TestRevisionPagesShowTheDiffAndRestoreInOneClick(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "daily", "select dt,\n  count(*) as n\nfrom act_page_views\ngroup by dt"))
	status, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Daily users", "version": 2,
		"cells": []cellJSON{sqlCellJSON("a", "daily", "select dt,\n  count(distinct member_id) as n\nfrom act_page_views\ngroup by dt")}})
	if status != http.StatusOK {
		t.Fatal(saved)
	}
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	_, list := b.get("/notebooks/" + id + "/revisions")
	// Three saves in a moment by one person read as one change...
	if rows := list.Find(`[data-testid=revision]`); rows.Length() != 1 || !strings.Contains(rows.Text(), "3 saves since version 1") {
		t.Fatalf("grouped revisions: %d rows, %q", rows.Length(), rows.Text())
	}
	// ...and every save is still there to open and restore.
	_, list = b.get("/notebooks/" + id + "/revisions?every=1")
	if n := list.Find(`[data-testid=revision]`).Length(); n != 3 {
		t.Fatalf("%d revisions listed, want 3", n)
	}
	_, diff := b.get("/notebooks/" + id + "/revisions/3")
	var removed, added string
	diff.Find(`pre.diff .del`).Each(func(_ int, s *goquery.Selection) { removed += s.Text() })
	diff.Find(`pre.diff .add`).Each(func(_ int, s *goquery.Selection) { added += s.Text() })
	if !strings.Contains(removed, "count(*)") || !strings.Contains(added, "count(distinct member_id)") || strings.Contains(added, "from act_page_views") {
		t.Errorf("diff: removed %q, added %q", removed, added)
	}
	if got := diff.Find(`[data-testid=title-change]`).Text(); !strings.Contains(got, "Test notebook") || !strings.Contains(got, "Daily users") {
		t.Errorf("title change: %q", got)
	}

	res, _ := b.post("/notebooks/"+id+"/revisions/2/restore", url.Values{"_csrf": {csrfFrom(list)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", res.StatusCode)
	}
	_, now := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	cell := now["cells"].([]any)[0].(map[string]any)
	if now["version"].(float64) != 4 || !strings.Contains(cell["source"].(string), "count(*)") {
		t.Fatalf("after restoring version 2: version %v, source %q", now["version"], cell["source"])
	}
	_, after := b.get("/notebooks/" + id + "/revisions?restored=2")
	if !strings.Contains(after.Find(`[data-testid=restored]`).Text(), "Version 2 is restored as version 4") {
		t.Errorf("restore notice: %q", after.Find(`[data-testid=restored]`).Text())
	}

	viewer := ta.browser(t)
	viewer.signIn("data@example.com")
	if res, _ := viewer.get("/notebooks/" + id + "/revisions/2"); res.StatusCode != http.StatusNotFound {
		t.Errorf("a stranger reads a revision: %d", res.StatusCode)
	}
}
