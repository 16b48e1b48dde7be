package query

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/pier-analytics/pier"
)

func (te *testEngine) collectReq(t testing.TB, p Principal, req Request) (*JSONResult, *Rows, error) {
	t.Helper()
	rows, err := te.Query(context.Background(), p, req)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	res, err := CollectJSON(rows, MaxJSONRows)
	return res, rows, err
}

func TestUpstreamQueriesReadLikeTables(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	byBrand := "select brand_id, count(*) as n from obj_products group by brand_id"
	want, err := te.collect(t, analyst, "select sum(n) from ("+byBrand+") where n > 1")
	if err != nil {
		t.Fatal(err)
	}
	got, rows, err := te.collectReq(t, analyst, Request{
		SQL: "select sum(n) from big_brands",
		Upstream: []Upstream{
			{Name: "by_brand", SQL: byBrand},
			{Name: "big_brands", SQL: "select * from by_brand where n > 1"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Rows, want.Rows) {
		t.Fatalf("got %v, want %v", got.Rows, want.Rows)
	}
	if !reflect.DeepEqual(rows.Tables(), []string{"obj_products"}) {
		t.Fatalf("tables read: %v, want the upstream's obj_products", rows.Tables())
	}
}

func TestUpstreamRelationsDieWithTheirQuery(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	if _, _, err := te.collectReq(t, analyst, Request{SQL: "select * from x",
		Upstream: []Upstream{{Name: "x", SQL: "select 1 as one"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := te.collect(t, analyst, "select * from x"); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("a later query still sees the upstream relation x: %v", err)
	}
}

func TestUpstreamParametersAreBoundNotPasted(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	hostile := []string{`'; drop view obj_brands; --`, `$id`, `") from obj_members --`, "\x00", `3 or 1=1`}
	for _, v := range hostile {
		got, _, err := te.collectReq(t, analyst, Request{
			SQL:           "select label, count(*) from picked group by label",
			Params:        map[string]any{"label": v, "id": json.Number("3"), "unused": "x"},
			LenientParams: true,
			Upstream:      []Upstream{{Name: "picked", SQL: "select $label as label from obj_brands where brand_id = $id"}},
		})
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if got.RowCount != 1 || got.Rows[0][0] != v || got.Rows[0][1] != int64(1) {
			t.Fatalf("%q came back as %v", v, got.Rows)
		}
	}
	if _, err := te.collect(t, analyst, "select count(*) from obj_brands"); err != nil {
		t.Fatalf("the brands view is gone: %v", err)
	}
}

func TestUpstreamErrorsSayWhichQueryAndWhere(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	cases := []struct {
		name     string
		upstream []Upstream
		source   string
		line     int
		column   int
	}{
		{"a binder error in the first", []Upstream{{Name: "a", SQL: "select\n  nope from obj_brands"}}, "a", 2, 3},
		{"an escape in the second", []Upstream{{Name: "a", SQL: "select 1"}, {Name: "b", SQL: "select * from read_csv('/etc/passwd')"}}, "b", 1, 15},
		{"a write", []Upstream{{Name: "a", SQL: "copy obj_brands to '/tmp/x.csv'"}}, "a", 0, 0},
		{"a lake table's name", []Upstream{{Name: "obj_brands", SQL: "select 1"}}, "obj_brands", 0, 0},
		{"a later upstream", []Upstream{{Name: "a", SQL: "select * from b"}, {Name: "b", SQL: "select 1"}}, "a", 1, 15},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := te.collectReq(t, analyst, Request{SQL: "select 1", Upstream: c.upstream})
			var pe *pier.Error
			if !errors.As(err, &pe) || pe.Code != pier.ESQL {
				t.Fatalf("want a SQL error, got %v", err)
			}
			if pe.Source != c.source || pe.Line != c.line || pe.Column != c.column {
				t.Fatalf("in %q at %d:%d, want %q at %d:%d (%s)", pe.Source, pe.Line, pe.Column, c.source, c.line, c.column, pe.Message)
			}
		})
	}
	_, _, err := te.collectReq(t, analyst, Request{SQL: "select 1", Upstream: []Upstream{{Name: "x.parquet", SQL: "select 1"}}})
	if pier.ErrorCode(err) != pier.EInvalid {
		t.Fatalf("a file-like upstream name: %v", err)
	}
}

func TestUpstreamReadsOfRawPIIAreAudited(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	dpo := Principal{UserID: "dpo", Grants: map[string]bool{"obj_members": true}}
	_, rows, err := te.collectReq(t, dpo, Request{SQL: "select count(*) from m",
		Upstream: []Upstream{{Name: "m", SQL: "select email from obj_members"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !rows.ReadsRawPII() {
		t.Fatal("reading raw e-mails through an upstream query is not marked for audit")
	}
}

func TestListParametersBindAsVarcharLists(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	got, _, err := te.collectReq(t, analyst, Request{
		SQL:    "select count(*) from (select unnest($names) as n) where list_contains($names, n)",
		Params: map[string]any{"names": []any{"a", "b'; --", "c"}},
	})
	if err != nil || got.Rows[0][0] != int64(3) {
		t.Fatalf("got %v, %v", got, err)
	}
	_, _, err = te.collectReq(t, analyst, Request{SQL: "select $x", Params: map[string]any{"x": []any{1, "a"}}})
	if pier.ErrorCode(err) != pier.EInvalid {
		t.Fatalf("a list of mixed values: %v", err)
	}
}

// TestUpstreamResultsDoNotOutliveTheirRequest: a worker keeps its
// connection between requests, so what one request defined must be gone
// for the next, parameters or not.
func TestUpstreamResultsDoNotOutliveTheirRequest(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	req := Request{SQL: "select count(*) from a, b", Params: map[string]any{"n": json.Number("3")}, LenientParams: true,
		Upstream: []Upstream{{Name: "a", SQL: "select 1 as x"}, {Name: "b", SQL: "select * from range($n)"}}}
	for range 3 {
		if _, _, err := te.collectReq(t, analyst, req); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := te.collect(t, analyst, "select * from a"); pier.ErrorCode(err) != pier.ESQL {
		t.Fatalf("an earlier request's upstream result is still there: %v", err)
	}
}
