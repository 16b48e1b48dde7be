package query

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestCatalogFindsTablesPartitionsAndRowCounts(t *testing.T) {
	lake := newLake(t)
	os.WriteFile(filepath.Join(lake, "Bad-Name.parquet"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(lake, "notes.txt"), []byte("x"), 0o644)
	cat, err := OpenCatalog(context.Background(), lake, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	var names []string
	for _, tb := range cat.Tables() {
		names = append(names, tb.Name)
	}
	want := []string{"act_order_items", "act_orders", "act_page_views", "obj_brands", "obj_members", "obj_products"}
	if len(names) != len(want) {
		t.Fatalf("tables = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("tables = %v, want %v", names, want)
		}
	}
	pv, _ := cat.Table("act_page_views")
	if pv.Rows != int64(demolake.Tiny.Views) || pv.PartCount != demolake.Tiny.Days || len(pv.Partitions) != 1 || pv.Partitions[0] != "dt" {
		t.Fatalf("act_page_views: rows %d, partitions %v × %d", pv.Rows, pv.Partitions, pv.PartCount)
	}
	if pv.Columns[len(pv.Columns)-1].Name != "dt" || pv.Modified.IsZero() {
		t.Fatalf("act_page_views columns %v, modified %v", pv.Columns, pv.Modified)
	}
	if b, _ := cat.Table("obj_brands"); b.Dir || b.Rows == 0 {
		t.Fatalf("obj_brands should be a single file with rows: %+v", b)
	}
	if got := pv.NewestData(); got != "2026-01-03" {
		t.Fatalf("act_page_views' newest data is %s, want its last dt", got)
	}
	if b, _ := cat.Table("obj_brands"); b.NewestData() != b.Modified.UTC().Format("2006-01-02") {
		t.Fatalf("an unpartitioned table's newest data is %s", b.NewestData())
	}
}

func TestCatalogRefreshSeesNewAndRemovedTables(t *testing.T) {
	lake := newLake(t)
	ctx := context.Background()
	cat, err := OpenCatalog(ctx, lake, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	if err := os.CopyFS(filepath.Join(lake, "mart_copy"), os.DirFS(filepath.Join(lake, "obj_products"))); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(lake, "obj_brands.parquet"))
	n, err := cat.Refresh(ctx)
	if err != nil || n != 6 {
		t.Fatalf("refresh: %d tables, %v", n, err)
	}
	if _, ok := cat.Table("mart_copy"); !ok {
		t.Error("a new table was not picked up")
	}
	if _, ok := cat.Table("obj_brands"); ok {
		t.Error("a removed table is still listed")
	}
}

func TestPropertiesSurviveAndValidate(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := NewPropStore(db)
		if err := ps.TagPIIOnce(ctx, map[string][]string{"obj_members": {"email", "phone"}}); err != nil {
			t.Fatal(err)
		}
		desc, restricted := "People who signed up", true
		if err := ps.Set(ctx, "obj_members", PropChange{Description: &desc, Restricted: &restricted}); err != nil {
			t.Fatal(err)
		}
		ps.TagPIIOnce(ctx, map[string][]string{"obj_members": {"name"}})
		all, err := ps.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m := all["obj_members"]
		if m.Description != desc || !m.Restricted || len(m.PII) != 2 || m.PII[0] != "email" {
			t.Fatalf("props = %+v", m)
		}
		if err := ps.Set(ctx, "Bad Name", PropChange{}); pier.ErrorCode(err) != pier.EInvalid {
			t.Fatalf("bad table name: %v", err)
		}
	})
}

// TestTablesWhoseFilesDisagreeAreReadByName adds a file with an extra
// column and another order: the table must still read correctly.
func TestTablesWhoseFilesDisagreeAreReadByName(t *testing.T) {
	lake := newLake(t)
	te := newTestEngine(t, lake, Limits{})
	if tb, _ := te.cat.Table("obj_products"); tb.Mixed {
		t.Fatal("a table of one schema is marked mixed")
	}
	extra := filepath.Join(lake, "obj_products", "part-1.parquet")
	if _, err := te.cat.meta.Exec(`COPY (SELECT 'new' AS colour, 99999 AS product_id, 1 AS brand_id) TO '` + extra + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if _, err := te.cat.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tb, _ := te.cat.Table("obj_products"); !tb.Mixed {
		t.Fatal("a table of two schemas is not marked mixed")
	}
	res, err := te.collect(t, analyst, "select product_id, brand_id, colour from obj_products where product_id = 99999")
	if err != nil || res.RowCount != 1 || res.Rows[0][2] != "new" {
		t.Fatalf("got %+v, %v", res, err)
	}
}
