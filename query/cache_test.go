package query

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pier-analytics/pier"
)

func (te *testEngine) cached(t testing.TB, p Principal, req Request) *Cached {
	t.Helper()
	c, err := te.QueryCached(context.Background(), p, req)
	if err != nil {
		t.Fatalf("%s: %v", req.SQL, err)
	}
	return c
}

// runsOf counts the query log's runs of sql (describing it is no run).
func (te *testEngine) runsOf(t testing.TB, sql string) int {
	t.Helper()
	te.qlog.Flush()
	var n int
	if err := te.db.QueryRow(`SELECT count(*) FROM query_log WHERE sql_text = $1 AND status <> 'described'`, sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCacheAnswersRepeatsUntilATableItReadChanges(t *testing.T) {
	lake := newLake(t)
	te := newTestEngine(t, lake, Limits{})
	orders := Request{SQL: "select count(*) from act_orders"}
	brands := Request{SQL: "select count(*) from obj_brands"}
	first := te.cached(t, analyst, orders)
	te.cached(t, analyst, brands)
	again := te.cached(t, analyst, orders)
	if first.Hit || !again.Hit || string(again.Data) != string(first.Data) {
		t.Fatalf("first hit=%v, again hit=%v %s vs %s", first.Hit, again.Hit, again.Data, first.Data)
	}
	if n := te.runsOf(t, orders.SQL); n != 1 {
		t.Fatalf("a repeated query ran %d times", n)
	}

	extra := filepath.Join(lake, "act_orders", "dt=2099-01-01", "part-0.parquet")
	if err := os.MkdirAll(filepath.Dir(extra), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := te.cat.meta.Exec(`COPY (SELECT * REPLACE (DATE '2099-01-01' AS dt) FROM read_parquet('` +
		filepath.Join(lake, "act_orders", "*", "*.parquet") + `', hive_partitioning = true) LIMIT 7) TO '` + extra + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := te.cat.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := te.cached(t, analyst, orders)
	if after.Hit || after.Result.Rows[0][0] == first.Result.Rows[0][0] {
		t.Fatalf("after new data: hit=%v, count %v (was %v)", after.Hit, after.Result.Rows[0][0], first.Result.Rows[0][0])
	}
	if !te.cached(t, analyst, brands).Hit {
		t.Fatal("a query over a table that did not change was run again")
	}
}

func TestCacheKeepsAccessProfilesAndParametersApart(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{SQL: "select email from obj_members where member_id = $id", Params: map[string]any{"id": 1}}
	hashed := te.cached(t, analyst, req)
	raw := te.cached(t, Principal{UserID: "hr", Grants: map[string]bool{"obj_members": true}}, req)
	if raw.Hit || !strings.Contains(raw.Result.Rows[0][0].(string), "@") || strings.Contains(hashed.Result.Rows[0][0].(string), "@") {
		t.Fatalf("hashed %v (hit %v), raw %v (hit %v)", hashed.Result.Rows, hashed.Hit, raw.Result.Rows, raw.Hit)
	}
	if !raw.RawPII || hashed.RawPII {
		t.Fatal("raw PII reads are not marked")
	}
	other := te.cached(t, analyst, Request{SQL: req.SQL, Params: map[string]any{"id": 2}})
	if other.Hit || other.Result.Rows[0][0] == hashed.Result.Rows[0][0] {
		t.Fatal("another parameter value was answered from the cache")
	}
}

func TestConcurrentIdenticalQueriesRunOnce(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{SQL: "select member_id, count(*) from act_page_views group by all order by 2 desc, 1", Wait: true}
	var wg sync.WaitGroup
	answers := make([]*Cached, 20)
	for i := range answers {
		wg.Go(func() { answers[i] = te.cached(t, Principal{UserID: "viewer"}, req) })
	}
	wg.Wait()
	if n := te.runsOf(t, req.SQL); n != 1 {
		t.Fatalf("20 callers ran the same query %d times", n)
	}
	for _, a := range answers {
		if string(a.Data) != string(answers[0].Data) {
			t.Fatal("callers got different answers")
		}
	}
}

func TestFailedQueriesAreNotCached(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{SQL: "select no_such_column from obj_brands"}
	for range 2 {
		if _, err := te.QueryCached(context.Background(), analyst, req); pier.ErrorCode(err) != pier.ESQL {
			t.Fatalf("got %v, want a SQL error", err)
		}
	}
	if n := te.runsOf(t, req.SQL); n != 2 {
		t.Fatalf("a failing query ran %d times, want 2", n)
	}
}

func TestCacheStaysWithinItsBudget(t *testing.T) {
	c := newResultCache(40_000)
	for i := range 50 {
		a := &Cached{Data: make([]byte, 1000), Tables: []string{"t"}}
		c.put(strings.Repeat("k", i+1), a, map[string]string{"t": "v1"})
	}
	if c.size > c.budget || len(c.entries) == 0 || len(c.entries) >= 50 {
		t.Fatalf("size %d of %d with %d entries", c.size, c.budget, len(c.entries))
	}
	if _, ok := c.get(strings.Repeat("k", 50), map[string]string{"t": "v1"}); !ok {
		t.Fatal("the newest entry was dropped")
	}
	if _, ok := c.get(strings.Repeat("k", 50), map[string]string{"t": "v2"}); ok {
		t.Fatal("an entry over an older version of its table was answered")
	}
}

func TestDescribeNamesColumnsTablesAndParamsWithoutRunning(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{
		SQL:      "select b.name as brand, sum(o.total) as revenue, $day::date as day from big b join act_orders o on o.member_id = b.brand_id group by all",
		Upstream: []Upstream{{Name: "big", SQL: "select * from obj_brands"}},
	}
	d, err := te.Describe(context.Background(), analyst, req)
	if err != nil {
		t.Fatal(err)
	}
	want := []ResultColumn{{Name: "brand", Type: "VARCHAR"}, {Name: "revenue", Type: "DECIMAL(38,2)"}, {Name: "day", Type: "DATE"}}
	if len(d.Columns) != 3 || d.Columns[0] != want[0] || d.Columns[1] != want[1] || d.Columns[2] != want[2] {
		t.Fatalf("columns %v, want %v", d.Columns, want)
	}
	if strings.Join(d.Tables, ",") != "act_orders,obj_brands" || strings.Join(d.Params, ",") != "day" {
		t.Fatalf("tables %v, params %v", d.Tables, d.Params)
	}
	if n := te.runsOf(t, req.SQL); n != 0 {
		t.Fatal("describing ran the query")
	}
	grained := Request{SQL: "select date_trunc($grain, ordered_at)::date as day, count(*) as n from act_orders group by 1", Params: map[string]any{"grain": "week"}}
	if d, err := te.Describe(context.Background(), analyst, grained); err != nil || len(d.Columns) != 2 || d.Columns[0] != (ResultColumn{Name: "day", Type: "DATE"}) {
		t.Fatalf("columns that hang on a parameter: %+v, %v", d, err)
	}
	for _, bad := range []string{"select * from read_csv('/etc/passwd')", "select nope from obj_brands", "attach 'x.db'"} {
		if _, err := te.Describe(context.Background(), analyst, Request{SQL: bad}); pier.ErrorCode(err) != pier.ESQL {
			t.Errorf("%s: got %v, want a SQL error", bad, err)
		}
	}
}

func TestWaitingQueriesQueueForTheirShare(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{Slots: 2, PerUser: 1})
	held, err := te.Query(context.Background(), analyst, Request{SQL: "select * from range(10)"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := te.Query(ctx, analyst, Request{SQL: "select 1", Wait: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a waiting query whose caller left: got %v, want it to have waited until cancelled", err)
	}
	done := make(chan error)
	go func() {
		rows, err := te.Query(context.Background(), analyst, Request{SQL: "select 2", Wait: true})
		if err == nil {
			rows.Close()
		}
		done <- err
	}()
	held.Close()
	if err := <-done; err != nil {
		t.Fatalf("the queued query failed: %v", err)
	}
}
