package app

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/query"
)

// demoContent gives a new Pier on the demo lake something to open: three
// certified datasets and three published dashboards, owned by the first
// admin, and a guide entry for each. It runs once per store, whichever replica gets there first.
func (a *App) demoContent(ctx context.Context) error {
	if a.cfg.NoDemo || !demolake.Exists(a.cfg.Lake()) {
		return nil
	}
	first, err := a.db.ClaimOnce(ctx, "demo_content")
	if err != nil || !first {
		return err
	}
	admin, err := a.users.UserByEmail(ctx, FirstAdminEmail)
	if err != nil {
		return nil // the store had users before; they have their own content
	}
	d := demo{a: a, admin: admin}
	for _, step := range []func(context.Context) error{d.activeUsers, d.revenue, d.keywords, d.guide} {
		if err := step(ctx); err != nil {
			return fmt.Errorf("app: demo content: %w", err)
		}
	}
	return nil
}

type demo struct {
	a     *App
	admin *auth.User
}

// dataset saves and certifies a dataset, with how its columns read.
func (d demo) dataset(ctx context.Context, name, desc, sql, timeColumn string, columns map[string]dashboard.ColumnChange) (*dashboard.Dataset, error) {
	ds, err := d.a.dashboards.CreateDataset(ctx, d.admin, dashboard.NewDataset{Name: name, Description: desc, SQL: sql, TimeColumn: timeColumn})
	if err != nil {
		return nil, err
	}
	yes := true
	return d.a.dashboards.ChangeDataset(ctx, d.admin, ds.ID, dashboard.DatasetChange{Certified: &yes, Columns: columns})
}

// labelled is a column change that names a column, in won if money.
func labelled(label string, money bool) dashboard.ColumnChange {
	c := dashboard.ColumnChange{Label: &label}
	if money {
		c.Format = &chart.Format{Kind: "currency", Currency: "KRW"}
	}
	return c
}

// defined gives a measure its glossary definition and how it is added up.
func defined(c dashboard.ColumnChange, agg, definition string) dashboard.ColumnChange {
	c.Agg, c.Definition = &agg, &definition
	return c
}

// says names a tile's measures in words.
func says(labels ...string) dashboard.Chart {
	c := dashboard.Chart{Labels: map[string]string{}}
	for i := 0; i+1 < len(labels); i += 2 {
		c.Labels[labels[i]] = labels[i+1]
	}
	return c
}

// board saves, publishes and certifies a dashboard.
func (d demo) board(ctx context.Context, title, desc string, doc dashboard.Doc) error {
	b, err := d.a.dashboards.Create(ctx, d.admin, dashboard.New{Title: title, Description: desc, Doc: doc})
	if err != nil {
		return err
	}
	yes := true
	_, err = d.a.dashboards.Change(ctx, d.admin, b.ID, dashboard.Change{Published: &yes, Certified: &yes})
	return err
}

func (d demo) activeUsers(ctx context.Context) error {
	ds, err := d.dataset(ctx, "Page views", "Every page view of the shop: who, when, which page, on which device.",
		`SELECT viewed_at, dt, member_id, page, device, search_keyword, product_id FROM act_page_views`, "dt",
		map[string]dashboard.ColumnChange{"member_id": labelled("Member", false)})
	if err != nil {
		return err
	}
	users := []dashboard.Measure{{Agg: "count_distinct", Column: "member_id"}}
	activeUsers := says("distinct member_id", "Active users")
	return d.board(ctx, "일자별 사용자 수 · Daily active users", "Members who viewed at least one page, per day; switch the grain to week or month.", dashboard.Doc{
		Tiles: []dashboard.Tile{
			{ID: "active_users", Title: "Active users (latest period)", Type: "number", Dataset: ds.ID, Measures: users, TimeColumn: "dt", Chart: activeUsers, Layout: dashboard.Layout{W: 4, H: 3}},
			{ID: "views", Title: "Page views (latest period)", Type: "number", Dataset: ds.ID, TimeColumn: "dt", Chart: says("count", "Page views"), Layout: dashboard.Layout{X: 4, W: 4, H: 3}},
			{ID: "per_member", Title: "Views per device", Type: "pie", Dataset: ds.ID, Dimensions: []string{"device"}, Chart: says("count", "Page views"), Layout: dashboard.Layout{X: 8, W: 4, H: 3}},
			{ID: "trend", Title: "Active users", Type: "line", Dataset: ds.ID, Measures: users, TimeColumn: "dt", Chart: activeUsers, Layout: dashboard.Layout{Y: 3, W: 12, H: 5}},
			{ID: "by_device", Title: "Active users by device", Type: "line", Dataset: ds.ID, Measures: users, TimeColumn: "dt", Dimensions: []string{"device"}, Chart: activeUsers, Layout: dashboard.Layout{Y: 8, W: 12, H: 5}},
		},
		Filters: []dashboard.Filter{{ID: "period", Label: "Period", Kind: "date_range"}, {ID: "device", Label: "Device", Kind: "values", Column: "device"}},
	})
}

func (d demo) revenue(ctx context.Context) error {
	ds, err := d.dataset(ctx, "Order lines", "Every line of every order that was not cancelled or refunded, with its product's brand and category.",
		`SELECT i.dt, o.ordered_at, i.order_id, o.member_id, p.category, b.name AS brand, i.quantity,
	i.quantity * i.unit_price AS revenue
FROM act_order_items i
JOIN act_orders o USING (order_id)
JOIN obj_products p USING (product_id)
JOIN obj_brands b USING (brand_id)
WHERE o.status NOT IN ('cancelled', 'refunded')`, "dt",
		map[string]dashboard.ColumnChange{
			"revenue":  defined(labelled("Revenue", true), "sum", "What members paid for what they kept: quantity times unit price, in won, over the lines of orders that were not cancelled or refunded. The shop's revenue."),
			"quantity": defined(labelled("Units", false), "sum", "Items ordered, over the lines of orders that were not cancelled or refunded."),
		})
	if err != nil {
		return err
	}
	rev := []dashboard.Measure{{Agg: "sum", Column: "revenue"}}
	return d.board(ctx, "Revenue by brand and category", "Revenue of orders that were not cancelled or refunded.", dashboard.Doc{
		Tiles: []dashboard.Tile{
			{ID: "revenue", Title: "Revenue (latest period)", Type: "number", Dataset: ds.ID, Measures: rev, TimeColumn: "dt", Layout: dashboard.Layout{W: 4, H: 3}},
			{ID: "orders", Title: "Orders (latest period)", Type: "number", Dataset: ds.ID, Measures: []dashboard.Measure{{Agg: "count_distinct", Column: "order_id"}}, TimeColumn: "dt", Chart: says("distinct order_id", "Orders"), Layout: dashboard.Layout{X: 4, W: 4, H: 3}},
			{ID: "buyers", Title: "Buyers (latest period)", Type: "number", Dataset: ds.ID, Measures: []dashboard.Measure{{Agg: "count_distinct", Column: "member_id"}}, TimeColumn: "dt", Chart: says("distinct member_id", "Buyers"), Layout: dashboard.Layout{X: 8, W: 4, H: 3}},
			{ID: "by_category", Title: "Revenue by category", Type: "bar", Dataset: ds.ID, Measures: rev, Dimensions: []string{"category"}, Layout: dashboard.Layout{Y: 3, W: 6, H: 5}},
			{ID: "top_brands", Title: "Top 10 brands", Type: "bar", Dataset: ds.ID, Measures: rev, Dimensions: []string{"brand"}, Limit: 10, Layout: dashboard.Layout{X: 6, Y: 3, W: 6, H: 5}},
			{ID: "trend", Title: "Revenue by category over time", Type: "stacked_bar", Dataset: ds.ID, Measures: rev, TimeColumn: "dt", Dimensions: []string{"category"}, Layout: dashboard.Layout{Y: 8, W: 12, H: 5}},
			{ID: "grid", Title: "Units sold by category", Type: "heatmap", Dataset: ds.ID, Measures: []dashboard.Measure{{Agg: "sum", Column: "quantity"}}, TimeColumn: "dt", Dimensions: []string{"category"}, Layout: dashboard.Layout{Y: 13, W: 12, H: 6}},
		},
		Filters: []dashboard.Filter{{ID: "period", Label: "Period", Kind: "date_range"}, {ID: "category", Label: "Category", Kind: "values", Column: "category"}, {ID: "brand", Label: "Brand", Kind: "values", Column: "brand"}},
	})
}

// keywordSQL counts, per day and search keyword, the searches, the product
// pages the same members opened that day, and the orders they placed.
const keywordSQL = `WITH searches AS (
	SELECT dt, member_id, search_keyword AS keyword, count(*) AS keyword_clicks
	FROM act_page_views WHERE page = 'search' GROUP BY ALL
), products AS (
	SELECT dt, member_id, count(*) AS product_clicks FROM act_page_views WHERE page = 'product' GROUP BY ALL
), orders AS (
	SELECT dt, member_id, count(*) AS orders FROM act_orders WHERE status NOT IN ('cancelled', 'refunded') GROUP BY ALL
)
SELECT s.dt, s.keyword, sum(s.keyword_clicks) AS keyword_clicks,
	coalesce(sum(p.product_clicks), 0) AS product_clicks, coalesce(sum(o.orders), 0) AS orders
FROM searches s LEFT JOIN products p USING (dt, member_id) LEFT JOIN orders o USING (dt, member_id)
GROUP BY ALL`

const topKeywordsSQL = `WITH daily AS (
	SELECT CAST(date_trunc($grain, dt) AS DATE) AS period, search_keyword AS keyword, count(*) AS clicks
	FROM act_page_views WHERE page = 'search' GROUP BY ALL
), top AS (SELECT keyword FROM daily GROUP BY keyword ORDER BY sum(clicks) DESC LIMIT 10)
SELECT period, keyword, clicks FROM daily WHERE keyword IN (SELECT keyword FROM top) ORDER BY period, clicks DESC`

const risingKeywordsSQL = `WITH daily AS (
	SELECT dt, search_keyword AS keyword, count(*) AS clicks FROM act_page_views WHERE page = 'search' GROUP BY ALL
), latest AS (SELECT max(dt) AS day FROM daily)
SELECT keyword,
	coalesce(sum(clicks) FILTER (WHERE dt = (SELECT day FROM latest)), 0) AS today,
	coalesce(sum(clicks) FILTER (WHERE dt = (SELECT day FROM latest) - 1), 0) AS day_before,
	today - day_before AS rise
FROM daily GROUP BY keyword ORDER BY rise DESC, keyword LIMIT 10`

func (d demo) keywords(ctx context.Context) error {
	ds, err := d.dataset(ctx, "Search keywords", "Per day and search keyword: searches, product pages the same members opened that day, and their orders.", keywordSQL, "dt",
		map[string]dashboard.ColumnChange{
			"keyword_clicks": defined(labelled("Keyword clicks", false), "sum", "Searches for the keyword: views of the search page with it."),
			"product_clicks": defined(labelled("Product clicks after a search", false), "sum", "Product pages opened the same day by the members who searched the keyword."),
			"orders":         defined(labelled("Orders after a search", false), "sum", "Orders (not cancelled or refunded) placed the same day by members who searched the keyword. A member who searched two keywords counts for both, so these do not add up to the shop's orders: count those on Order lines."),
		})
	if err != nil {
		return err
	}
	lights, week, err := d.keywordLights(ctx, ds)
	if err != nil {
		return err
	}
	tiles := append(lights,
		dashboard.Tile{ID: "cloud", Title: "Keywords of the week", Type: "word_cloud", Dataset: ds.ID, Dimensions: []string{"keyword"}, Measures: []dashboard.Measure{{Agg: "sum", Column: "keyword_clicks"}}, Layout: dashboard.Layout{Y: 3, W: 6, H: 6}},
		dashboard.Tile{ID: "rising", Title: "Rising keywords of the day", Type: "table", SQL: risingKeywordsSQL, Layout: dashboard.Layout{X: 6, Y: 3, W: 6, H: 6}},
		dashboard.Tile{ID: "top10", Title: "Top 10 keywords over time", Type: "line", SQL: topKeywordsSQL, TimeColumn: "period", Chart: dashboard.Chart{X: "period", Y: []string{"clicks"}, Series: "keyword"}, Layout: dashboard.Layout{Y: 9, W: 12, H: 6}},
	)
	return d.board(ctx, "Popular search keywords", "What people search for, and whether it turns into product views and orders. The lights compare the latest day with the daily average.", dashboard.Doc{
		Tiles:   tiles,
		Filters: []dashboard.Filter{{ID: "week", Label: "Week", Kind: "date_range", Default: week}, {ID: "keyword", Label: "Keyword", Kind: "values", Column: "keyword"}},
	})
}

// keywordLights makes one traffic light per count, judged against its
// daily average in the demo data (good from 10% above, bad from 10%
// below), and returns the last week of data as the board's default range.
func (d demo) keywordLights(ctx context.Context, ds *dashboard.Dataset) ([]dashboard.Tile, string, error) {
	p, err := d.a.principal(ctx, d.admin)
	if err != nil {
		return nil, "", err
	}
	res, err := d.a.engine.QueryCached(ctx, p, query.Request{SQL: `SELECT avg(k), avg(p), avg(o), max(dt) FROM (
		SELECT dt, sum(keyword_clicks) AS k, sum(product_clicks) AS p, sum(orders) AS o FROM dataset GROUP BY dt)`,
		Upstream: []query.Upstream{{Name: "dataset", SQL: ds.SQL}}})
	if err != nil {
		return nil, "", err
	}
	row := res.Result.Rows[0]
	last, err := time.Parse(time.DateOnly, fmt.Sprint(row[3]))
	if err != nil {
		return nil, "", err
	}
	week := last.AddDate(0, 0, -6).Format(time.DateOnly) + ".." + last.Format(time.DateOnly)
	var tiles []dashboard.Tile
	for i, m := range []struct{ column, title string }{{"keyword_clicks", "Keyword clicks"}, {"product_clicks", "Product clicks after a search"}, {"orders", "Orders after a search"}} {
		avg, _ := row[i].(float64)
		good, bad := math.Round(avg*1.1), math.Round(avg*0.9)
		tiles = append(tiles, dashboard.Tile{ID: m.column, Title: m.title + " (latest day)", Type: "traffic_light", Dataset: ds.ID,
			Measures: []dashboard.Measure{{Agg: "sum", Column: m.column}}, TimeColumn: "dt", Grain: "day",
			Chart: dashboard.Chart{Good: &good, Bad: &bad}, Layout: dashboard.Layout{X: 4 * i, W: 4, H: 3}})
	}
	return tiles, week, nil
}
