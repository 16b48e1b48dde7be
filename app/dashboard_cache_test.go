package app

import (
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // writes new lake data for the test

	"github.com/pier-analytics/pier/auth"
)

// TestNewLakeDataReachesTilesAtOnce: a cached tile answer lasts exactly as
// long as the data it read, with no time-to-live.
func TestNewLakeDataReachesTilesAtOnce(t *testing.T) {
	lake := filepath.Join(t.TempDir(), "lake")
	if err := os.CopyFS(lake, os.DirFS(tinyLake(t))); err != nil {
		t.Fatal(err)
	}
	ta := newTestAppWith(t, Config{LakeDir: lake})
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
	path := "/api/v1/dashboards/" + id + "/tiles/by_status/data"
	before := readAll(t, ta.do(t, auth.TierAnalyze, "GET", path, ""))
	if res := ta.do(t, auth.TierAnalyze, "GET", path, ""); res.Header.Get("X-Pier-Cache") != "hit" {
		t.Fatal("the second read was not cached")
	}

	day := filepath.Join(lake, "act_orders", "dt=2026-02-01")
	if err := os.MkdirAll(day, 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`COPY (SELECT 999999 AS order_id, 1::BIGINT AS member_id, TIMESTAMP '2026-02-01 10:00' AS ordered_at,
		'paid' AS status, 1000000.00::DECIMAL(12,2) AS total) TO '` + filepath.Join(day, "part-0.parquet") + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	if status, _ := ta.call(t, auth.TierData, "POST", "/api/v1/catalog/refresh", nil); status != http.StatusOK {
		t.Fatalf("refresh: %d", status)
	}
	res := ta.do(t, auth.TierAnalyze, "GET", path, "")
	after := readAll(t, res)
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Pier-Cache") != "miss" || after == before {
		t.Fatalf("after new data: %s %s", res.Header.Get("X-Pier-Cache"), after)
	}
}
