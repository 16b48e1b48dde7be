package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
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
