package query

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query/querytest"
)

func TestPIIIsHashedUnlessGranted(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	q := "select email, phone from obj_members where member_id = 1"
	hidden, err := te.collect(t, analyst, q)
	if err != nil {
		t.Fatal(err)
	}
	email := hidden.Rows[0][0].(string)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(email) {
		t.Fatalf("email without a PII grant = %q, want a 32-hex hash", email)
	}
	other := Principal{UserID: "other", Grants: map[string]bool{"act_orders": false}}
	again, err := te.collect(t, other, q)
	if err != nil || again.Rows[0][0] != email {
		t.Fatalf("the hash is not stable across profiles: %v vs %v (%v)", again.Rows[0][0], email, err)
	}
	piiUser := Principal{UserID: "dpo", Grants: map[string]bool{"obj_members": true}}
	raw, err := te.collect(t, piiUser, q)
	if err != nil || raw.Rows[0][0] != "member1@example.com" {
		t.Fatalf("with a PII grant: %v, %v", raw, err)
	}
	te.qlog.Flush()
	var audited int
	te.db.QueryRow(`SELECT COUNT(*) FROM query_log WHERE pii_audit AND user_id = 'dpo'`).Scan(&audited)
	var unaudited int
	te.db.QueryRow(`SELECT COUNT(*) FROM query_log WHERE pii_audit AND user_id <> 'dpo'`).Scan(&unaudited)
	if audited != 1 || unaudited != 0 {
		t.Fatalf("audited queries: dpo %d (want 1), others %d (want 0)", audited, unaudited)
	}
}

// TestResultsEqualDuckDBs compares Pier's answers with DuckDB's own,
// called directly on the same files.
func TestResultsEqualDuckDBs(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	direct, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	views := filepath.Join(te.lake, "act_page_views", "*", "*.parquet")
	orders := filepath.Join(te.lake, "act_orders", "*", "*.parquet")
	cases := map[string][2]string{
		"daily active users": {
			"select dt, count(distinct member_id) dau from act_page_views group by dt order by dt",
			"select dt, count(distinct member_id) dau from read_parquet('" + views + "', hive_partitioning=true) group by dt order by dt"},
		"revenue by status": {
			"select status, sum(total) revenue, avg(total) mean, max(ordered_at) latest from act_orders group by 1 order by 1",
			"select status, sum(total) revenue, avg(total) mean, max(ordered_at) latest from read_parquet('" + orders + "') group by 1 order by 1"},
		"top keywords": {
			"select search_keyword, count(*) n from act_page_views where search_keyword is not null group by 1 order by 2 desc, 1 limit 5",
			"select search_keyword, count(*) n from read_parquet('" + views + "') where search_keyword is not null group by 1 order by 2 desc, 1 limit 5"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := te.collect(t, analyst, c[0])
			if err != nil {
				t.Fatal(err)
			}
			want := directJSON(t, direct, c[1])
			gotJSON, _ := json.Marshal(got.Rows)
			if string(gotJSON) != want {
				t.Fatalf("pier:   %s\nduckdb: %s", gotJSON, want)
			}
		})
	}
}

// directJSON runs q on DuckDB through database/sql and renders the rows
// as the API promises: decimals as strings, timestamps in ISO 8601.
func directJSON(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := [][]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			switch x := v.(type) {
			case duckdb.Decimal:
				vals[i] = decimalText(x)
			case time.Time:
				if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 && cols[i] == "dt" {
					vals[i] = x.Format(time.DateOnly)
				} else {
					vals[i] = x.Format("2006-01-02T15:04:05.999999")
				}
			}
		}
		out = append(out, vals)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func TestArrowStreamIsReadableByArrowGo(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	rows, err := te.Query(context.Background(), analyst, Request{SQL: "select * from act_page_views"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = WriteArrow(&buf, rows)
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	n, schema := querytest.ArrowRows(t, &buf)
	if n != te.tableRows(t, "act_page_views") {
		t.Fatalf("read %d rows, want %d", n, te.tableRows(t, "act_page_views"))
	}
	if schema.Field(0).Name != "view_id" {
		t.Fatalf("schema = %v", schema)
	}
}

func (te *testEngine) tableRows(t *testing.T, name string) int64 {
	tb, ok := te.cat.Table(name)
	if !ok {
		t.Fatalf("no table %s", name)
	}
	return tb.Rows
}

// TestCSVRoundTrips writes a table as CSV and has DuckDB read it back: the
// two must hold the same rows.
func TestCSVRoundTrips(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	rows, err := te.Query(context.Background(), analyst, Request{SQL: "select order_id, member_id, ordered_at, status, total, dt, 'a,\"b\"' || chr(10) || 'c' as tricky from act_orders"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "orders.csv")
	f, _ := os.Create(path)
	err = WriteCSV(f, rows)
	rows.Close()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	direct, _ := sql.Open("duckdb", "")
	defer direct.Close()
	var diff, n int
	orders := filepath.Join(te.lake, "act_orders", "*", "*.parquet")
	q := `with csv as (select * from read_csv('` + path + `', header = true, columns = {'order_id': 'BIGINT', 'member_id': 'BIGINT', 'ordered_at': 'TIMESTAMP', 'status': 'VARCHAR', 'total': 'DECIMAL(12,2)', 'dt': 'DATE', 'tricky': 'VARCHAR'})),
		src as (select order_id, member_id, ordered_at, status, total, dt, 'a,"b"' || chr(10) || 'c' as tricky from read_parquet('` + orders + `', hive_partitioning = true))
		select (select count(*) from (select * from csv except all select * from src)) + (select count(*) from (select * from src except all select * from csv)), (select count(*) from csv)`
	if err := direct.QueryRow(q).Scan(&diff, &n); err != nil {
		t.Fatal(err)
	}
	if diff != 0 || int64(n) != te.tableRows(t, "act_orders") {
		t.Fatalf("%d rows differ; csv has %d rows, want %d", diff, n, te.tableRows(t, "act_orders"))
	}
}

func TestJSONIsCappedAndSaysSo(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	res, err := te.collect(t, analyst, "select * from range(10001)")
	if err != nil || res.RowCount != MaxJSONRows || !res.Truncated {
		t.Fatalf("got %d rows, truncated %v, err %v", res.RowCount, res.Truncated, err)
	}
	res, err = te.collect(t, analyst, "select * from range(10000)")
	if err != nil || res.RowCount != MaxJSONRows || res.Truncated {
		t.Fatalf("exactly the cap: got %d rows, truncated %v, err %v", res.RowCount, res.Truncated, err)
	}
}

func TestJSONValueTypes(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	res, err := te.collect(t, analyst, `select 9007199254740993::bigint big, 42 small, 1.5::double f, 12.30::decimal(10,2) d,
		date '2026-11-23' d2, timestamp '2026-11-23 10:11:12.5' ts, true b, null n, [1,2] l, 'x' s`)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res.Rows[0])
	want := `["9007199254740993",42,1.5,"12.30","2026-11-23","2026-11-23T10:11:12.5",true,null,[1,2],"x"]`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if res.Columns[3].Type != "DECIMAL(10,2)" || res.Columns[5].Type != "TIMESTAMP" {
		t.Fatalf("column types = %+v", res.Columns)
	}
}

func TestSQLErrorsSayWhere(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	cases := []struct {
		sql          string
		line, column int
	}{
		{"select nope from obj_brands", 1, 8},
		{"select brand_id\nfrom obj_brands\nwhere nope > 1", 3, 7},
		{"select * fro obj_brands", 1, 14}, // DuckDB points at the token after the mistake
		{"select *\nfrom read_csv('x')", 2, 6},
		{"select *\n  from missing_table", 2, 8},
	}
	for _, c := range cases {
		t.Run(c.sql, func(t *testing.T) {
			_, err := te.collect(t, analyst, c.sql)
			var pe *pier.Error
			if !errors.As(err, &pe) || pe.Code != pier.ESQL {
				t.Fatalf("want a SQL error, got %v", err)
			}
			if pe.Line != c.line || pe.Column != c.column {
				t.Fatalf("at %d:%d, want %d:%d (%s)", pe.Line, pe.Column, c.line, c.column, pe.Message)
			}
		})
	}
}

func TestParametersBindByName(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	ctx := context.Background()
	rows, err := te.Query(ctx, analyst, Request{SQL: "select brand_id, $label as label from obj_brands where brand_id = $id",
		Params: map[string]any{"id": json.Number("3"), "label": "three"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := CollectJSON(rows, 10)
	rows.Close()
	if err != nil || res.RowCount != 1 || res.Rows[0][0] != int64(3) || res.Rows[0][1] != "three" {
		t.Fatalf("got %+v, %v", res, err)
	}
	for name, params := range map[string]map[string]any{
		"missing": {"id": json.Number("3")},
		"extra":   {"id": json.Number("3"), "label": "x", "other": 1},
		"object":  {"id": map[string]any{}, "label": "x"},
	} {
		_, err := te.Query(ctx, analyst, Request{SQL: "select $label, brand_id from obj_brands where brand_id = $id", Params: params})
		if code := pier.ErrorCode(err); code != pier.ESQL && code != pier.EInvalid {
			t.Errorf("%s params: got %v", name, err)
		}
	}
}

func TestRunawayQueriesStopAtTheirDeadline(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{Timeout: 300 * time.Millisecond})
	for name, q := range map[string]string{
		"huge cross join":    "select count(*) from range(1000000000000) a, range(1000000000000) b",
		"infinite recursion": "with recursive r(i) as (select 1 union all select i + 1 from r) select max(i) from r",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := te.collect(t, analyst, q)
			if pier.ErrorCode(err) != pier.ETimeout {
				t.Fatalf("want a timeout, got %v", err)
			}
			if n := te.InFlight(); n != 0 {
				t.Fatalf("%d queries in flight after the timeout", n)
			}
		})
	}
}

func TestCancellingTheContextStopsAStream(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	rows, err := te.Query(ctx, analyst, Request{SQL: "select * from range(1000000000000)"})
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no first batch")
	}
	cancel()
	for rows.Next() {
	}
	if !errors.Is(rows.Err(), context.Canceled) {
		t.Fatalf("err after cancel = %v", rows.Err())
	}
	rows.Close()
	if te.InFlight() != 0 {
		t.Fatal("the cancelled query still holds its slot")
	}
	te.qlog.Flush()
	var status string
	te.db.QueryRow(`SELECT status FROM query_log WHERE sql_text LIKE '%range(1000000000000)%'`).Scan(&status)
	if status != "cancelled" {
		t.Fatalf("logged as %q, want cancelled", status)
	}
}

func TestOneUserCannotTakeEverySlot(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{Slots: 2, PerUser: 1})
	ctx := context.Background()
	held, err := te.Query(ctx, analyst, Request{SQL: "select * from range(10)"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := te.Query(ctx, analyst, Request{SQL: "select 1"}); pier.ErrorCode(err) != pier.ETooMany {
		t.Fatalf("second query of the same user: got %v, want too many", err)
	}
	other, err := te.Query(ctx, Principal{UserID: "someone else"}, Request{SQL: "select 1"})
	if err != nil {
		t.Fatalf("another user was refused: %v", err)
	}
	other.Close()
	held.Close()
	if te.InFlight() != 0 {
		t.Fatal("slots not returned")
	}
}

func TestEveryQueryIsLogged(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	te.collect(t, analyst, "select count(*) from act_orders join obj_members using (member_id)")
	te.collect(t, analyst, "select * from read_csv('/etc/passwd')")
	te.qlog.Flush()
	rows, err := te.db.Query(`SELECT tables, status, row_count FROM query_log ORDER BY started_at, status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][3]string
	for rows.Next() {
		var r [3]string
		rows.Scan(&r[0], &r[1], &r[2])
		got = append(got, r)
	}
	want := [][3]string{{"act_orders,obj_members", "ok", "1"}, {"", "sql_error", "0"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("log = %v, want %v", got, want)
	}
}

// decimalText writes a DuckDB decimal with all its scale digits, as DuckDB
// itself prints it (duckdb.Decimal.String drops trailing zeros).
func decimalText(d duckdb.Decimal) string {
	digits := new(big.Int).Abs(d.Value).String()
	for len(digits) <= int(d.Scale) {
		digits = "0" + digits
	}
	cut := len(digits) - int(d.Scale)
	s := digits[:cut]
	if d.Scale > 0 {
		s += "." + digits[cut:]
	}
	if d.Value.Sign() < 0 {
		s = "-" + s
	}
	return s
}

func TestCTEsAndIntrospectionWork(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	for _, q := range []string{
		`with "Monthly Revenue" as (select 1 as x) select * from "Monthly Revenue"`,
		`with recursive r(i) as (select 1 union all select i + 1 from r where i < 3) select count(*) from r`,
		`with a as (select 1 x), b as (select * from a) select * from b`,
		`describe obj_members`,
		`summarize obj_brands`,
		`from obj_brands select name where brand_id = 1`,
	} {
		if _, err := te.collect(t, analyst, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}
