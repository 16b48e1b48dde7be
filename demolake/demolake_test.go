package demolake

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteMakesEveryTableWithPartitions(t *testing.T) {
	dir := t.TempDir()
	if err := Write(context.Background(), dir, Tiny); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	counts := map[string]struct {
		glob string
		want int
	}{
		"obj_brands":     {"obj_brands.parquet", max(Tiny.Products/20, 5)},
		"obj_members":    {"obj_members/*.parquet", Tiny.Members},
		"obj_products":   {"obj_products/*.parquet", Tiny.Products},
		"act_orders":     {"act_orders/*/*.parquet", Tiny.Orders},
		"act_page_views": {"act_page_views/*/*.parquet", Tiny.Views},
	}
	for name, c := range counts {
		var n int
		q := "SELECT count(*) FROM read_parquet('" + filepath.Join(dir, c.glob) + "')"
		if err := db.QueryRow(q).Scan(&n); err != nil || n != c.want {
			t.Errorf("%s: %d rows, %v; want %d", name, n, err, c.want)
		}
	}
	days, _ := filepath.Glob(filepath.Join(dir, "act_page_views", "dt=*"))
	if len(days) != Tiny.Days {
		t.Errorf("act_page_views has %d dt partitions, want %d", len(days), Tiny.Days)
	}
	if !Exists(dir) {
		t.Error("Exists says no after Write")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".demo-*")); len(left) != 0 {
		t.Errorf("staging left behind: %v", left)
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := Write(context.Background(), d, Tiny); err != nil {
			t.Fatal(err)
		}
	}
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	sum := func(dir string) string {
		var s string
		q := "SELECT md5(string_agg(member_id || email || phone, ',' ORDER BY member_id)) FROM read_parquet('" + filepath.Join(dir, "obj_members/*.parquet") + "')"
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if sum(a) != sum(b) {
		t.Fatal("two writes of the same scale differ")
	}
	if _, err := os.Stat(filepath.Join(a, "obj_brands.parquet")); err != nil {
		t.Fatal("obj_brands should be a single file table")
	}
}

func TestDemoOrdersAddUp(t *testing.T) {
	dir := t.TempDir()
	if err := Write(context.Background(), dir, Tiny); err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("duckdb", "")
	defer db.Close()
	read := func(table string) string {
		return "read_parquet('" + filepath.Join(dir, table, "*/*.parquet") + "')"
	}
	var wrongTotals, wrongPrices, orphans int
	q := `SELECT count(*) FILTER (WHERE o.total <> l.total) FROM ` + read("act_orders") + ` o
		JOIN (SELECT order_id, sum(quantity * unit_price) AS total FROM ` + read("act_order_items") + ` GROUP BY order_id) l USING (order_id)`
	if err := db.QueryRow(q).Scan(&wrongTotals); err != nil || wrongTotals != 0 {
		t.Errorf("%d orders whose total is not the sum of their lines (%v)", wrongTotals, err)
	}
	q = `SELECT count(*) FROM ` + read("act_order_items") + ` i JOIN read_parquet('` + filepath.Join(dir, "obj_products/*.parquet") + `') p USING (product_id) WHERE i.unit_price <> p.price`
	if err := db.QueryRow(q).Scan(&wrongPrices); err != nil || wrongPrices != 0 {
		t.Errorf("%d lines not at their product's price (%v)", wrongPrices, err)
	}
	q = `SELECT count(*) FROM ` + read("act_order_items") + ` i ANTI JOIN ` + read("act_orders") + ` o ON i.order_id = o.order_id AND i.dt = o.dt`
	if err := db.QueryRow(q).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d lines without their order on the same day (%v)", orphans, err)
	}
}
