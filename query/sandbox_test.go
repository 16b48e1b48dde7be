package query

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
)

// TestSandboxEscapesFail runs SQL that tries to leave the sandbox. Every one
// must be refused with a SQL error, and none may leave a trace.
func TestSandboxEscapesFail(t *testing.T) {
	lake := newLake(t)
	te := newTestEngine(t, lake, Limits{})
	member := filepath.Join(lake, "obj_members", "part-0.parquet")
	escapes := map[string]string{
		"read_csv of /etc/passwd":           `select * from read_csv('/etc/passwd')`,
		"read_text of /etc/passwd":          `select * from read_text('/etc/passwd')`,
		"read_blob of /etc/passwd":          `select * from read_blob('/etc/passwd')`,
		"glob of /etc":                      `select * from glob('/etc/*')`,
		"bare path":                         `select * from '/etc/passwd'`,
		"dot-dot out of a table":            `select * from '` + lake + `/obj_products/../../../../etc/passwd'`,
		"dot-dot in a scalar subquery":      `select (select count(*) from read_csv('` + lake + `/obj_products/../../../etc/passwd'))`,
		"raw member file by path":           `select email from '` + member + `'`,
		"raw member file by read_parquet":   `select email from read_parquet('` + member + `')`,
		"parquet_metadata":                  `select * from parquet_metadata('` + member + `')`,
		"copy into the lake":                `copy obj_brands to '` + lake + `/stolen.parquet'`,
		"copy a query into the lake":        `copy (select * from obj_members) to '` + lake + `/stolen.csv'`,
		"export database":                   `export database '` + lake + `/stolen'`,
		"attach the metadata store":         `attach '` + filepath.Join(filepath.Dir(te.cat.Lake()), "pier.db") + `' as meta`,
		"attach in memory":                  `attach ':memory:' as scratch`,
		"install an extension":              `install httpfs`,
		"load an extension":                 `load httpfs`,
		"set a setting":                     `set enable_external_access = true`,
		"set threads":                       `set threads = 1`,
		"reset a setting":                   `reset memory_limit`,
		"pragma":                            `pragma enable_profiling`,
		"call":                              `call pragma_version()`,
		"replace a view":                    `create or replace view obj_brands as select 42 as brand_id`,
		"create a table":                    `create table t as select 1`,
		"multi-statement copy":              `select 1; copy obj_brands to '` + lake + `/stolen2.parquet'`,
		"multi-statement set":               `select 1; set threads = 1`,
		"view definitions":                  `select sql from duckdb_views()`,
		"sqlite_master":                     `select sql from sqlite_master`,
		"information_schema":                `select view_definition from information_schema.views`,
		"settings":                          `select * from duckdb_settings()`,
		"query() table function":            `select * from query('select 1')`,
		"query_table":                       `select * from query_table('obj_brands')`,
		"another catalog":                   `select * from system.main.duckdb_views`,
		"a table that does not exist":       `select * from obj_secrets`,
		"a path hidden behind a cte scope":  `select * from (with "x.parquet" as (select 1) select * from "x.parquet"), '` + member + `'`,
		"describe a raw file":               `describe '` + member + `'`,
		"summarize a raw file":              `summarize '` + member + `'`,
		"show a raw file":                   `show '` + member + `'`,
		"lateral table function":            `select * from obj_brands, lateral (select * from read_csv('/etc/passwd'))`,
		"a cte named like a raw file":       `select * from (with "` + member + `" as (select 1) select 1), "` + member + `"`,
		"a cte named like a file, in scope": `with "` + member + `" as (select 1 as x) select * from "` + member + `"`,
	}
	for name, sql := range escapes {
		t.Run(name, func(t *testing.T) {
			res, err := te.collect(t, analyst, sql)
			if pier.ErrorCode(err) != pier.ESQL {
				t.Fatalf("want a SQL error, got %v (result %+v)", err, res)
			}
			if strings.Contains(pier.ErrorMessage(err), "root:") {
				t.Fatalf("the error leaks file contents: %s", pier.ErrorMessage(err))
			}
		})
	}
	for _, f := range []string{"stolen.parquet", "stolen.csv", "stolen", "stolen2.parquet"} {
		if _, err := os.Stat(filepath.Join(lake, f)); err == nil {
			t.Errorf("%s was written into the lake", f)
		}
	}
	res, err := te.collect(t, analyst, "select count(*) from obj_brands")
	if err != nil || res.Rows[0][0] == int64(1) {
		t.Fatalf("obj_brands changed after the escapes: %+v, %v", res, err)
	}
	if te.InFlight() != 0 {
		t.Fatalf("%d queries still in flight", te.InFlight())
	}
}

func TestSymlinksInTheLakeAreNotFollowed(t *testing.T) {
	lake := newLake(t)
	member := filepath.Join(lake, "obj_members", "part-0.parquet")
	if err := os.Symlink(member, filepath.Join(lake, "obj_products", "evil.parquet")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(lake, "etc")); err != nil {
		t.Fatal(err)
	}
	te := newTestEngine(t, lake, Limits{})
	if _, ok := te.cat.Table("etc"); ok {
		t.Fatal("a symlinked directory became a table")
	}
	res, err := te.collect(t, analyst, "select * from obj_products limit 1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Columns {
		if c.Name == "email" {
			t.Fatal("obj_products picked up the members' columns through a symlink")
		}
	}
	_, err = te.collect(t, analyst, `select * from '`+filepath.Join(lake, "obj_products", "evil.parquet")+`'`)
	if pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("reading through the symlink: got %v", err)
	}
}

func TestRestrictedTablesNeedAGrant(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	restricted := true
	if err := te.props.Set(context.Background(), "act_orders", PropChange{Restricted: &restricted}); err != nil {
		t.Fatal(err)
	}
	files := filepath.Join(te.lake, "act_orders", "*", "*.parquet")
	for _, sql := range []string{"select count(*) from act_orders", "select count(*) from read_parquet('" + files + "')"} {
		if _, err := te.collect(t, analyst, sql); pier.ErrorCode(err) != pier.ESQL {
			t.Errorf("%s without a grant: got %v, want a SQL error", sql, err)
		}
	}
	granted := Principal{UserID: "granted", Grants: map[string]bool{"act_orders": false}}
	if _, err := te.collect(t, granted, "select count(*) from act_orders"); err != nil {
		t.Fatalf("with a grant: %v", err)
	}
	vis, _ := te.Visible(context.Background(), analyst)
	for _, v := range vis {
		if v.Name == "act_orders" {
			t.Error("a restricted table is listed for a user without a grant")
		}
	}
}

// TestNoSettingCanBeChanged tries SET, SET GLOBAL and RESET on every setting
// DuckDB knows.
func TestNoSettingCanBeChanged(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	rows, err := te.cat.meta.Query("SELECT name FROM duckdb_settings()")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(names) < 50 {
		t.Fatalf("only %d settings found", len(names))
	}
	for _, n := range names {
		for _, sql := range []string{"SET " + n + " = 'x'", "SET GLOBAL " + n + " = 1", "RESET " + n, "SET SESSION " + n + " TO DEFAULT"} {
			if _, err := te.collect(t, analyst, sql); pier.ErrorCode(err) != pier.ESQL {
				t.Errorf("%s: got %v, want a SQL error", sql, err)
			}
		}
	}
}
