package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// pick chooses a value in a select as a person would, so its change
// handlers run.
func pick(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const e = document.querySelector(` + jsString(sel) + `);
		e.value = ` + jsString(value) + `; e.dispatchEvent(new Event('change', { bubbles: true })); })()`)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// textContent reads an element's text even where it is folded away.
func textContent(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).textContent`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// tileJS is a JavaScript expression for the tile with this title.
func tileJS(title string) string {
	return `[...document.querySelectorAll('[data-tile]')].find(s => s.querySelector('.tile-title').textContent === ` + jsString(title) + `)`
}

const tilesReady = `[...document.querySelectorAll('[data-tile]')].filter(s => s.dataset.type !== 'markdown').every(s => s.dataset.state === 'ready')`

// lineTotal sums the points of a line tile, as drawn.
func lineTotal(t *testing.T, ctx context.Context, title string) (points int, total float64) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const body = `+tileJS(title)+`.querySelector('.tile-body');
		const data = echarts.getInstanceByDom(body).getOption().series[0].data.map(d => Number(d.value ?? d));
		return [data.length, data.reduce((a, b) => a + b, 0)]; })()`))
	if err != nil {
		t.Fatalf("reading %s: %v", title, err)
	}
	return int(out[0]), out[1]
}

// TestBrowserHandleBuildsADashboardAndAViewerFiltersIt is issue 4's walk
// through: a handle-tier user builds a two-tile dashboard from a dataset
// without writing SQL and shares it; a view-tier user opens it, switches
// the grain and a filter, clicks a bar, and sees the numbers change.
func TestBrowserHandleBuildsADashboardAndAViewerFiltersIt(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "handle@example.com")
	err := chromedp.Do(ctx,
		chromedp.Click(`[data-testid=nav-dashboards]`), chromedp.WaitVisible(`[data-testid=new-dashboard] input[name=title]`),
		chromedp.SendKeys(`[data-testid=new-dashboard] input[name=title]`, "Team sales"),
		chromedp.Submit(`[data-testid=new-dashboard] input[name=title]`),
		chromedp.WaitVisible(`[data-testid=dataset]`),
		pick(`[data-testid=dataset]`, ds),
		waitFor(`document.querySelector('[data-testid=explore-summary]').textContent.includes('1 row')`),
		// Tile 1: revenue by status, as bars.
		pick(`[data-testid=add-dimension]`, "status"),
		pick(`[data-testid=measure-agg]`, "sum"),
		waitFor(`document.querySelector('[data-testid=explore-result] svg') && document.querySelector('[data-testid=explore-summary]').textContent.includes('rows')`),
	)
	if err != nil {
		t.Fatalf("exploring: %v", err)
	}
	if sql := textContent(t, ctx, `[data-testid=explore-sql]`); !strings.Contains(sql, `sum("total")`) || !strings.Contains(sql, `GROUP BY`) {
		t.Fatalf("the SQL Pier wrote: %q", sql)
	}
	screenshot(t, ctx, "explore-bar")
	addTile := func(title string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=tile-title]').value = ''`), chromedp.SendKeys(`[data-testid=tile-title]`, title),
			chromedp.Click(`[data-testid=add-to-dashboard]`),
			waitFor(`document.querySelector('[data-testid=add-message]').textContent.includes('Added to Team sales')`))
		if err != nil {
			t.Fatalf("adding %s: %v (%s)", title, err, text(t, ctx, `[data-testid=add-message]`))
		}
	}
	addTile("Revenue by status")
	// Tile 2: revenue per day, as a line.
	err = chromedp.Do(ctx,
		chromedp.Click(`[data-testid=dimension] button`),
		pick(`[data-testid=time-column]`, "dt"),
		pick(`[data-testid=time-grain]`, "day"),
		pick(`[data-testid=chart-type]`, "line"),
		waitFor(`document.querySelector('[data-testid=explore-summary]').textContent.startsWith('3 rows')`),
	)
	if err != nil {
		t.Fatalf("a time series: %v (%s)", err, text(t, ctx, `[data-testid=explore-summary]`))
	}
	addTile("Revenue per day")
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`[data-testid=open-dashboard]`))
	if err == nil {
		err = chromedp.Do(ctx, waitFor(tilesReady))
	}
	if err != nil {
		t.Fatalf("opening the dashboard: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(`[data-testid=filter-editor] summary`),
		chromedp.SendKeys(`[data-testid=filter-label]`, "Status"),
		pick(`[data-testid=filter-column]`, "status"))
	if err == nil {
		_, err = chromedp.RunResponse(ctx, chromedp.Click(`[data-testid=filter-add]`))
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(`[data-testid=filter-status]`),
			chromedp.Click(`[data-testid=dashboard-share] summary`),
			chromedp.SendKeys(`[data-testid=dashboard-share] input[name=email]`, "view@example.com"))
	}
	if err == nil {
		_, err = chromedp.RunResponse(ctx, chromedp.Click(`[data-testid=share-submit]`))
	}
	if err == nil {
		err = chromedp.Do(ctx, waitFor(tilesReady))
	}
	if err != nil {
		t.Fatalf("adding a filter and sharing: %v", err)
	}
	screenshot(t, ctx, "dashboard-built")
	status, list := ta.call(t, auth.TierHandle, "GET", "/api/v1/dashboards", nil)
	boards := list["dashboards"].([]any)
	if status != http.StatusOK || len(boards) != 1 {
		t.Fatalf("dashboards: %d %v", status, list)
	}
	_, d := ta.call(t, auth.TierHandle, "GET", "/api/v1/dashboards/"+boards[0].(map[string]any)["id"].(string), nil)
	for _, tile := range d["tiles"].([]any) {
		if tm := tile.(map[string]any); tm["dataset"] != ds || tm["sql"] != nil {
			t.Fatalf("a tile not built from the dataset: %v", tm)
		}
	}

	viewer := newChrome(t)
	signInBrowser(t, viewer, ta.srv.URL, "view@example.com")
	err = chromedp.Do(viewer,
		chromedp.Click(`[data-testid=nav-dashboards]`), chromedp.Click(`[data-testid=dashboard-card]`),
		chromedp.WaitVisible(`[data-testid=dash-grid]`), waitFor(tilesReady))
	if err != nil {
		t.Fatalf("the viewer opening the dashboard: %v", err)
	}
	days, dayTotal := lineTotal(t, viewer, "Revenue per day")
	_, err = chromedp.RunResponse(viewer, pick(`[data-testid=grain]`, "week"))
	if err == nil {
		err = chromedp.Do(viewer, waitFor(`location.search.includes('grain=week') && `+tilesReady))
	}
	if err != nil {
		t.Fatalf("switching to weeks: %v", err)
	}
	weeks, weekTotal := lineTotal(t, viewer, "Revenue per day")
	if days != 3 || weeks != 1 || weekTotal != dayTotal {
		t.Fatalf("by day %d points (total %v), by week %d points (total %v)", days, dayTotal, weeks, weekTotal)
	}
	screenshot(t, viewer, "dashboard-week")
	err = chromedp.Do(viewer, chromedp.SendKeys(`[data-testid=filter-status] input`, "paid"))
	if err == nil {
		_, err = chromedp.RunResponse(viewer, chromedp.Click(`[data-testid=apply-filters]`))
	}
	if err == nil {
		err = chromedp.Do(viewer, waitFor(`location.search.includes('f.status=paid') && `+tilesReady))
	}
	if err != nil {
		t.Fatalf("filtering: %v", err)
	}
	_, paidTotal := lineTotal(t, viewer, "Revenue per day")
	if !(paidTotal > 0 && paidTotal < weekTotal) {
		t.Fatalf("paid orders' revenue %v, all %v", paidTotal, weekTotal)
	}
	screenshot(t, viewer, "dashboard-filtered")
}

// TestBrowserClickingABarFiltersTheOtherTiles clicks one bar of a chart,
// as a person would, and the dashboard filters every tile by its value.
func TestBrowserClickingABarFiltersTheOtherTiles(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	daily := map[string]any{"id": "daily", "title": "Revenue per day", "type": "line", "dataset": ds, "time_column": "dt",
		"measures": []any{map[string]any{"agg": "sum", "column": "total"}}}
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds), daily)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady)); err != nil {
		t.Fatal(err)
	}
	_, before := lineTotal(t, ctx, "Revenue per day")
	// Where the first bar is on the page, from the chart itself, once it
	// has taken the size of its tile.
	settled := `(() => { const b = ` + tileJS("Revenue by status") + `.querySelector('.tile-body'); const c = echarts.getInstanceByDom(b);
		return c.getWidth() === b.clientWidth && c.getHeight() === b.clientHeight; })()`
	if err := chromedp.Do(ctx, waitFor(settled)); err != nil {
		t.Fatal(err)
	}
	xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const body = `+tileJS("Revenue by status")+`.querySelector('.tile-body');
		const chart = echarts.getInstanceByDom(body);
		const opt = chart.getOption();
		const p = chart.convertToPixel({ seriesIndex: 0 }, [opt.xAxis[0].data[0], opt.series[0].data[0].value / 2]);
		const r = body.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`echarts.getInstanceByDom(`+tileJS("Revenue by status")+`.querySelector('.tile-body')).getOption().xAxis[0].data[0]`))
	hit, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.elementFromPoint(`+fmt.Sprint(xy[0])+`, `+fmt.Sprint(xy[1])+`)?.closest('[data-tile]')?.dataset.tile ?? ''`))
	if hit != "by_status" {
		t.Fatalf("the first bar at %v is not on the bar chart but on %q", xy, hit)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.MouseClickXY(xy[0], xy[1]))
	if err == nil {
		err = chromedp.Do(ctx, waitFor(`location.search.includes('f.status=') && `+tilesReady))
	}
	if err != nil {
		t.Fatalf("clicking the bar of %s: %v", first, err)
	}
	if chip := text(t, ctx, `[data-testid=cross-filter]`); !strings.Contains(chip, "status = "+first) {
		t.Fatalf("the filter shown: %q, want status = %s", chip, first)
	}
	if _, after := lineTotal(t, ctx, "Revenue per day"); !(after > 0 && after < before) {
		t.Fatalf("after clicking %s: %v, before %v", first, after, before)
	}
	screenshot(t, ctx, "dashboard-cross-filter")
}

// TestBrowserEditorsRearrangeTiles: in edit mode a tile is renamed, dragged
// to the right, and removed; each change is saved at once.
func TestBrowserEditorsRearrangeTiles(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	second := statusTile(ds)
	second["id"], second["title"] = "second", "Second"
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds), second)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	saved := func(version int) chromedp.Action[chromedp.Void] {
		return waitFor(fmt.Sprintf(`document.querySelector('[data-testid=layout-status]').textContent === 'Saved' && document.querySelector('[data-dashboard]').dataset.version === '%d'`, version))
	}
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady),
		chromedp.Click(`[data-testid=edit-dashboard]`), chromedp.WaitVisible(`[data-tile=by_status] [data-testid=rename-tile]`),
		chromedp.Click(`[data-tile=by_status] [data-testid=rename-tile]`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=tile-title-input]').value = ''`),
		chromedp.SendKeys(`[data-testid=tile-title-input]`, "Revenue by order status\n"), saved(2))
	if err != nil {
		t.Fatalf("renaming: %v", err)
	}
	// Drag the first tile by its title half the grid to the right: the
	// second tile, in its way, moves down.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector('[data-tile=by_status] .tile-head').getBoundingClientRect();
		const g = document.querySelector('[data-dashboard]').getBoundingClientRect(); return [r.left + 20, r.top + 8, g.width]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, box[0], box[1], chromedp.Button("left")),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0]+box[2]/4, box[1], chromedp.Button("left")),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, box[0]+box[2]/2, box[1], chromedp.Button("left")),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, box[0]+box[2]/2, box[1], chromedp.Button("left")),
		saved(3))
	if err != nil {
		t.Fatalf("dragging: %v", err)
	}
	err = chromedp.Do(ctx, chromedp.Click(`[data-tile=second] [data-testid=remove-tile]`), saved(4))
	if err != nil {
		t.Fatalf("removing: %v", err)
	}
	_, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+id, nil)
	tiles := d["tiles"].([]any)
	if d["version"] != 4.0 || len(tiles) != 1 {
		t.Fatalf("after editing: version %v, %d tiles", d["version"], len(tiles))
	}
	first := tiles[0].(map[string]any)
	if first["title"] != "Revenue by order status" || first["layout"].(map[string]any)["x"] != 6.0 {
		t.Fatalf("the tile is %v", first)
	}
}

// TestBrowserASQLTilePicksItsChart: an analyst turns a SQL tile from bars
// into lines across days, one per status, with the same picker the
// explorer has; the choice is saved and drawn.
func TestBrowserASQLTilePicksItsChart(t *testing.T) {
	ta := newTestApp(t)
	sqlTile := map[string]any{"id": "rev", "title": "Revenue", "type": "bar", "chart": map[string]any{},
		"sql": "select dt, status, sum(total) as revenue from act_orders group by all order by dt"}
	id := ta.newDashboard(t, auth.TierAnalyze, sqlTile)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	saved := func(n int) chromedp.Action[chromedp.Void] {
		return waitFor(fmt.Sprintf(`document.querySelector('[data-testid=layout-status]').dataset.saves === '%d'`, n))
	}
	pick := func(sel, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.SetValue(sel, value)) // which fires change
	}
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady),
		chromedp.Click(`[data-testid=edit-dashboard]`), chromedp.Click(`[data-tile=rev] [data-testid=chart-tile]`, chromedp.NodeVisible),
		pick(`[data-testid=tile-chart-type]`, "line"), saved(1),
		pick(`[data-testid=tile-chart-x]`, "dt"), saved(2),
		pick(`[data-testid=tile-chart-series]`, "status"), saved(3), waitFor(tilesReady))
	if err != nil {
		t.Fatal(err)
	}
	_, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+id, nil)
	tile := d["tiles"].([]any)[0].(map[string]any)
	chart := tile["chart"].(map[string]any)
	if tile["type"] != "line" || chart["x"] != "dt" || chart["series"] != "status" {
		t.Fatalf("saved tile: %v", tile)
	}
	screenshot(t, ctx, "sql-tile-chart")
	err = chromedp.Do(ctx, waitFor(`(() => { const c = echarts.getInstanceByDom(document.querySelector('[data-tile=rev] .tile-body'));
		return c && c.getOption().series.length === 5 && c.getOption().series[0].type === 'line'; })()`))
	if err != nil {
		t.Fatalf("the tile does not draw a line per status: %v", err)
	}
	if height, ink := drawn(t, ctx, `[data-tile=rev] .tile-body`); height < 150 || ink < 0.01 {
		t.Errorf("the tile's lines are %v px tall with %.3f of its pixels drawn", height, ink)
	}
}
