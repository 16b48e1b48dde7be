package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store/storetest"
)

// direct runs hand-written SQL as the analyst, for comparison.
func (f *fixture) direct(t *testing.T, sql string) [][]any {
	t.Helper()
	p, err := f.s.principal(context.Background(), f.analyst.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.engine.QueryCached(context.Background(), p, query.Request{SQL: sql})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res.Result.Rows
}

func (f *fixture) explore(t *testing.T, ds *Dataset, x Exploration) (*Built, [][]any) {
	t.Helper()
	b, res, err := f.s.Explore(context.Background(), f.analyst, ds.ID, x)
	if err != nil {
		t.Fatalf("%+v: %v", x, err)
	}
	return b, res.Result.Rows
}

func sameRows(a, b [][]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestExplorerAnswersEqualHandWrittenSQL(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ds := f.orders(t)
	base := `(select o.*, m.country from act_orders o join obj_members m using (member_id))`
	cases := []struct {
		x    Exploration
		want string
	}{
		{Exploration{}, "select count(*) from " + base},
		{Exploration{Measures: []Measure{{"count_distinct", "member_id"}, {"sum", "total"}, {"avg", "total"}, {"min", "ordered_at"}, {"max", "total"}}},
			"select count(distinct member_id), sum(total), avg(total), min(ordered_at), max(total) from " + base},
		{Exploration{Dimensions: []string{"country"}, Measures: []Measure{{"sum", "total"}}},
			"select country, sum(total) from " + base + " group by 1 order by 2 desc, 1"},
		{Exploration{TimeColumn: "ordered_at", Grain: "week", Dimensions: []string{"status"}},
			"select date_trunc('week', ordered_at)::date, status, count(*) from " + base + " group by all order by 1, 2"},
		{Exploration{Dimensions: []string{"status"}, Filters: []Condition{{"country", "in", []any{"KR", "JP"}}, {"total", "between", []any{json.Number("10000"), json.Number("200000")}}}},
			"select status, count(*) from " + base + " where country in ('KR', 'JP') and total between 10000 and 200000 group by 1 order by 2 desc, 1"},
		{Exploration{Filters: []Condition{{"dt", ">=", "2026-01-02"}, {"status", "!=", "paid"}}},
			"select count(*) from " + base + " where dt >= date '2026-01-02' and status != 'paid'"},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			_, got := f.explore(t, ds, c.x)
			want := f.direct(t, c.want)
			if len(got) == 0 || !sameRows(got, want) {
				t.Fatalf("explorer %v\nSQL       %v", got, want)
			}
		})
	}
}

func TestGrainsBucketTheSameRows(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ds := f.orders(t)
	total := func(rows [][]any) (sum int64) {
		for _, r := range rows {
			n, _ := r[len(r)-1].(int64)
			sum += n
		}
		return sum
	}
	_, days := f.explore(t, ds, Exploration{TimeColumn: "ordered_at", Grain: "day"})
	_, years := f.explore(t, ds, Exploration{TimeColumn: "ordered_at", Grain: "year"})
	if len(days) < 2 || len(years) != 1 || total(days) != total(years) || total(days) == 0 {
		t.Fatalf("days %v, years %v", days, years)
	}
}

func TestHostileNamesAreQuotedAndValuesBound(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	evil := `c"") or 1=1; drop table x --`
	ds, err := f.s.CreateDataset(context.Background(), f.analyst, NewDataset{Name: "Evil names",
		SQL: `select member_id, country as "` + strings.ReplaceAll(evil, `"`, `""`) + `", signup_date from obj_members`})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Columns[1].Name != evil {
		t.Fatalf("column %q", ds.Columns[1].Name)
	}
	hostile := `KR' OR '1'='1`
	b, rows := f.explore(t, ds, Exploration{Dimensions: []string{evil}, Filters: []Condition{{evil, "=", hostile}}})
	if len(rows) != 0 {
		t.Fatalf("a hostile value matched rows: %v", rows)
	}
	if strings.Contains(b.SQL, hostile) || b.Params["v1"] != hostile {
		t.Fatalf("the value was pasted into the SQL:\n%s\n%v", b.SQL, b.Params)
	}
	_, rows = f.explore(t, ds, Exploration{Dimensions: []string{evil}, Filters: []Condition{{evil, "=", "KR"}}})
	if len(rows) != 1 || rows[0][0] != "KR" {
		t.Fatalf("a column with quotes in its name: %v", rows)
	}
}

func TestExplorationsThatCannotBeBuiltSaySo(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ds := f.orders(t)
	many := make([]any, maxInValues+1)
	for i := range many {
		many[i] = "x"
	}
	bad := map[string]Exploration{
		"no such column":       {Dimensions: []string{`country"; select 1 --`}},
		"no such aggregate":    {Measures: []Measure{{"median", "total"}}},
		"sum of text":          {Measures: []Measure{{"sum", "country"}}},
		"sum of nothing":       {Measures: []Measure{{"sum", ""}}},
		"twice":                {Dimensions: []string{"country", "country"}},
		"time of text":         {TimeColumn: "country"},
		"unknown grain":        {TimeColumn: "dt", Grain: "fortnight"},
		"unknown operator":     {Filters: []Condition{{"country", "like", "K%"}}},
		"in without a list":    {Filters: []Condition{{"country", "in", "KR"}}},
		"in with too many":     {Filters: []Condition{{"country", "in", many}}},
		"between one value":    {Filters: []Condition{{"total", "between", []any{json.Number("1")}}}},
		"value is an object":   {Filters: []Condition{{"country", "=", map[string]any{"a": 1}}}},
		"value is null":        {Filters: []Condition{{"country", "=", nil}}},
		"limit over the limit": {Limit: MaxLimit + 1},
	}
	for name, x := range bad {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.s.Explore(context.Background(), f.analyst, ds.ID, x)
			if pier.ErrorCode(err) != pier.EInvalid || pier.ErrorMessage(err) == "" {
				t.Fatalf("got %v, want a plain invalid-input error", err)
			}
		})
	}
	if _, _, err := f.s.Explore(context.Background(), f.analyst, ds.ID, Exploration{Filters: []Condition{{"total", ">", "lots"}}}); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("a value of the wrong type: got %v, want the engine's plain error", err)
	}
}
