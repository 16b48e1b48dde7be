package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

func TestNotebookPagesListShowAndSanitise(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	res, _ := b.post("/notebooks", url.Values{"title": {"Weekly orders"}, "folder": {"Sales"}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/notebooks/") {
		t.Fatalf("create: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	id := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/notebooks/"), "/edit")
	_, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Weekly orders", "version": 1, "cells": []cellJSON{
		{"kind": "markdown", "source": "# Orders\n<script>window.pwned=1</script>\n[x](javascript:alert(1))"},
		sqlCellJSON("s", "brands", "select count(*) as n from obj_brands"),
	}})
	if saved["version"] == nil {
		t.Fatal(saved)
	}
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/s/run", nil)

	_, list := b.get("/notebooks?folder=Sales")
	if got := list.Find(`[data-testid=notebook-row] a`).First().Text(); got != "Weekly orders" {
		t.Fatalf("the list shows %q", got)
	}
	_, page := b.get("/notebooks/" + id)
	if page.Find(`[data-testid=notebook-title]`).Text() != "Weekly orders" {
		t.Fatal("no title on the notebook page")
	}
	md, _ := page.Find(`[data-kind=markdown] .markdown`).Html()
	if !strings.Contains(md, "<h1") || strings.Contains(md, "<script") || strings.Contains(md, "javascript:") {
		t.Fatalf("markdown is not rendered safely: %s", md)
	}
	if page.Find(`[data-cell=s] [data-testid=result] td`).First().Text() == "" {
		t.Fatal("the SQL cell's last result is not shown")
	}
	stranger := ta.browser(t)
	stranger.signIn("data@example.com")
	if res, _ := stranger.get("/notebooks/" + id); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a stranger opens the notebook page: %d", res.StatusCode)
	}
}
