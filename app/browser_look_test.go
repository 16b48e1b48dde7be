package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// drawn measures what a person sees of an element: its height in CSS
// pixels and the share of its pixels that differ from its background
// (taken from its top-left corner), from a screenshot of it.
func drawn(t *testing.T, ctx context.Context, sel string) (height float64, inked float64) {
	t.Helper()
	h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector(`+jsString(sel)+`).getBoundingClientRect().height`))
	if err != nil {
		t.Fatalf("height of %s: %v", sel, err)
	}
	if h < 1 {
		return h, 0
	}
	// Charts grow in; wait until every chart in sel stands still.
	settled := `(() => { const el = document.querySelector(` + jsString(sel) + `);
		return [el, ...el.querySelectorAll('[_echarts_instance_]')].filter(e => e.hasAttribute('_echarts_instance_')).every(e => e.dataset.drawn === 'true'); })()`
	if err := chromedp.Do(ctx, waitFor(settled)); err != nil {
		t.Fatalf("the charts in %s never finished drawing: %v", sel, err)
	}
	shot, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", sel, err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	return h, inkShare(img)
}

func inkShare(img image.Image) float64 {
	b := img.Bounds()
	bg := color.RGBAModel.Convert(img.At(b.Min.X, b.Min.Y)).(color.RGBA)
	var ink, all int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			all++
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			if absDiff(c.R, bg.R)+absDiff(c.G, bg.G)+absDiff(c.B, bg.B) > 48 {
				ink++
			}
		}
	}
	return float64(ink) / float64(all)
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// The explorer once said "4 rows" over a chart area 0 px tall. Every chart
// type it offers must draw: a height, and ink in it.
func TestBrowserTheExplorerDrawsEveryChart(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "handle@example.com")
	const result = `[data-testid=explore-result]`
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/explore?dataset="+ds),
		waitFor(`document.querySelector('[data-testid=explore-summary]').textContent.includes('row')`),
		pick(`[data-testid=add-dimension]`, "status"),
		pick(`[data-testid=measure-agg]`, "sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"bar", "stacked_bar", "line", "pie"} {
		err := chromedp.Do(ctx, pick(`[data-testid=chart-type]`, kind),
			waitFor(`document.querySelector('`+result+` svg path') && document.querySelector('[data-testid=explore-summary]').textContent.includes('rows')`))
		if err != nil {
			t.Fatalf("%s: %v (%s)", kind, err, text(t, ctx, `[data-testid=explore-summary]`))
		}
		height, ink := drawn(t, ctx, result)
		if height < 200 || ink < 0.01 {
			t.Errorf("%s chart: %.0f px tall, %.1f%% drawn", kind, height, ink*100)
		}
		if kind == "stacked_bar" {
			screenshot(t, ctx, "explore-stacked-bar")
		}
	}
	// The first chart of a fresh page draws too, not only a redraw.
	err = chromedp.Do(ctx, chromedp.Reload(),
		waitFor(`document.querySelector('[data-testid=explore-summary]').textContent.includes('row')`),
		pick(`[data-testid=add-dimension]`, "status"), pick(`[data-testid=chart-type]`, "bar"),
		waitFor(`document.querySelector('`+result+` svg path') && document.querySelector('[data-testid=explore-summary]').textContent.includes('rows')`))
	if err != nil {
		t.Fatal(err)
	}
	if height, ink := drawn(t, ctx, result); height < 200 || ink < 0.01 {
		t.Errorf("the first chart of a fresh page: %.0f px tall, %.1f%% drawn", height, ink*100)
	}
}

// A table restricted after a dashboard was built: the dashboard still
// opens, the tile over the table says in words whose access is missing,
// the other tiles answer, and the one who can mend it is offered the
// access request already filled in.
func TestBrowserALockedTileSaysWhyAndOffersTheRequest(t *testing.T) {
	ta := newTestApp(t)
	members := map[string]any{"id": "members", "title": "Members", "type": "number", "chart": map[string]any{}, "sql": "select count(*) as members from obj_members"}
	orders := map[string]any{"id": "orders", "title": "Orders by status", "type": "table", "chart": map[string]any{},
		"sql": "select status, count(*) as orders from act_orders group by status order by status"}
	id := ta.newDashboard(t, auth.TierAnalyze, members, orders)
	if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"}); status >= 300 {
		t.Fatalf("share: %d %v", status, out)
	}
	ta.props.Set(context.Background(), "act_orders", propRestricted())
	if err := ta.users.AddGrant(context.Background(), "analyze@example.com", "act_orders", false); err != nil {
		t.Fatal(err)
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id),
		waitFor(`[...document.querySelectorAll('[data-tile]')].every(s => s.dataset.state === 'ready' || s.dataset.state === 'error')`))
	if err != nil {
		t.Fatal(err)
	}
	locked := text(t, ctx, `[data-tile=orders] [data-testid=tile-error]`)
	if !strings.Contains(locked, "act_orders, which is restricted, and you have no access to it") {
		t.Fatalf("the locked tile says %q", locked)
	}
	if n := text(t, ctx, `[data-tile=members] [data-testid=big-number]`); n == "" || n == "–" {
		t.Fatalf("the other tile shows %q", n)
	}
	screenshot(t, ctx, "dashboard-locked-tile")
	_, err = chromedp.RunResponse(ctx, chromedp.Click(`[data-tile=orders] [data-testid=request-access]`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`[data-testid=access-table]`)); err != nil {
		t.Fatal(err)
	}
	form, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`['select[name=category]', '[data-testid=access-table]', 'input[name=title]', 'select[name=dashboard]']
		.map(s => document.querySelector(s)?.value ?? '')`))
	if err != nil || form[0] != "data_access" || form[1] != "act_orders" || !strings.Contains(form[2], "act_orders") || form[3] != id {
		t.Fatalf("the request form: %q %v", form, err)
	}
	screenshot(t, ctx, "access-request-prefilled")
}

// On a phone a dashboard is one column of tiles, big numbers fit their
// tile, tables scroll inside their tile, and the page never scrolls
// sideways.
func TestBrowserADashboardReadsOnAPhone(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	big := map[string]any{"id": "revenue", "title": "Revenue", "type": "number", "chart": map[string]any{}, "sql": "select sum(total) * 1000 as revenue from act_orders"}
	wide := map[string]any{"id": "orders", "title": "Orders", "type": "table", "chart": map[string]any{}, "sql": ordersSQL + " order by order_id limit 20"}
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds), big, wide)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	// A tall phone, so that every tile is in view and loads.
	err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 3000), chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady))
	if err != nil {
		t.Fatal(err)
	}
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
		const tiles = [...document.querySelectorAll('[data-tile]')].map(s => s.getBoundingClientRect());
		const n = document.querySelector('[data-tile=revenue] [data-testid=big-number]');
		const table = document.querySelector('[data-tile=orders] .result-wrap');
		return {
			page: document.documentElement.scrollWidth,
			lefts: new Set(tiles.map(r => Math.round(r.left))).size,
			narrowest: Math.min(...tiles.map(r => r.width)),
			numberOverflow: n.scrollWidth - n.clientWidth,
			tableScrolls: table.scrollWidth > table.clientWidth ? 1 : 0,
			tableWidth: table.getBoundingClientRect().width,
		}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "dashboard-400")
	if layout["page"] > 400 || layout["lefts"] != 1 || layout["narrowest"] < 300 {
		t.Errorf("at 400 px: page %v px wide, tiles in %v columns, narrowest %v px", layout["page"], layout["lefts"], layout["narrowest"])
	}
	if layout["numberOverflow"] > 0 || layout["tableWidth"] > 400 || layout["tableScrolls"] != 1 {
		t.Errorf("at 400 px: the big number overflows by %v px; the table is %v px wide and scrolls inside its tile: %v", layout["numberOverflow"], layout["tableWidth"], layout["tableScrolls"])
	}
}

// Clicking one series of a stacked bar filters the other tiles by the
// category and the series, shows both as chips, and leaves the clicked
// tile showing everything.
func TestBrowserClickingAStackedSeriesFiltersTheOthers(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	stacked := map[string]any{"id": "stacked", "title": "Revenue by status and country", "type": "stacked_bar", "chart": map[string]any{},
		"dataset": ds, "measures": []any{map[string]any{"agg": "sum", "column": "total"}}, "dimensions": []any{"status", "country"}}
	daily := map[string]any{"id": "daily", "title": "Revenue per day", "type": "line", "dataset": ds, "time_column": "dt",
		"measures": []any{map[string]any{"agg": "sum", "column": "total"}}}
	id := ta.newDashboard(t, auth.TierAnalyze, stacked, daily)
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady)); err != nil {
		t.Fatal(err)
	}
	_, before := lineTotal(t, ctx, "Revenue per day")
	series := func() []string {
		out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`echarts.getInstanceByDom(`+tileJS("Revenue by status and country")+`.querySelector('.tile-body')).getOption().series.map(s => s.name)`))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := series()
	if len(all) < 2 {
		t.Fatalf("the stacked bar has series %v", all)
	}
	// Click the middle of the second series' part of a bar where both
	// series have a part, once the chart has the size of its tile.
	body := tileJS("Revenue by status and country") + `.querySelector('.tile-body')`
	settled := `(() => { const b = ` + body + `; const c = echarts.getInstanceByDom(b); return c.getWidth() === b.clientWidth && c.getHeight() === b.clientHeight; })()`
	if err := chromedp.Do(ctx, waitFor(settled)); err != nil {
		t.Fatal(err)
	}
	xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const b = `+body+`, c = echarts.getInstanceByDom(b), o = c.getOption();
		const v = (s, i) => Number(o.series[s].data[i].value ?? o.series[s].data[i]);
		const i = o.xAxis[0].data.findIndex((_, i) => v(0, i) > 0 && v(1, i) > 0);
		const p = c.convertToPixel({ seriesIndex: 1 }, [o.xAxis[0].data[i], v(0, i) + v(1, i) / 2]);
		const r = b.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = chromedp.RunResponse(ctx, chromedp.MouseClickXY(xy[0], xy[1]))
	if err == nil {
		err = chromedp.Do(ctx, waitFor(`location.search.includes('f.country=') && `+tilesReady))
	}
	if err != nil {
		t.Fatal(err)
	}
	chips, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-testid=cross-filter]')].map(c => c.textContent).join(' | ')`))
	if err != nil || !strings.Contains(chips, "country = "+all[1]) || !strings.Contains(chips, "status = ") {
		t.Fatalf("the chips say %q (%v)", chips, err)
	}
	if _, after := lineTotal(t, ctx, "Revenue per day"); !(after > 0 && after < before) {
		t.Fatalf("the other tile: %v after the click, %v before", after, before)
	}
	if got := series(); len(got) != len(all) {
		t.Fatalf("the clicked tile was filtered too: series %v, before %v", got, all)
	}
	screenshot(t, ctx, "dashboard-cross-filter-stacked")
}

// TestBrowserChartsReadInWords: the demo revenue board names its axes
// from the dataset's labels, reads won compactly on axes, and its heatmap
// shows days across, not their positions.
func TestBrowserChartsReadInWords(t *testing.T) {
	ta := newDemoApp(t)
	var board string
	_, list := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards", nil)
	for _, b := range list["dashboards"].([]any) {
		if b.(map[string]any)["title"] == "Revenue by brand and category" {
			board = b.(map[string]any)["id"].(string)
		}
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 2600), chromedp.Navigate(ta.srv.URL+"/dashboards/"+board), waitFor(tilesReady)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "charts-in-words")
	svgText := func(tile string) string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-tile=`+tile+`] svg text')].map(e => e.textContent).join(' ')`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	byCategory := svgText("by_category")
	if !strings.Contains(byCategory, "Revenue") || !strings.Contains(byCategory, "₩") || strings.Contains(byCategory, "sum of") {
		t.Errorf("revenue by category reads %q; want the label Revenue and won", byCategory)
	}
	if !regexp.MustCompile(`₩\d+M`).MatchString(byCategory) {
		t.Errorf("the revenue axis is not compact: %q", byCategory)
	}
	grid := svgText("grid")
	if !strings.Contains(grid, "2026-01-01") || strings.Contains(grid, "sum of") {
		t.Errorf("the heatmap reads %q; want days across", grid)
	}
	if got := text(t, ctx, `[data-tile=revenue] [data-testid=big-number]`); !strings.HasPrefix(got, "₩") {
		t.Errorf("the revenue big number reads %q", got)
	}
}

// TestBrowserAPartialWeekIsMarked: at week grain the demo's one week,
// three days of data, says it is not over instead of reading as a week.
func TestBrowserAPartialWeekIsMarked(t *testing.T) {
	ta := newDemoApp(t)
	var board string
	_, list := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards", nil)
	for _, b := range list["dashboards"].([]any) {
		if strings.Contains(b.(map[string]any)["title"].(string), "Daily active users") {
			board = b.(map[string]any)["id"].(string)
		}
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+board+"?grain=week"), waitFor(tilesReady)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "partial-week")
	if got := text(t, ctx, `[data-tile=active_users] [data-testid=big-period]`); !strings.Contains(got, "so far: 3 of 7 days") {
		t.Errorf("the active users of a three-day week read %q", got)
	}
	if n := count(t, ctx, `[data-tile=active_users] [data-testid=change]`); n != 0 {
		t.Error("a partial week is compared")
	}
}

// TestBrowserKoreanBreaksBetweenWords: a Korean title that wraps on a
// phone wraps at spaces, never inside a word.
func TestBrowserKoreanBreaksBetweenWords(t *testing.T) {
	ta := newTestApp(t)
	status, d := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{
		"title": "월별 매출 추이와 카테고리별 주문 건수 비교 대시보드", "description": "지난 분기 대비 브랜드별 매출 성장률과 재구매 고객 비율을 함께 보여 줍니다"})
	if status != http.StatusCreated {
		t.Fatalf("%d %v", status, d)
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 900), chromedp.Navigate(ta.srv.URL+"/dashboards/"+d["id"].(string)), waitFor(`document.querySelector('.desc')`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "korean-400")
	split, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const split = [];
		let lines = 0;
		for (const el of document.querySelectorAll('[data-testid=dashboard-title], .desc')) {
			const node = el.firstChild, text = node.textContent, tops = [];
			for (let i = 0; i < text.length; i++) {
				const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
				tops.push(Math.round(r.getBoundingClientRect().top));
			}
			lines += new Set(tops.filter((_, i) => text[i].trim())).size;
			let start = 0;
			for (const word of text.split(' ')) {
				const own = tops.slice(start, start + word.length);
				if (word.trim() && new Set(own).size > 1) split.push(word);
				start += word.length + 1;
			}
		}
		return lines > 2 ? split : ['(the text did not wrap: ' + lines + ' lines)'];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(split) > 0 {
		t.Errorf("words broken across lines: %v", split)
	}
}

// contrastJS computes the contrast ratio of an element's text against
// white (tiles and cards), with the opacity of it and its ancestors, as
// WCAG 2 defines it.
const contrastJS = `(sel) => {
	const el = document.querySelector(sel);
	let alpha = 1;
	for (let e = el; e; e = e.parentElement) alpha *= +getComputedStyle(e).opacity;
	const [r, g, b] = getComputedStyle(el).color.match(/\d+(\.\d+)?/g).map(Number);
	const mix = (c) => (c * alpha + 255 * (1 - alpha)) / 255;
	const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
	const L = 0.2126 * lin(mix(r)) + 0.7152 * lin(mix(g)) + 0.0722 * lin(mix(b));
	return 1.05 / (L + 0.05);
}`

// TestBrowserSmallLinksAreReadable: the tiles' download links meet WCAG
// AA (4.5:1) without hovering.
func TestBrowserSmallLinksAreReadable(t *testing.T) {
	ta := newTestApp(t)
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+id), waitFor(tilesReady)); err != nil {
		t.Fatal(err)
	}
	ratio, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(`+contrastJS+`)('[data-testid=tile-csv]')`))
	if err != nil {
		t.Fatal(err)
	}
	if ratio < 4.5 {
		t.Errorf("the tile's CSV link has a contrast of %.2f:1, under WCAG AA's 4.5:1", ratio)
	}
}

// TestBrowserNoPageScrollsSidewaysOnAPhone: every page a person reaches
// from the menu, at 400 px, fits its width; wide tables scroll inside
// their own box.
func TestBrowserNoPageScrollsSidewaysOnAPhone(t *testing.T) {
	ta := newDemoApp(t)
	nb, _ := ta.newNotebook(t, auth.TierAdmin, sqlCellJSON("a", "orders_by_status_and_day", "select * from act_orders"))
	ticket := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Weekly buyers by country and device, split by first purchase", "category": "analysis"})
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "admin@example.com")
	var wide []string
	for _, path := range []string{"/", "/dashboards", "/notebooks", "/notebooks/" + nb, "/notebooks/" + nb + "/edit", "/notebooks/" + nb + "/revisions",
		"/explore", "/tickets", "/tickets/new", "/tickets/" + ticket, "/tickets/answers", "/tickets/health", "/office-hours",
		"/notifications", "/admin/people", "/settings/webhook", "/settings/account"} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 900), chromedp.Navigate(ta.srv.URL+path), chromedp.WaitReady("main")); err != nil {
			t.Fatal(err)
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 400 {
			wide = append(wide, fmt.Sprintf("%s (%d px)", path, w))
			screenshot(t, ctx, "wide"+strings.ReplaceAll(path, "/", "-"))
		}
	}
	if len(wide) > 0 {
		t.Errorf("at 400 px these pages scroll sideways: %s", strings.Join(wide, ", "))
	}
}
