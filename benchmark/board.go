package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/auth"
)

// Board is a published 12-tile dashboard over the lake, and people to open it.
type Board struct {
	ID      string
	Tiles   []string
	Floor   []string // each tile's query as DuckDB direct runs it
	viewers []string // their API tokens
}

const (
	viewsSQL  = "SELECT viewed_at, dt, member_id, page, device, search_keyword FROM act_page_views"
	ordersSQL = "SELECT ordered_at, dt, member_id, status, total FROM act_orders"
)

type tileSpec = map[string]any

func measure(agg, col string) []any { return []any{map[string]any{"agg": agg, "column": col}} }

// boardTiles are twelve tiles of the kinds a busy dashboard has. Two ask
// for the same numbers (the trend and the big number of daily users), as
// real dashboards do.
func boardTiles(views, orders string) []tileSpec {
	users := measure("count_distinct", "member_id")
	return []tileSpec{
		{"id": "users", "type": "number", "dataset": views, "measures": users, "time_column": "dt"},
		{"id": "views", "type": "number", "dataset": views, "time_column": "dt"},
		{"id": "users_trend", "type": "line", "dataset": views, "measures": users, "time_column": "dt"},
		{"id": "by_device", "type": "stacked_bar", "dataset": views, "measures": users, "time_column": "dt", "dimensions": []any{"device"}},
		{"id": "devices", "type": "pie", "dataset": views, "dimensions": []any{"device"}},
		{"id": "pages", "type": "bar", "dataset": views, "dimensions": []any{"page"}},
		{"id": "keywords", "type": "word_cloud", "dataset": views, "dimensions": []any{"search_keyword"}},
		{"id": "top_keywords", "type": "table", "dataset": views, "dimensions": []any{"search_keyword"}, "measures": users, "limit": 20},
		{"id": "revenue", "type": "number", "dataset": orders, "measures": measure("sum", "total"), "time_column": "dt"},
		{"id": "by_status", "type": "bar", "dataset": orders, "measures": measure("sum", "total"), "dimensions": []any{"status"}},
		{"id": "orders_trend", "type": "line", "dataset": orders, "time_column": "dt"},
		{"id": "status_grid", "type": "heatmap", "dataset": orders, "time_column": "dt", "dimensions": []any{"status"}},
	}
}

// NewBoard saves two datasets and the 12-tile dashboard as the analyst,
// publishes it, and makes viewers view-tier people to open it.
func (e *Env) NewBoard(ctx context.Context, viewers int) (*Board, error) {
	sets := map[string]string{}
	for name, sql := range map[string]string{"views": viewsSQL, "orders": ordersSQL} {
		var ds struct{ ID string }
		if err := e.call(ctx, e.token, "POST", "/api/v1/datasets", map[string]any{"name": name, "sql": sql, "time_column": "dt"}, &ds); err != nil {
			return nil, err
		}
		sets[name] = ds.ID
	}
	tiles := boardTiles(sets["views"], sets["orders"])
	var d struct{ ID string }
	if err := e.call(ctx, e.token, "POST", "/api/v1/dashboards", map[string]any{"title": "Load test", "tiles": tiles}, &d); err != nil {
		return nil, err
	}
	if err := e.call(ctx, e.token, "PATCH", "/api/v1/dashboards/"+d.ID, map[string]any{"published": true}, nil); err != nil {
		return nil, err
	}
	b := &Board{ID: d.ID}
	for _, t := range tiles {
		floor, err := e.floorSQL(ctx, t, map[string]string{sets["views"]: viewsSQL, sets["orders"]: ordersSQL})
		if err != nil {
			return nil, err
		}
		b.Tiles, b.Floor = append(b.Tiles, t["id"].(string)), append(b.Floor, floor)
	}
	var err error
	b.viewers, err = e.viewers(ctx, viewers)
	return b, err
}

// floorSQL asks the explorer for the SQL Pier writes for the tile and
// makes it a query DuckDB direct can run: the dataset as a CTE.
func (e *Env) floorSQL(ctx context.Context, t tileSpec, datasets map[string]string) (string, error) {
	x := map[string]any{}
	for _, k := range []string{"measures", "dimensions", "time_column", "limit"} {
		if v, ok := t[k]; ok {
			x[k] = v
		}
	}
	var out struct{ SQL string }
	id := t["dataset"].(string)
	if err := e.call(ctx, e.token, "POST", "/api/v1/datasets/"+id+"/explore", x, &out); err != nil {
		return "", err
	}
	return "WITH dataset AS (" + datasets[id] + ")\n" + out.SQL, nil
}

func (e *Env) viewers(ctx context.Context, n int) ([]string, error) {
	db, err := app.OpenStore(ctx, e.cfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	users := auth.NewStore(db)
	var tokens []string
	for i := range n {
		email := fmt.Sprintf("viewer%d@pier.local", i)
		if _, err := users.CreateUser(ctx, auth.NewUser{Email: email, Name: email, Tier: auth.TierView, Password: auth.RandomPassword()}); err != nil {
			return nil, err
		}
		tok, err := users.CreateToken(ctx, email, "bench")
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, tok)
	}
	return tokens, nil
}

// call sends a JSON request with a token and decodes the JSON answer.
func (e *Env) call(ctx context.Context, token, method, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, e.srv.URL+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: pier answered %d: %s", method, path, res.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}
