package app

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/query/querytest"
)

func queryPropRestricted(b *bool) query.PropChange { return query.PropChange{Restricted: b} }

func TestQueryAnswersInTheAskedFormat(t *testing.T) {
	ta := newTestApp(t)
	body := `{"sql":"select brand_id, name from obj_brands where brand_id <= $n order by 1","params":{"n":3}}`
	t.Run("json", func(t *testing.T) {
		res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", body)
		var got query.JSONResult
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil || res.StatusCode != 200 {
			t.Fatalf("status %d, %v", res.StatusCode, err)
		}
		if got.RowCount != 3 || got.Columns[1].Name != "name" || got.Rows[0][1] != "Brand 1" || got.Truncated {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("csv", func(t *testing.T) {
		res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", body, "Accept", "text/csv")
		recs, err := csv.NewReader(res.Body).ReadAll()
		if err != nil || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%v, %s", err, res.Header.Get("Content-Type"))
		}
		if len(recs) != 4 || recs[0][0] != "brand_id" || recs[3][1] != "Brand 3" {
			t.Fatalf("csv = %v", recs)
		}
	})
	t.Run("arrow", func(t *testing.T) {
		res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":"select * from act_page_views"}`, "Accept", "application/vnd.apache.arrow.stream")
		n, _ := querytest.ArrowRows(t, res.Body)
		tbl, _ := ta.catalog.Table("act_page_views")
		if n != tbl.Rows {
			t.Fatalf("read %d rows, want %d", n, tbl.Rows)
		}
	})
}

func TestQueryRejectsBadInputPlainly(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		name, body string
		status     int
		code       string
	}{
		{"not JSON", `select 1`, 400, "invalid"},
		{"empty body", ``, 400, "invalid"},
		{"unknown field", `{"sql":"select 1","limit":5}`, 400, "invalid"},
		{"wrong type", `{"sql":5}`, 400, "invalid"},
		{"empty SQL", `{"sql":"  "}`, 400, "invalid"},
		{"SQL error", `{"sql":"select nope from obj_brands"}`, 400, "sql_error"},
		{"write statement", `{"sql":"copy obj_brands to 'x.csv'"}`, 400, "sql_error"},
		{"missing parameter", `{"sql":"select $x"}`, 400, "sql_error"},
		{"too large", `{"sql":"select '` + strings.Repeat("x", 2<<20) + `'"}`, 413, "too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", c.body)
			var got struct {
				Error struct{ Code, Message string }
			}
			json.NewDecoder(res.Body).Decode(&got)
			if res.StatusCode != c.status || got.Error.Code != c.code || got.Error.Message == "" {
				t.Fatalf("status %d, error %+v; want %d %s", res.StatusCode, got.Error, c.status, c.code)
			}
			if strings.Contains(got.Error.Message, "goroutine") || strings.Contains(got.Error.Message, ".go:") {
				t.Fatalf("the message leaks internals: %s", got.Error.Message)
			}
		})
	}
}

func TestSQLErrorsCarryLineAndColumn(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":"select 1\nfrom obj_brands\nwhere nope = 1"}`)
	var got struct {
		Error struct {
			Code         string
			Line, Column int
		}
	}
	json.NewDecoder(res.Body).Decode(&got)
	if res.StatusCode != 400 || got.Error.Line != 3 || got.Error.Column != 7 {
		t.Fatalf("status %d, %+v", res.StatusCode, got.Error)
	}
}

func TestSlowQueriesTimeOutWith504(t *testing.T) {
	ta := newTestAppWith(t, Config{QueryTimeout: 200 * time.Millisecond})
	res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":"select count(*) from range(1000000000000) a, range(1000000000000) b"}`)
	body := readAll(t, res)
	if res.StatusCode != http.StatusGatewayTimeout || !strings.Contains(body, `"timeout"`) {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if n := ta.engine.InFlight(); n != 0 {
		t.Fatalf("%d queries in flight after the timeout", n)
	}
}

// TestTablesListShowsLockedTablesAndMarksPII: a restricted table the
// caller holds no grant for is listed as locked, by name, description and
// owner with how to ask for it, and nothing of its columns or size.
func TestTablesListShowsLockedTablesAndMarksPII(t *testing.T) {
	ta := newTestApp(t)
	restricted := true
	desc := "Every order"
	ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted, Description: &desc})
	res := ta.do(t, auth.TierView, "GET", "/api/v1/tables", "")
	var got struct {
		Tables []struct {
			Name        string
			Description string
			Queryable   bool
			Locked      bool
			Request     string
			Rows        int64
			Partitions  []string
			Columns     []struct {
				Name string
				PII  bool
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tb := range got.Tables {
		names[tb.Name] = true
		if tb.Queryable {
			t.Errorf("%s is queryable for the view tier", tb.Name)
		}
		if tb.Name == "obj_members" {
			pii := map[string]bool{}
			for _, c := range tb.Columns {
				pii[c.Name] = c.PII
			}
			if !pii["email"] || !pii["phone"] || pii["member_id"] {
				t.Errorf("obj_members PII flags = %v", pii)
			}
		}
	}
	if !names["act_orders"] || !names["obj_members"] || len(got.Tables) != 6 {
		t.Fatalf("tables = %v", names)
	}
	for _, tb := range got.Tables {
		if tb.Locked != (tb.Name == "act_orders") {
			t.Errorf("%s locked: %v", tb.Name, tb.Locked)
		}
		if tb.Name == "act_orders" && (len(tb.Columns) != 0 || tb.Rows != 0 || len(tb.Partitions) != 0 || tb.Description != desc ||
			!strings.Contains(tb.Request, "access_table=act_orders")) {
			t.Errorf("the locked table shows %+v", tb)
		}
	}
	ta.users.AddGrant(t.Context(), "view@example.com", "act_orders", false)
	res = ta.do(t, auth.TierView, "GET", "/api/v1/tables", "")
	body := readAll(t, res)
	if strings.Contains(body, `"locked"`) || !strings.Contains(body, `"name":"ordered_at"`) {
		t.Errorf("after a grant, act_orders is still locked or shows no columns: %s", body)
	}
}

func TestRefreshCountsTables(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(t, auth.TierData, "POST", "/api/v1/catalog/refresh", "")
	var got map[string]int
	json.NewDecoder(res.Body).Decode(&got)
	if res.StatusCode != 200 || got["tables"] != 6 {
		t.Fatalf("status %d, %v", res.StatusCode, got)
	}
}

func TestMetricsAreInPrometheusFormat(t *testing.T) {
	ta := newTestApp(t)
	readAll(t, ta.do(t, "", "GET", "/healthz", ""))
	readAll(t, ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":"select * from range(3)"}`))
	readAll(t, ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":"select nope"}`))
	body := readAll(t, ta.do(t, auth.TierAdmin, "GET", "/metrics", ""))
	if !containsAll(body, "# TYPE pier_queries_in_flight gauge", "pier_http_requests_total", `pier_queries_total{status="ok"} 1`,
		`pier_queries_total{status="sql_error"} 1`, "pier_query_rows_total 3", "pier_query_workers 1") {
		t.Fatalf("metrics:\n%s", body[:min(len(body), 500)])
	}
}

func TestAdminListenerServesMetricsWithoutSignIn(t *testing.T) {
	ta := newTestApp(t)
	srv := httptest.NewServer(ta.adminRoutes())
	defer srv.Close()
	for path, want := range map[string]string{"/metrics": "pier_queries_in_flight", "/healthz": `{"status":"ok"}`} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, res)
		if res.StatusCode != 200 || !strings.Contains(body, want) {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body[:min(200, len(body))])
		}
	}
}

// TestAClientThatHangsUpStopsItsQuery reads the start of an endless CSV
// stream, hangs up, and expects the query to end and give back its slot.
func TestAClientThatHangsUpStopsItsQuery(t *testing.T) {
	ta := newTestApp(t)
	req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/query", strings.NewReader(`{"sql":"select * from range(1000000000000)"}`))
	req.Header.Set("Authorization", "Bearer "+ta.tokens[auth.TierAnalyze])
	req.Header.Set("Accept", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(30 * time.Second)
	for ta.engine.InFlight() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the query kept running after the client hung up")
		}
		runtime.Gosched()
	}
}
