package notebook

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query"
)

func TestUpstreamTakesTheCellsReadDirectlyOrThroughOthers(t *testing.T) {
	cells := []Cell{
		sqlCell("orders", "select * from act_orders"),
		sqlCell("unrelated", "select 1"),
		{Kind: Markdown, Source: "daily is explained here"},
		sqlCell("daily", "select dt, count(*) from orders group by dt"),
		sqlCell("commented", "select 2"),
		sqlCell("quoted", "select 3"),
	}
	src := "select * from daily -- not commented\n/* nor quoted */ where 'quoted' <> ''"
	var names []string
	for _, u := range upstream(cells, src) {
		names = append(names, u.Name)
	}
	if want := []string{"orders", "daily"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("upstream: %v, want %v", names, want)
	}
	got := upstream(cells, "select * from unrelated")
	if want := []query.Upstream{{Name: "unrelated", SQL: "select 1"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("upstream: %v", got)
	}
}

func TestDownstreamFollowsReaders(t *testing.T) {
	d := Doc{Cells: []Cell{
		{ID: "1", Kind: SQL, Name: "a", Source: "select 1"},
		{ID: "2", Kind: SQL, Name: "b", Source: "select * from a"},
		{ID: "3", Kind: SQL, Name: "c", Source: "select 3"},
		{ID: "4", Kind: SQL, Name: "d", Source: "select * from b"},
	}}
	if got := Downstream(d, "1"); !reflect.DeepEqual(got, []string{"2", "4"}) {
		t.Fatalf("downstream of a: %v", got)
	}
	if got := Downstream(d, "3"); got != nil {
		t.Fatalf("downstream of c: %v", got)
	}
}

func TestInputsBindTheirDefaultsOrTheSentValues(t *testing.T) {
	params := []Param{
		{Name: "brand", Type: "text", Default: "Acme"},
		{Name: "min", Type: "number", Default: json.Number("3")},
		{Name: "period", Type: "date_range", Default: []any{"2026-11-01", "2026-11-30"}},
		{Name: "pages", Type: "list"},
	}
	got, err := bindInputs(params, map[string]any{"min": "4.5", "pages": []any{"home"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"brand": "Acme", "min": json.Number("4.5"), "period_start": "2026-11-01", "period_end": "2026-11-30", "pages": []any{"home"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for name, values := range map[string]map[string]any{
		"an unknown input":         {"nope": "x"},
		"a word for a number":      {"min": "many"},
		"a date range of one date": {"period": []any{"2026-11-01"}},
		"a number for text":        {"brand": json.Number("1")},
	} {
		if _, err := bindInputs(params, values); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func TestAnEmptyOrBackwardDateRangeSaysSo(t *testing.T) {
	params := []Param{{Name: "period", Type: "date_range"}, {Name: "other", Type: "date_range"}}
	run := func(sql string, values map[string]any, upstream ...query.Upstream) error {
		bound, err := bindInputs(params, values)
		if err != nil {
			t.Fatal(err)
		}
		return checkRanges(params, bound, query.Request{SQL: sql, Upstream: upstream})
	}
	uses := "select * from t where dt between $period_start and $period_end"
	if err := run(uses, nil); pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(pier.ErrorMessage(err), "period has no dates") {
		t.Errorf("an empty range: %v", err)
	}
	if err := run("select * from a", nil, query.Upstream{Name: "a", SQL: uses}); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("an empty range read by an earlier cell: %v", err)
	}
	if err := run(uses, map[string]any{"period": []any{"2026-02-01", "2026-01-01"}}); !strings.Contains(pier.ErrorMessage(err), "starts (2026-02-01) after it ends") {
		t.Errorf("a backward range: %v", err)
	}
	if err := run(uses, map[string]any{"period": []any{"2026-01-01", "2026-01-31"}}); err != nil {
		t.Errorf("a good range: %v", err)
	}
	if err := run("select 1", nil); err != nil {
		t.Errorf("SQL that reads no range is not held up by an empty one: %v", err)
	}
}
