// Package demolake writes a deterministic e-commerce lake of Parquet files
// with DuckDB: members (with PII), brands, products, orders, order items and
// page views with search keywords, the activity tables Hive-partitioned by
// dt. Tests use it at tiny scales; `pier demo` and `pier serve` at named
// ones. It imports no other Pier package.
package demolake

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Scale sets how much data to write.
type Scale struct {
	Members  int
	Products int
	Orders   int
	Views    int
	Days     int
}

// Scales are the named sizes of `pier demo --scale`.
var Scales = map[string]Scale{
	"small":  {Members: 100_000, Products: 5_000, Orders: 200_000, Views: 1_000_000, Days: 30},
	"medium": {Members: 1_000_000, Products: 20_000, Orders: 2_000_000, Views: 10_000_000, Days: 90},
	"large":  {Members: 10_000_000, Products: 100_000, Orders: 20_000_000, Views: 100_000_000, Days: 365},
}

// Tiny is for tests: big enough to have every shape, small enough to build
// in well under a second.
var Tiny = Scale{Members: 500, Products: 50, Orders: 1_000, Views: 5_000, Days: 3}

// PIIColumns names the demo lake's personal data, tagged on first start.
var PIIColumns = map[string][]string{"obj_members": {"name", "email", "phone"}}

// Start is the first day of activity; fixed so the lake is the same on
// every machine.
const Start = "2026-01-01"

// Write creates the lake in dir. Tables are written to a hidden staging
// directory and renamed into place, so a running catalog never sees half a
// table.
func Write(ctx context.Context, dir string, s Scale) error {
	stage, err := os.MkdirTemp(dir, ".demo-")
	if err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("demolake: %w", err)
		}
		if stage, err = os.MkdirTemp(dir, ".demo-"); err != nil {
			return fmt.Errorf("demolake: %w", err)
		}
	}
	defer os.RemoveAll(stage)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return fmt.Errorf("demolake: %w", err)
	}
	defer db.Close()
	for _, t := range tables(s) {
		if err := writeTable(ctx, db, stage, t); err != nil {
			return fmt.Errorf("demolake: %s: %w", t.name, err)
		}
		if err := moveIntoPlace(stage, dir, t); err != nil {
			return fmt.Errorf("demolake: %s: %w", t.name, err)
		}
	}
	return nil
}

// Exists reports whether dir already holds the demo lake.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "act_page_views"))
	return err == nil
}

type table struct {
	name        string
	query       string
	partitioned bool
	singleFile  bool
}

func writeTable(ctx context.Context, db *sql.DB, stage string, t table) error {
	target := filepath.Join(stage, t.name)
	var copySQL string
	switch {
	case t.singleFile:
		copySQL = fmt.Sprintf(`COPY (%s) TO '%s.parquet' (FORMAT parquet)`, t.query, target)
	case t.partitioned:
		copySQL = fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT parquet, PARTITION_BY (dt), FILENAME_PATTERN 'part-{i}')`, t.query, target)
	default:
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
		copySQL = fmt.Sprintf(`COPY (%s) TO '%s/part-0.parquet' (FORMAT parquet)`, t.query, target)
	}
	_, err := db.ExecContext(ctx, copySQL)
	return err
}

func moveIntoPlace(stage, dir string, t table) error {
	name := t.name
	if t.singleFile {
		name += ".parquet"
	}
	dst := filepath.Join(dir, name)
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	return os.Rename(filepath.Join(stage, name), dst)
}

// pick returns a SQL expression choosing one of words by a hash of key.
func pick(words []string, key string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	return fmt.Sprintf("[%s][1 + (hash(%s) %% %d)::INT]", strings.Join(quoted, ","), key, len(words))
}
