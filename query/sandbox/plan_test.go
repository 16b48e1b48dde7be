package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

func connectBox(t *testing.T, b *box) duck.Connection {
	t.Helper()
	c, err := b.db.connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { disconnect(&c) })
	return c
}

// planOnly runs the second fence alone, as if the parser's had let the
// statement through.
func planOnly(t *testing.T, c duck.Connection, s *scope, sql string) ([]string, error) {
	t.Helper()
	ast, err := serialize(c, sql)
	if err != nil || ast == nil {
		t.Fatalf("%s does not parse as a SELECT: %v", sql, err)
	}
	return s.checkPlan(c, sql, ast)
}

func TestThePlanCheckAloneRefusesReadsAroundTheViews(t *testing.T) {
	b, dir := testBox(t)
	c := connectBox(t, b)
	people := filepath.Join(dir, "people.parquet")
	attacks := map[string]string{
		"the view's file by path":             `select email from '` + people + `'`,
		"the view's file by read_parquet":     `select email from read_parquet(['` + people + `'])`,
		"read_parquet with the view's option": `select email from read_parquet(['` + people + `'], hive_partitioning = false, union_by_name = false)`,
		"read_parquet with a file name":       `select email from read_parquet(['` + people + `'], hive_partitioning = false, filename = 'pier_src_0')`,
		"parquet_scan":                        `select email from parquet_scan('` + people + `')`,
		"read_csv of a permitted file":        `select * from read_csv('` + people + `')`,
		"read_blob of a permitted file":       `select * from read_blob('` + people + `')`,
		"glob of the lake":                    `select * from glob('` + dir + `/*')`,
		"parquet_metadata":                    `select * from parquet_metadata('` + people + `')`,
		"view definitions":                    `select sql from duckdb_views()`,
		"view definitions through a macro":    `select pg_get_viewdef(i) d from range(0, 300) t(i) where d is not null`,
		"sqlite_master past a scoped CTE":     `select (with sqlite_master as (select 1) select 1) z, sql from sqlite_master`,
		"the settings":                        `select current_setting('allowed_directories')`,
		"the settings table":                  `select value from duckdb_settings()`,
		"the functions":                       `select function_name from duckdb_functions()`,
		"another statement's plan":            `select json_serialize_plan('select * from people')`,
	}
	for name, sql := range attacks {
		t.Run(name, func(t *testing.T) {
			s := &scope{box: b, upstream: map[string][]string{}}
			read, err := planOnly(t, c, s, sql)
			// Binding may fail first, in DuckDB's words (which can name a
			// file); the parser's fence keeps such statements from ever
			// being bound, and the engine's attack suite checks the words.
			if pier.ErrorCode(err) != pier.ESQL {
				t.Fatalf("got %v (reads %v), want a refusal", err, read)
			}
		})
	}
}

func TestThePlanNamesEveryTableRead(t *testing.T) {
	b, _ := testBox(t)
	c := connectBox(t, b)
	cases := []struct {
		name, sql string
		want      []string
	}{
		{"a CTE shadows a table inside a scalar subquery only",
			`select (with people as (select 1 x) select x from people) z, id from visits`, []string{"visits"}},
		{"a CTE that reads a table, read past a shadowing one",
			`with x as (select * from people) select * from (with people as (select 1) select * from x)`, []string{"people"}},
		{"exists", `select id from visits v where exists (select 1 from people p where p.id = v.person)`, []string{"people", "visits"}},
		{"in", `select id from visits where person in (select id from people)`, []string{"people", "visits"}},
		{"lateral", `select * from visits v, lateral (select email from people p where p.id = v.person)`, []string{"people", "visits"}},
		{"union", `select id from visits union all select id from people`, []string{"people", "visits"}},
		{"except", `select id from visits except select id from people`, []string{"people", "visits"}},
		{"intersect", `select id from visits intersect select id from people`, []string{"people", "visits"}},
		{"order by a subquery", `select id from visits order by (select max(id) from people)`, []string{"people", "visits"}},
		{"having", `select person from visits group by 1 having count(*) > (select count(*) from people)`, []string{"people", "visits"}},
		{"qualify", `select id from visits qualify row_number() over () <= (select count(*) from people)`, []string{"people", "visits"}},
		{"pivot with values", `pivot (select person % 2 as p, id from visits) on p in (0, 1) using count(id)`, []string{"visits"}},
		{"recursive CTE", `with recursive r(n) as (select 1 union all select n + 1 from r where n < (select count(*) from people)) select * from r`, []string{"people"}},
		{"materialized CTE read twice", `with m as materialized (select * from visits) select * from m a join m b using (id)`, []string{"visits"}},
		{"values only", `select * from (values (1), (2)) v(x)`, nil},
		{"range only", `select * from range(3)`, nil},
		{"describe", `describe people`, nil},
		{"summarize", `summarize visits`, []string{"visits"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &scope{box: b, upstream: map[string][]string{}}
			read, err := planOnly(t, c, s, tc.sql)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(read)
			if !slices.Equal(read, tc.want) {
				t.Fatalf("reads %v, want %v", read, tc.want)
			}
		})
	}
}

func TestAParameterOfUnknownTypeIsStillChecked(t *testing.T) {
	b, _ := testBox(t)
	c := connectBox(t, b)
	sql := `select $p as p, (select count(*) from people) n`
	s := &scope{box: b, upstream: map[string][]string{}, params: map[string]any{"p": "x"}}
	read, err := planOnly(t, c, s, sql)
	if err != nil || !slices.Equal(read, []string{"people"}) {
		t.Fatalf("reads %v, %v", read, err)
	}
	s.params = map[string]any{"p": "x"}
	if _, err := planOnly(t, c, s, `select $p, sql from duckdb_views()`); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("a catalog read with a parameter of unknown type: %v", err)
	}
}

func TestHiddenPIIIsAnHMACComputedOutsideTheEngine(t *testing.T) {
	b, dir := testBox(t)
	c := connectBox(t, b)
	got, err := queryString(c, "SELECT email FROM people WHERE id = 3")
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, testKey)
	mac.Write([]byte("person3@example.com"))
	if want := hex.EncodeToString(mac.Sum(nil))[:32]; got != want {
		t.Fatalf("hidden e-mail = %q, want HMAC-SHA-256 %q", got, want)
	}
	if null, err := queryString(c, "SELECT coalesce("+b.hashFn+"(NULL), 'null')"); err != nil || null != "null" {
		t.Fatalf("the hash of NULL = %q, %v", null, err)
	}
	// Nothing DuckDB holds may show the key: every setting, view, macro and
	// function, read from inside past the guard.
	dump, err := queryString(c, `SELECT concat_ws('|',
		(SELECT string_agg(name || '=' || coalesce(value, ''), '|') FROM duckdb_settings()),
		(SELECT string_agg(sql, '|') FROM duckdb_views()),
		(SELECT string_agg(coalesce(macro_definition, '') || coalesce(description, '') || function_name, '|') FROM duckdb_functions()))`)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{string(testKey), hex.EncodeToString(testKey)} {
		if strings.Contains(dump, secret) {
			t.Fatal("the PII key is readable inside DuckDB")
		}
	}
	if !strings.Contains(dump, dir) {
		t.Fatal("the dump did not reach the views (the check above would prove nothing)")
	}
}
