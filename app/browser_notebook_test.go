package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/pier-analytics/pier/auth"
)

// waitFor polls a JavaScript condition until it holds; the editor works
// asynchronously (autosave, runs), and the page is the thing to ask.
func waitFor(cond string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))
}

// cellSel selects the n-th cell (0-based) of the editor.
func cellSel(n int) string {
	return fmt.Sprintf(`[data-testid=cells] > [data-testid=cell]:nth-of-type(%d)`, n+1)
}

// typeSQL names the n-th cell and types its SQL into the editor as a
// person would, key by key.
func typeSQL(n int, name, sql string) chromedp.Action[chromedp.Void] {
	sel := cellSel(n)
	return chromedp.Steps(
		chromedp.Clear(sel+` [data-testid=cell-name]`),
		chromedp.SendKeys(sel+` [data-testid=cell-name]`, name),
		chromedp.Click(sel+` .cm-content`),
		chromedp.SendKeys(sel+` .cm-content`, sql),
	)
}

func savedVersion(t *testing.T, ctx context.Context) int {
	t.Helper()
	err := chromedp.Do(ctx, waitFor(`document.querySelector('[data-testid=save-status]').textContent.startsWith('Saved')`))
	if err != nil {
		t.Fatalf("the notebook never saved: %v (status %q)", err, text(t, ctx, `[data-testid=save-status]`))
	}
	var v int
	fmt.Sscanf(text(t, ctx, `[data-testid=save-status]`), "Saved · version %d", &v)
	return v
}

// TestBrowserAnalystWritesANotebook is issue 3's walk-through: an analyst
// creates a notebook, writes and runs two cells where the second reads the
// first, makes a chart, reloads and finds the saved revision.
func TestBrowserAnalystWritesANotebook(t *testing.T) {
	ta := newTestApp(t)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx,
		chromedp.Click(`[data-testid=nav-notebooks]`), chromedp.WaitVisible(`[data-testid=new-notebook] input[name=title]`),
		chromedp.SendKeys(`[data-testid=new-notebook] input[name=title]`, "Daily users"),
		chromedp.Submit(`[data-testid=new-notebook] input[name=title]`),
		// A new notebook opens with one empty SQL cell to write in.
		chromedp.WaitVisible(cellSel(0)+` .cm-content`),
		typeSQL(0, "daily", "select dt, count(distinct member_id) as dau from act_page_views group by dt order by dt"),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(cellSel(0)+` [data-testid=result]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rows := count(t, ctx, cellSel(0)+` [data-testid=result] tbody tr`); rows != 3 {
		t.Fatalf("the first cell shows %d days, the demo lake has 3", rows)
	}
	if n := count(t, ctx, `.cm-content .tok-keyword, .cm-content [class*=ͼ]`); n == 0 {
		t.Error("the SQL is not highlighted")
	}

	_, direct := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{
		"sql": "select dt::varchar, count(distinct member_id) as dau from act_page_views group by dt order by dau desc, dt limit 1"})
	busiest := direct["rows"].([]any)[0].([]any)
	err = chromedp.Do(ctx,
		chromedp.Click(`[data-testid=cells] > .add-cell:last-child [data-testid=add-sql]`), chromedp.WaitVisible(cellSel(1)+` .cm-content`),
		typeSQL(1, "busiest", "select * from daily order by dau desc, dt limit 1"),
		chromedp.Click(cellSel(1)+` [data-testid=run-cell]`),
		chromedp.WaitVisible(cellSel(1)+` [data-testid=result]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	got := text(t, ctx, cellSel(1)+` [data-testid=result] tbody tr`)
	if !strings.Contains(got, fmt.Sprint(busiest[0])) || !strings.Contains(got, fmt.Sprint(busiest[1])) {
		t.Fatalf("the second cell reads the first: it shows %q, the busiest day is %v", got, busiest)
	}
	screenshot(t, ctx, "notebook-editor")

	err = chromedp.Do(ctx,
		chromedp.SetValue(cellSel(0)+` [data-testid=chart-type]`, "bar"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+cellSel(0)+` [data-testid=chart-type]').dispatchEvent(new Event('change'))`),
		chromedp.WaitVisible(cellSel(0)+` [data-testid=chart] svg`),
		waitFor(`document.querySelector('`+cellSel(0)+` [data-testid=chart-x]')?.value === 'dt'`),
	)
	if err != nil {
		t.Fatal(err)
	}
	bars, err := chromedp.Run(ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.querySelector('`+cellSel(0)+` [data-testid=chart]')).getOption().series[0].data.length`))
	if err != nil || bars != 3 {
		t.Fatalf("the bar chart has %d bars (%v), want one per day", bars, err)
	}
	screenshot(t, ctx, "notebook-chart")
	version := savedVersion(t, ctx)

	err = chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(cellSel(1)+` [data-testid=result]`),
		chromedp.WaitVisible(cellSel(0)+` [data-testid=chart] svg`))
	if err != nil {
		t.Fatal(err)
	}
	names, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-testid=cell-name]')].map(e => e.value).join(',')`))
	if err != nil || names != "daily,busiest" {
		t.Fatalf("after a reload the cells are %q (%v)", names, err)
	}
	if status := text(t, ctx, `[data-testid=save-status]`); status != fmt.Sprintf("Saved · version %d", version) {
		t.Fatalf("after a reload the page says %q, the last save was version %d", status, version)
	}
	screenshot(t, ctx, "notebook-reloaded")

	// The second cell, which reads the first, becomes a dataset.
	err = chromedp.Do(ctx, chromedp.Click(cellSel(1)+` [data-testid=save-as-dataset]`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('`+cellSel(1)+` [data-testid=dataset-name]').value = ''`),
		chromedp.SendKeys(cellSel(1)+` [data-testid=dataset-name]`, "Busiest days"),
		chromedp.Click(cellSel(1)+` [data-testid=dataset-save]`),
		chromedp.WaitVisible(cellSel(1)+` [data-testid=dataset-link]`))
	if err != nil {
		t.Fatalf("saving a cell as a dataset: %v (%s)", err, text(t, ctx, cellSel(1)+` [data-testid=dataset-message]`))
	}
	if _, list := ta.call(t, auth.TierHandle, "GET", "/api/v1/datasets", nil); len(list["datasets"].([]any)) != 1 ||
		list["datasets"].([]any)[0].(map[string]any)["name"] != "Busiest days" {
		t.Fatalf("datasets after saving the cell: %v", list)
	}

	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=revisions]`), chromedp.WaitVisible(`[data-testid=revision-list]`))
	if err != nil {
		t.Fatal(err)
	}
	top := text(t, ctx, `[data-testid=revision]`)
	if !strings.Contains(top, fmt.Sprintf("Version %d", version)) || !strings.Contains(top, "analyze@example.com") || !strings.Contains(top, "current") {
		t.Fatalf("the newest revision reads %q", top)
	}
	screenshot(t, ctx, "notebook-revisions")

	// The first save gave the starter cell its SQL: the diff shows it added.
	// The saves of this session read as one change; every save opens too.
	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=every-save]`), chromedp.WaitVisible(`[data-testid=revision][data-version="2"]`),
		chromedp.Click(`[data-testid=revision][data-version="2"] a`), chromedp.WaitVisible(`[data-testid=diff-summary]`))
	if err != nil {
		t.Fatal(err)
	}
	if added := text(t, ctx, `pre.diff .add`); !strings.Contains(added, "select") {
		t.Fatalf("version 2 adds %q", added)
	}
	screenshot(t, ctx, "notebook-diff")
}

// TestBrowserEditorHelpsWithMistakes: autocomplete offers the tables the
// analyst may read, an error in an earlier cell is marked where it is, and
// cancel stops a runaway query in the engine.
func TestBrowserEditorHelpsWithMistakes(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "base", "select dt,\n  count(*) as n\nfrom act_page_views\ngroup by dtt"),
		sqlCellJSON("b", "reader", "select * from base"),
		sqlCellJSON("c", "forever", "select count(*) from range(1000000000000) a, range(10) b"),
		sqlCellJSON("d", "numbers", "select range as n from range(120)"))
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+id+"/edit"), chromedp.WaitVisible(cellSel(2)+` .cm-content`),
		chromedp.Click(cellSel(1)+` [data-testid=run-cell]`),
		chromedp.WaitVisible(cellSel(1)+` [data-testid=cell-error]`),
		chromedp.WaitReady(cellSel(0)+` .cm-lintRange-error`))
	if err != nil {
		t.Fatal(err)
	}
	msg := text(t, ctx, cellSel(1)+` [data-testid=cell-error]`)
	marked := text(t, ctx, cellSel(0)+` .cm-lintRange-error`)
	if !strings.Contains(msg, "In cell base, line 4") || !strings.Contains(msg, "dtt") || marked != "dtt" {
		t.Fatalf("the error reads %q and marks %q; it should point at dtt on line 4 of base", msg, marked)
	}
	screenshot(t, ctx, "notebook-error")

	err = chromedp.Do(ctx,
		chromedp.Click(cellSel(1)+` .cm-content`), chromedp.KeyEvent(kb.End),
		chromedp.SendKeys(cellSel(1)+` .cm-content`, " join obj_pro"),
		// The completion list is redrawn as it narrows, so ask the page
		// rather than watch one node.
		waitFor(`document.querySelector('.cm-tooltip-autocomplete')?.textContent.includes('obj_p')`))
	if err != nil {
		t.Fatal(err)
	}
	if offered := text(t, ctx, `.cm-tooltip-autocomplete`); !strings.Contains(offered, "obj_products") {
		t.Fatalf("autocomplete offers %q", offered)
	}
	screenshot(t, ctx, "notebook-autocomplete")

	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape), chromedp.Click(cellSel(2)+` [data-testid=run-cell]`),
		chromedp.WaitVisible(cellSel(2)+` [data-testid=cancel]`))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the query to reach the engine", func() bool { return ta.engine.InFlight() == 1 })
	err = chromedp.Do(ctx, chromedp.Click(cellSel(2)+` [data-testid=cancel]`), chromedp.WaitVisible(cellSel(2)+` [data-testid=cancelled]`))
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the engine to stop the query", func() bool { return ta.engine.InFlight() == 0 })

	// Results come a page at a time and sort on the server.
	first := func() string { return text(t, ctx, cellSel(3)+` [data-testid=result] tbody tr td`) }
	err = chromedp.Do(ctx, chromedp.Click(cellSel(3)+` [data-testid=run-cell]`), chromedp.WaitVisible(cellSel(3)+` [data-testid=result]`))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, cellSel(3)+` [data-testid=row-count]`); got != "Rows 1–50 of 120" || first() != "0" {
		t.Fatalf("first page: %q starting at %q", got, first())
	}
	err = chromedp.Do(ctx, chromedp.Click(cellSel(3)+` [data-testid=next-page]`),
		waitFor(`document.querySelector('`+cellSel(3)+` [data-testid=row-count]').textContent === 'Rows 51–100 of 120'`))
	if err != nil || first() != "50" {
		t.Fatalf("next page starts at %q (%v)", first(), err)
	}
	sortBy := chromedp.Click(cellSel(3) + ` th button.sort`)
	err = chromedp.Do(ctx, sortBy, waitFor(`document.querySelector('`+cellSel(3)+` th').getAttribute('aria-sort') === 'ascending'`),
		sortBy, waitFor(`document.querySelector('`+cellSel(3)+` th').getAttribute('aria-sort') === 'descending'`))
	if err != nil || first() != "119" {
		t.Fatalf("sorted high to low, the first row is %q (%v)", first(), err)
	}
}

// TestBrowserStaleSaveKeepsBothVersions: someone else saves while the
// analyst edits; the page says so and keeps the analyst's work as a copy.
func TestBrowserStaleSaveKeepsBothVersions(t *testing.T) {
	ta := newTestApp(t)
	id, version := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "first", "select 1 as n"), sqlCellJSON("b", "second", "select 2 as n"))
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+id+"/edit"), chromedp.WaitVisible(cellSel(1)+` .cm-content`),
		chromedp.Click(cellSel(1)+` [data-testid=move-up]`))
	if err != nil {
		t.Fatal(err)
	}
	moved := savedVersion(t, ctx)
	_, nb := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	if first := nb["cells"].([]any)[0].(map[string]any)["name"]; moved != version+1 || first != "second" {
		t.Fatalf("moving a cell up saved version %d with %v first", moved, first)
	}
	err = chromedp.Do(ctx, chromedp.Click(cellSel(0)+` [data-testid=delete-cell]`), chromedp.WaitVisible(`[data-testid=undo-delete]`),
		chromedp.Click(`[data-testid=undo-delete]`))
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, `[data-testid=cells] > [data-testid=cell]`); n != 2 {
		t.Fatalf("undo brought back %d cells, want 2", n)
	}
	savedVersion(t, ctx)

	_, current := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	status, theirs := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Theirs",
		"version": current["version"], "cells": []cellJSON{sqlCellJSON("a", "first", "select 'theirs' as who")}})
	if status != 200 {
		t.Fatal(theirs)
	}
	err = chromedp.Do(ctx, chromedp.Click(cellSel(0)+` .cm-content`), chromedp.KeyEvent(kb.End),
		chromedp.SendKeys(cellSel(0)+` .cm-content`, " -- mine"),
		chromedp.WaitVisible(`[data-testid=conflict]`))
	if err != nil {
		t.Fatal(err)
	}
	if banner := text(t, ctx, `[data-testid=conflict]`); !strings.Contains(banner, "analyze@example.com saved version") {
		t.Fatalf("the conflict banner reads %q", banner)
	}
	screenshot(t, ctx, "notebook-conflict")
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(`[data-testid=conflict-copy]`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(cellSel(0)+` .cm-content`)); err != nil {
		t.Fatal(err)
	}
	copyTitle, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=title-input]').value`))
	if err != nil || copyTitle != "Test notebook (my copy)" {
		t.Fatalf("the copy is titled %q (%v)", copyTitle, err)
	}
	if src := text(t, ctx, cellSel(0)+` .cm-content`); !strings.Contains(src, "-- mine") {
		t.Fatalf("the copy holds %q, not my change", src)
	}
	_, after := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	if after["title"] != "Theirs" {
		t.Fatalf("their save was overwritten: %v", after["title"])
	}
}

// TestBrowserInputsRunAllTextAndSharing covers the rest of the editor: an
// input bound to the run, run all, a text cell's preview and sharing.
func TestBrowserInputsRunAllTextAndSharing(t *testing.T) {
	ta := newTestApp(t)
	id, version := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "daily", "select dt, count(distinct member_id) as dau from act_page_views group by dt"),
		sqlCellJSON("b", "busy_days", "select count(*) as days from daily where dau >= $min_dau"))
	status, saved := ta.call(t, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, map[string]any{"title": "Busy days", "version": version,
		"cells": []cellJSON{sqlCellJSON("a", "daily", "select dt, count(distinct member_id) as dau from act_page_views group by dt"),
			sqlCellJSON("b", "busy_days", "select count(*) as days from daily where dau >= $min_dau")},
		"params": []map[string]any{{"name": "min_dau", "type": "number", "default": 0}}})
	if status != 200 {
		t.Fatal(saved)
	}
	_, top := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{
		"sql": "select max(dau) as top from (select count(distinct member_id) as dau from act_page_views group by dt)"})
	topDAU := top["rows"].([]any)[0].([]any)[0].(float64)

	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+id+"/edit"), chromedp.WaitVisible(`[data-testid=input] input`),
		chromedp.SetValue(`[data-testid=input] input`, fmt.Sprint(topDAU)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=input] input').dispatchEvent(new Event('change'))`),
		chromedp.Click(`[data-testid=run-all]`),
		chromedp.WaitVisible(cellSel(1)+` [data-testid=result]`), chromedp.WaitVisible(cellSel(0)+` [data-testid=result]`))
	if err != nil {
		t.Fatal(err)
	}
	if days := text(t, ctx, cellSel(1)+` [data-testid=result] tbody td`); days != "1" {
		t.Fatalf("with min_dau = %v the page counts %q busy days, want the 1 top day", topDAU, days)
	}
	// Run downstream from the first cell re-runs the second, which reads it.
	err = chromedp.Do(ctx, chromedp.SetValue(`[data-testid=input] input`, "0"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=input] input').dispatchEvent(new Event('change'))`),
		chromedp.Click(cellSel(0)+` [data-testid=run-downstream]`),
		waitFor(`document.querySelector('`+cellSel(1)+` [data-testid=result] tbody td')?.textContent === '3'`))
	if err != nil {
		t.Fatalf("run downstream with min_dau = 0 should count all 3 days: %v (shows %q)", err, text(t, ctx, cellSel(1)+` [data-testid=result] tbody td`))
	}

	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=cells] > .add-cell:first-child [data-testid=add-text]`),
		chromedp.WaitVisible(cellSel(0)+` .cm-content`),
		chromedp.SendKeys(cellSel(0)+` .cm-content`, "# Busy days"),
		chromedp.Click(`[data-testid=title-input]`),
		chromedp.WaitVisible(cellSel(0)+` [data-testid=markdown-preview] h1`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=share] summary`), chromedp.WaitVisible(`[data-testid=share-email]`),
		chromedp.SendKeys(`[data-testid=share-email]`, "handle@example.com"),
		chromedp.Click(`[data-testid=share] button[type=submit]`),
		waitFor(`document.querySelector('[data-testid=share]').textContent.includes('handle@example.com) — can view')`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "notebook-inputs-share")
	version = savedVersion(t, ctx)
	_, shares := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/shares", nil)
	_, nb := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, nil)
	param := nb["params"].([]any)[0].(map[string]any)
	if len(shares["shares"].([]any)) != 1 || param["default"].(float64) != 0 || len(nb["cells"].([]any)) != 3 {
		t.Fatalf("saved: shares %v, input %v, %d cells", shares, param, len(nb["cells"].([]any)))
	}
}

// TestBrowserTheEditorKnowsTheSchemaAndWhatIsStale: the schema browser
// lists the tables with their columns, types and PII; autocomplete offers
// the columns of the tables a statement names; changing a cell marks it
// and the cells that read it stale until they run again.
func TestBrowserTheEditorKnowsTheSchemaAndWhatIsStale(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		sqlCellJSON("a", "paid", "select * from act_orders where status = 'paid'"),
		sqlCellJSON("b", "per_day", "select dt, count(*) as n from paid group by dt"),
		sqlCellJSON("c", "other", "select 1 as one"))
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/notebooks/"+id+"/edit"), chromedp.WaitVisible(cellSel(2)+` .cm-content`))
	if err != nil {
		t.Fatal(err)
	}
	members := `[data-testid=schema] [data-table=obj_members]`
	err = chromedp.Do(ctx, chromedp.Click(members+` summary`, chromedp.NodeVisible), chromedp.WaitVisible(members+` li`))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, members); !strings.Contains(got, "email") || !strings.Contains(got, "VARCHAR") || !strings.Contains(got, "PII") {
		t.Fatalf("the schema browser shows obj_members as %q", got)
	}
	for i := range 3 {
		if err := chromedp.Do(ctx, chromedp.Click(cellSel(i)+` [data-testid=run-cell]`), chromedp.WaitVisible(cellSel(i)+` [data-testid=result]`)); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, ctx, `[data-testid=stale]:not([hidden])`); n != 0 {
		t.Fatalf("%d cells stale after running them all", n)
	}
	err = chromedp.Do(ctx, chromedp.Click(cellSel(0)+` .cm-content`), chromedp.KeyEvent(kb.End),
		chromedp.SendKeys(cellSel(0)+` .cm-content`, " and tot"),
		waitFor(`[...document.querySelectorAll('.cm-tooltip-autocomplete li')].some(li => li.textContent.startsWith('total'))`))
	if err != nil {
		t.Fatalf("autocomplete did not offer act_orders' column total: %v", err)
	}
	screenshot(t, ctx, "notebook-columns")
	err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape), waitFor(`!document.querySelector('`+cellSel(1)+` [data-testid=stale]').hidden`))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := text(t, ctx, cellSel(0)+` [data-testid=stale]`), text(t, ctx, cellSel(1)+` [data-testid=stale]`); !strings.Contains(a, "SQL changed") || !strings.Contains(b, "paid changed") {
		t.Fatalf("stale marks: %q and %q", a, b)
	}
	if n := count(t, ctx, cellSel(2)+` [data-testid=stale]:not([hidden])`); n != 0 {
		t.Fatal("a cell that reads nothing changed is marked stale")
	}
	screenshot(t, ctx, "notebook-stale")
	err = chromedp.Do(ctx, chromedp.SendKeys(cellSel(0)+` .cm-content`, "al > 0"), chromedp.Click(cellSel(0)+` [data-testid=run-cell]`),
		waitFor(`document.querySelector('`+cellSel(0)+` [data-testid=stale]').hidden`))
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, ctx, cellSel(1)+` [data-testid=stale]:not([hidden])`); n != 1 {
		t.Fatal("the cell reading a changed cell is no longer stale though it has not run again")
	}
	err = chromedp.Do(ctx, chromedp.Click(cellSel(1)+` [data-testid=run-cell]`), waitFor(`document.querySelector('`+cellSel(1)+` [data-testid=stale]').hidden`))
	if err != nil {
		t.Fatalf("running the reader again leaves it stale: %v", err)
	}
}
