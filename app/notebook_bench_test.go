package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// bigNotebook is 200 SQL cells of a realistic size, as JSON cells.
func bigNotebook() []cellJSON {
	cells := make([]cellJSON, 200)
	for i := range cells {
		src := fmt.Sprintf("-- step %d\nselect dt, page, count(*) as views, count(distinct member_id) as members\nfrom act_page_views\nwhere search_keyword is not null\ngroup by all\norder by views desc\nlimit %d", i, i+10)
		cells[i] = sqlCellJSON(fmt.Sprintf("c%d", i), fmt.Sprintf("step_%d", i), src)
	}
	return cells
}

// BenchmarkNotebook200Cells measures opening and saving a 200-cell notebook
// through the HTTP API on the SQLite store, each save a new revision.
func BenchmarkNotebook200Cells(b *testing.B) {
	ta := newTestApp(b)
	id, version := ta.newNotebook(b, auth.TierAnalyze, bigNotebook()...)
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			res := ta.do(b, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, "")
			if res.StatusCode != http.StatusOK {
				b.Fatal(res.Status)
			}
			readAll(b, res)
		}
	})
	b.Run("save", func(b *testing.B) {
		cells := bigNotebook()
		for b.Loop() {
			body, _ := json.Marshal(map[string]any{"title": "Big", "version": version, "cells": cells})
			res := ta.do(b, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, string(body))
			text := readAll(b, res)
			if res.StatusCode != http.StatusOK {
				b.Fatal(text)
			}
			version++
			if !strings.Contains(text, fmt.Sprintf(`"version":%d`, version)) {
				b.Fatalf("saved as %s", text[:40])
			}
		}
	})
}

// BenchmarkNotebookEditor200Cells measures opening the editor of a
// 200-cell notebook whose cells have all been run: the page as the server
// renders it (notebook, first pages of results and the table list
// embedded), and the page in Chromium until all 200 cells are on it and
// the first shows its editor and result (the editors of cells further down
// are made as they come near the screen). A one-cell notebook opened the
// same way is the floor: navigation and polling cost as much there.
func BenchmarkNotebookEditor200Cells(b *testing.B) {
	ta := newTestApp(b)
	id, _ := ta.newNotebook(b, auth.TierAnalyze, bigNotebook()...)
	for i := range 200 {
		if res := ta.do(b, auth.TierAnalyze, "POST", fmt.Sprintf("/api/v1/notebooks/%s/cells/c%d/run", id, i), ""); res.StatusCode != http.StatusOK {
			b.Fatal(readAll(b, res))
		} else {
			readAll(b, res)
		}
	}
	b.Run("server", func(b *testing.B) {
		br := ta.browser(b)
		br.signIn("analyze@example.com")
		for b.Loop() {
			if res, _ := br.get("/notebooks/" + id + "/edit"); res.StatusCode != http.StatusOK {
				b.Fatal(res.Status)
			}
		}
	})
	one, _ := ta.newNotebook(b, auth.TierAnalyze, bigNotebook()[:1]...)
	// One browser signs in once: repeated sign-ins would meet the throttle.
	ctx := newChrome(b)
	signInBrowser(b, ctx, ta.srv.URL, "analyze@example.com")
	b.Run("chromium-1-cell", func(b *testing.B) {
		for b.Loop() {
			err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+one+"/edit"), waitFor(`document.querySelector('[data-testid=cell] .cm-editor')`))
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chromium", func(b *testing.B) {
		for b.Loop() {
			err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+id+"/edit"),
				waitFor(`document.querySelectorAll('[data-testid=cell]').length === 200 && document.querySelector('[data-testid=cell] .cm-editor') && document.querySelector('[data-testid=cell] [data-testid=result]')`))
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
