package query

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
)

// The attack suite: what an analyst with a token might send to read what
// Pier keeps from them. Every attack is refused with a SQL error in plain
// words that names neither the lake nor the key, or, where it is harmless,
// runs and reads only what it says. The escapes of sandbox_test.go are the
// older half of the suite.

// testPIIKey is the key newTestEngine gives the engine.
var testPIIKey = "0123456789abcdef0123456789abcdef"

// leaks reports what of the engine's secrets a text shows.
func (te *testEngine) leaks(text string) string {
	for _, secret := range []string{testPIIKey, hex.EncodeToString([]byte(testPIIKey)), te.lake} {
		if strings.Contains(text, secret) {
			return secret
		}
	}
	return ""
}

// catalogAttacks read view definitions (which named the key and the lake's
// files) or other parts of DuckDB's catalog, through macros, system views,
// CTE names used out of their scope, and every place a subquery can stand.
var catalogAttacks = map[string]string{
	"pg_get_viewdef over a range":       `select pg_get_viewdef(i) d from range(0, 300000) t(i) where d is not null`,
	"pg_get_viewdef in where":           `select 1 from range(1) where exists (select pg_get_viewdef(i) from range(0, 300) t(i) where pg_get_viewdef(i) is not null)`,
	"pg_get_viewdef in a lateral":       `select d from range(0, 300) r(i), lateral (select pg_get_viewdef(r.i) d) where d is not null`,
	"pg_get_viewdef in a CTE":           `with v as (select pg_get_viewdef(i) d from range(0, 300) t(i)) select * from v where d is not null`,
	"pg_get_viewdef in order by":        `select 1 order by (select max(pg_get_viewdef(i)) from range(300) t(i))`,
	"sqlite_master past a scoped CTE":   `select (with sqlite_master as (select 1) select 1) z, sql from sqlite_master`,
	"a CTE two levels down":             `select (select (with sqlite_master as (select 1) select 1)) z, sql from sqlite_master`,
	"a CTE in a CTE body":               `with a as (select (with duckdb_views as (select 1) select 1) z) select * from a, duckdb_views`,
	"a CTE in exists":                   `select sql from sqlite_master where exists (with sqlite_master as (select 1) select 1)`,
	"a CTE in in":                       `select sql from sqlite_master where 1 in (with sqlite_master as (select 1) select * from sqlite_master)`,
	"a CTE in a lateral":                `select sql from sqlite_master, lateral (with sqlite_master as (select 1 x) select x from sqlite_master)`,
	"a CTE across union":                `(with sqlite_master as (select 'x' sql) select sql from sqlite_master) union all select sql from sqlite_master`,
	"a CTE across except":               `select sql from sqlite_master except (with sqlite_master as (select 'x' sql) select sql from sqlite_master)`,
	"a CTE across intersect":            `select sql from sqlite_master intersect (with sqlite_master as (select 'x' sql) select sql from sqlite_master)`,
	"a CTE and a pivot":                 `pivot (select (with sqlite_master as (select 1) select 1) z, type from sqlite_master) on type in ('view') using count(*)`,
	"a CTE named like a system view":    `select (with duckdb_views as (select 1) select 1) z, * from duckdb_views`,
	"pg_views":                          `select (with pg_views as (select 1) select 1) z, definition from pg_views`,
	"pg_class":                          `select (with pg_class as (select 1) select 1) z, relname from pg_class`,
	"duckdb_settings by a scoped name":  `select (with duckdb_settings as (select 1) select 1) z, value from duckdb_settings`,
	"information_schema":                `select view_definition from information_schema.views`,
	"current_setting":                   `select current_setting('allowed_directories')`,
	"current_setting in a subquery":     `select (select current_setting('temp_directory'))`,
	"json_serialize_plan of a view":     `select json_serialize_plan('select * from obj_members')`,
	"the hash function by a guess":      `select pier_pii_0000000000000000('member1@example.com')`,
	"the hash function's name":          `select function_name from duckdb_functions() where function_name like 'pier%'`,
	"the hash function quoted":          `select "PIER_PII_x"('a')`,
	"show tables":                       `show tables`,
	"describe a system view":            `describe duckdb_views`,
	"summarize a system view":           `summarize (select sql from duckdb_views())`,
	"a table macro":                     `from histogram_values(obj_brands, brand_id)`,
	"getvariable":                       `select getvariable('x')`,
	"a sequence":                        `select nextval('x')`,
	"the log":                           `select write_log('x')`,
	"the view file by path past a CTE":  `select (with "x.parquet" as (select 1) select 1) z, * from "x.parquet"`,
	"a catalog-qualified function":      `select system.main.version()`,
	"a schema-qualified system view":    `select * from main.duckdb_views`,
	"a temp-qualified name":             `select * from temp.main.obj_members`,
	"a CTE and a parameter of any type": `select $p, (with sqlite_master as (select 1) select 1) z, sql from sqlite_master`,
}

func TestCatalogAttacksAreRefused(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	for name, sql := range catalogAttacks {
		t.Run(name, func(t *testing.T) {
			req := Request{SQL: sql, LenientParams: true, Params: map[string]any{"p": "x"}}
			res, _, err := te.collectReq(t, analyst, req)
			if pier.ErrorCode(err) != pier.ESQL {
				body, _ := json.Marshal(res)
				t.Fatalf("want a SQL error, got %v; result %.300s", err, body)
			}
			if s := te.leaks(pier.ErrorMessage(err)); s != "" {
				t.Fatalf("the error shows %q: %s", s, pier.ErrorMessage(err))
			}
		})
	}
}

// TestCatalogLookalikesReadNothing runs PostgreSQL's catalog macros that
// DuckDB answers with constants: they are harmless, so they run, and show
// nothing of the engine.
func TestCatalogLookalikesReadNothing(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	for _, sql := range []string{
		`select col_description(i, 1) from range(0, 300) t(i)`,
		`select obj_description(i, 'pg_class') from range(0, 300) t(i)`,
		`select pg_table_is_visible(i) from range(0, 300) t(i)`,
		`select has_table_privilege('obj_members', 'select')`,
	} {
		res, rows, err := te.collectReq(t, analyst, Request{SQL: sql})
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		body, _ := json.Marshal(res)
		if s := te.leaks(string(body)); s != "" || len(rows.Tables()) != 0 {
			t.Fatalf("%s shows %q, reads %v", sql, s, rows.Tables())
		}
	}
}

// TestReadsCannotBeHidden checks the tables a statement is recorded to read
// (for the query log, the PII audit and every kept result), whatever names
// it uses on the way.
func TestReadsCannotBeHidden(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	cases := []struct {
		name, sql string
		want      []string
	}{
		{"a CTE named like a table, in a subquery",
			`select (with act_orders as (select 1 x) select x from act_orders), email from obj_members`, []string{"obj_members"}},
		{"a table read past a CTE that shadows it",
			`with x as (select * from obj_members) select * from (with obj_members as (select 1) select * from x)`, []string{"obj_members"}},
		{"a CTE shadowing a table at the top", `with obj_members as (select 1 as email) select * from obj_members`, []string{}},
		{"exists", `select 1 where exists (select email from obj_members)`, []string{"obj_members"}},
		{"lateral", `select b.name, m.email from obj_brands b, lateral (select email from obj_members where member_id = b.brand_id) m`, []string{"obj_brands", "obj_members"}},
		{"set operations", `select name from obj_brands union select email from obj_members except select category from obj_products`, []string{"obj_brands", "obj_members", "obj_products"}},
		{"pivot", `pivot (select status, total from act_orders) on status in ('paid', 'shipped') using sum(total)`, []string{"act_orders"}},
		{"a parameter", `select email from obj_members where member_id = $id`, []string{"obj_members"}},
		{"summarize", `summarize obj_members`, []string{"obj_members"}},
		{"describe", `describe obj_members`, []string{"obj_members"}},
		{"describe a query", `describe select email from obj_members`, []string{"obj_members"}},
		{"show", `show obj_brands`, []string{"obj_brands"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{SQL: tc.sql, Params: map[string]any{"id": json.Number("1")}, LenientParams: true}
			d, err := te.Describe(context.Background(), analyst, req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Tables, tc.want) {
				t.Fatalf("described as reading %v, want %v", d.Tables, tc.want)
			}
			_, rows, err := te.collectReq(t, analyst, req)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows.Tables(), tc.want) {
				t.Fatalf("ran as reading %v, want %v", rows.Tables(), tc.want)
			}
		})
	}
}

// TestPIIReadsAreAuditedHoweverTheyAreWritten gives a user the PII grant
// and hides the read of raw e-mails behind a CTE named like another table:
// the audit must still see it.
func TestPIIReadsAreAuditedHoweverTheyAreWritten(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	dpo := Principal{UserID: "dpo-hidden", Grants: map[string]bool{"obj_members": true}}
	sql := `select (with obj_members as (select 1) select 1) z, email from (select * from obj_members) m where member_id = 1`
	res, rows, err := te.collectReq(t, dpo, Request{SQL: sql})
	if err != nil || res.Rows[0][1] != "member1@example.com" {
		t.Fatalf("%v, %v", res, err)
	}
	if !rows.ReadsRawPII() || !slices.Equal(rows.Tables(), []string{"obj_members"}) {
		t.Fatalf("raw PII %v, tables %v", rows.ReadsRawPII(), rows.Tables())
	}
	te.qlog.Flush()
	var audited int
	te.db.QueryRow(`SELECT COUNT(*) FROM query_log WHERE pii_audit AND user_id = 'dpo-hidden' AND tables LIKE '%obj_members%'`).Scan(&audited)
	if audited != 1 {
		t.Fatalf("%d audited reads, want 1", audited)
	}
}

// TestHashedPIICannotBeReversed tries to compute the hash of a guessed
// e-mail to join it against the hidden column.
func TestHashedPIICannotBeReversed(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	res, err := te.collect(t, analyst, "select email from obj_members where member_id = 1")
	if err != nil {
		t.Fatal(err)
	}
	hidden := res.Rows[0][0].(string)
	guesses := []string{
		`select count(*) from obj_members where email = substr(sha256('` + testPIIKey + `' || 'member1@example.com'), 1, 32)`,
		`select count(*) from obj_members where email = substr(sha256('` + hex.EncodeToString([]byte(testPIIKey)) + `' || 'member1@example.com'), 1, 32)`,
		`select count(*) from obj_members where email = substr(sha256('member1@example.com'), 1, 32)`,
		`select count(*) from obj_members where email = substr(md5('member1@example.com'), 1, 32)`,
	}
	for _, sql := range guesses {
		got, err := te.collect(t, analyst, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		if got.Rows[0][0] != int64(0) {
			t.Fatalf("a guess matched the hidden e-mail %s: %s", hidden, sql)
		}
	}
}

func TestBadSQLTextIsRefusedBeforeTheEngine(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	cases := map[string]struct {
		req  Request
		code string
	}{
		"a NUL byte":       {Request{SQL: "select 1\x00"}, pier.EInvalid},
		"invalid UTF-8":    {Request{SQL: "select '\xff'"}, pier.EInvalid},
		"over 256 KB":      {Request{SQL: "select 1" + strings.Repeat(" ", MaxSQLBytes)}, pier.ETooLarge},
		"an upstream NUL":  {Request{SQL: "select 1", Upstream: []Upstream{{Name: "a", SQL: "select\x00"}}}, pier.EInvalid},
		"a huge upstream":  {Request{SQL: "select 1", Upstream: []Upstream{{Name: "a", SQL: strings.Repeat("-", MaxSQLBytes+1)}}}, pier.ETooLarge},
		"a NUL, described": {Request{SQL: "select\x00 1"}, pier.EInvalid},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			if strings.HasSuffix(name, "described") {
				_, err = te.Describe(context.Background(), analyst, c.req)
			} else {
				_, _, err = te.collectReq(t, analyst, c.req)
			}
			if pier.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}
}

// TestARowTooLargeToSendIsRefused: the server takes a result a message at
// a time, and one row may not make a message larger than it takes.
func TestARowTooLargeToSendIsRefused(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	_, err := te.collect(t, analyst, "select 1 as n, repeat('x', 70000000) as s")
	if pier.ErrorCode(err) != pier.ESQL || !strings.Contains(pier.ErrorMessage(err), "larger than Pier sends") {
		t.Fatalf("got %v", err)
	}
}

// TestAnErrorAfterTheFirstRowsSaysWhatWasRead: an error that comes while
// rows stream may quote data, so it carries the tables read.
func TestAnErrorAfterTheFirstRowsSaysWhatWasRead(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	dpo := Principal{UserID: "dpo-err", Grants: map[string]bool{"obj_members": true}}
	_, err := te.collect(t, dpo, "select cast(email as integer) from obj_members")
	tables, raw := ReadOf(err)
	if pier.ErrorCode(err) != pier.ESQL || !slices.Equal(tables, []string{"obj_members"}) || !raw {
		t.Fatalf("err %v, read %v (raw PII %v)", err, tables, raw)
	}
}

// TestRawPIIFromTheCacheIsAuditedForItsReader: two people with the same
// grant share a cached answer; each read of the raw e-mails is audited.
func TestRawPIIFromTheCacheIsAuditedForItsReader(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{SQL: "select email from obj_members where member_id = 1"}
	for _, id := range []string{"dpo-a", "dpo-b", "dpo-b"} {
		c, err := te.QueryCached(context.Background(), Principal{UserID: id, Grants: map[string]bool{"obj_members": true}}, req)
		if err != nil || c.Result.Rows[0][0] != "member1@example.com" {
			t.Fatalf("%s: %v, %v", id, c, err)
		}
	}
	te.qlog.Flush()
	for id, want := range map[string]int{"dpo-a": 1, "dpo-b": 2} {
		var n int
		te.db.QueryRow(`SELECT COUNT(*) FROM query_log WHERE pii_audit AND user_id = $1 AND tables = 'obj_members'`, id).Scan(&n)
		if n != want {
			t.Errorf("%s: %d audited reads, want %d", id, n, want)
		}
	}
}

// TestAFailedReadOfRawPIIIsAudited: a failed cast quotes the values it
// failed on, so the failure is a read of raw PII too.
func TestAFailedReadOfRawPIIIsAudited(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	dpo := Principal{UserID: "dpo-cast", Grants: map[string]bool{"obj_members": true}}
	sql := "select cast(string_agg(email, ',') as int) from obj_members where member_id <= 5"
	if _, err := te.collect(t, dpo, sql); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("got %v", err)
	}
	up := Request{SQL: "select * from u", Params: map[string]any{"p": json.Number("1")},
		Upstream: []Upstream{{Name: "u", SQL: "select cast(email as int) x from obj_members where member_id = $p"}}}
	if _, err := te.Describe(context.Background(), dpo, up); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("describe: got %v", err)
	}
	te.qlog.Flush()
	var n int
	te.db.QueryRow(`SELECT COUNT(*) FROM query_log WHERE pii_audit AND user_id = 'dpo-cast' AND tables = 'obj_members' AND status = 'sql_error'`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d audited failures, want 2", n)
	}
}

// TestQueriesThatBreakDuckDBAnswerInWords: a statement that crashes
// DuckDB costs its worker and answers a SQL error, and the next query runs.
func TestQueriesThatBreakDuckDBAnswerInWords(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	for _, sql := range []string{
		"select lag(x, -9223372036854775808) over () from range(3) t(x)",
		"select 1::variant as v",
	} {
		if _, err := te.collect(t, analyst, sql); pier.ErrorCode(err) != pier.ESQL {
			t.Errorf("%s: got %v, want a SQL error", sql, err)
		}
		if res, err := te.collect(t, analyst, "select 5::bigint"); err != nil || res.Rows[0][0] != int64(5) {
			t.Fatalf("the next query: %v, %v", res, err)
		}
	}
}

// TestPrivateNamesStayPrivate: the hash's random name is not offered in a
// "Did you mean" hint, and names that only fold to a system view's name
// outside ASCII are not taken for a CTE's.
func TestPrivateNamesStayPrivate(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	for _, sql := range []string{"select ier_pii_(email) from obj_members", "select pier_pi(email) from obj_members"} {
		_, err := te.collect(t, analyst, sql)
		if pier.ErrorCode(err) != pier.ESQL || strings.Contains(pier.ErrorMessage(err), "pier_pii_") {
			t.Errorf("%s: %v", sql, err)
		}
	}
	kelvin := "with \"duc\u212adb_views\" as (select 1) select * from (describe duckdb_views)"
	if _, err := te.collect(t, analyst, kelvin); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("a CTE named with a Kelvin sign: %v", err)
	}
}
