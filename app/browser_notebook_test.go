package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
		chromedp.Clear(sel + ` [data-testid=cell-name]`),
		chromedp.SendKeys(sel+` [data-testid=cell-name]`, name),
		chromedp.Click(sel + ` .cm-content`),
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

	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=revisions]`), chromedp.WaitVisible(`[data-testid=revision-list]`))
	if err != nil {
		t.Fatal(err)
	}
	top := text(t, ctx, `[data-testid=revision]`)
	if !strings.Contains(top, fmt.Sprintf("Version %d", version)) || !strings.Contains(top, "analyze@example.com") || !strings.Contains(top, "current") {
		t.Fatalf("the newest revision reads %q", top)
	}
	screenshot(t, ctx, "notebook-revisions")
}
