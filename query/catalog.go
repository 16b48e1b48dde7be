package query

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the catalog reads Parquet metadata through database/sql

	"github.com/pier-analytics/pier/query/sandbox"
)

// Table is one lake table as found on disk.
type Table struct {
	Name       string
	Path       string   // the table's file or directory
	Dir        bool     // a directory of Parquet files rather than one file
	Files      []string // every Parquet file, sorted
	Columns    []Column
	Partitions []string // Hive partition keys, outermost first
	PartCount  int      // distinct values of the outermost partition key
	// LatestPartition is the greatest value of the outermost partition
	// key, such as the newest dt.
	LatestPartition string
	Rows            int64
	Modified        time.Time
	// Mixed is set when the files disagree on their columns, so they must
	// be read by column name (slower) rather than by position.
	Mixed     bool
	signature string
}

// Column is one column of a table.
type Column struct {
	Name string
	Type string
}

// Catalog keeps the current list of lake tables. It rescans on Refresh and,
// while Watch runs, every half minute, re-reading only tables whose files
// changed.
type Catalog struct {
	lake string
	log  *slog.Logger
	meta *sql.DB // a DuckDB that may read the lake, for schemas and row counts

	mu     sync.RWMutex
	tables map[string]*Table
	warned map[string]bool
}

// OpenCatalog returns a catalog of the lake directory and scans it once.
func OpenCatalog(ctx context.Context, lake string, log *slog.Logger) (*Catalog, error) {
	abs, err := filepath.Abs(lake)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, fmt.Errorf("query: lake %s: %w", lake, err)
	}
	meta, err := openMetaDuck(abs)
	if err != nil {
		return nil, err
	}
	c := &Catalog{lake: abs, log: log, meta: meta, tables: map[string]*Table{}, warned: map[string]bool{}}
	if _, err := c.Refresh(ctx); err != nil {
		meta.Close()
		return nil, err
	}
	return c, nil
}

// openMetaDuck opens the catalog's own DuckDB, which runs only SQL that Pier
// writes, yet is still fenced into the lake in case a file name is hostile.
func openMetaDuck(lake string) (*sql.DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	_, err = db.Exec(fmt.Sprintf(`SET allowed_directories = [%s];
		SET enable_external_access = false;
		SET autoinstall_known_extensions = false;
		SET autoload_known_extensions = false;
		SET threads = 1;
		SET lock_configuration = true`, sandbox.SQLString(lake+string(filepath.Separator))))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("query: catalog engine: %w", err)
	}
	return db, nil
}

// Lake returns the absolute path of the lake directory.
func (c *Catalog) Lake() string { return c.lake }

// Close releases the catalog's engine.
func (c *Catalog) Close() error { return c.meta.Close() }

// Tables returns every table, sorted by name. The tables are shared; callers
// must not modify them.
func (c *Catalog) Tables() []*Table {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Table, 0, len(c.tables))
	for _, t := range c.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Table returns the named table, if it exists.
func (c *Catalog) Table(name string) (*Table, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.tables[name]
	return t, ok
}

// NewestData says how recent a table's data is: the newest day it is
// partitioned by, or else the day its files last changed.
func (t *Table) NewestData() string {
	if d, err := time.Parse(time.DateOnly, t.LatestPartition); err == nil {
		return d.Format(time.DateOnly)
	}
	return t.Modified.UTC().Format(time.DateOnly)
}

// DataTime is when a table's newest data ends, the time freshness is
// measured from: the end of its newest partition day, or else when its
// files last changed.
func (t *Table) DataTime() time.Time {
	if d, err := time.Parse(time.DateOnly, t.LatestPartition); err == nil {
		return d.AddDate(0, 0, 1)
	}
	return t.Modified
}

// Watch refreshes the catalog every interval until ctx ends.
func (c *Catalog) Watch(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
				c.log.Warn("catalog refresh failed", "err", err)
			}
		}
	}
}

// Refresh rescans the lake and returns how many tables it holds.
func (c *Catalog) Refresh(ctx context.Context) (int, error) {
	found, err := c.discover()
	if err != nil {
		return 0, err
	}
	next := make(map[string]*Table, len(found))
	for _, t := range found {
		if old, ok := c.Table(t.Name); ok && old.signature == t.signature {
			next[t.Name] = old
			continue
		}
		if err := c.describe(ctx, t); err != nil {
			c.log.Warn("lake table skipped: its Parquet files cannot be read", "table", t.Name, "err", err)
			continue
		}
		next[t.Name] = t
	}
	c.mu.Lock()
	c.tables = next
	c.mu.Unlock()
	return len(next), nil
}

// describe reads a table's schema and row count from Parquet metadata,
// without scanning data.
func (c *Catalog) describe(ctx context.Context, t *Table) error {
	files := sandbox.SQLList(t.Files)
	rows, err := c.meta.QueryContext(ctx, fmt.Sprintf(
		`DESCRIBE SELECT * FROM read_parquet(%s, hive_partitioning = %t, union_by_name = true)`, files, t.Dir))
	if err != nil {
		return err
	}
	defer rows.Close()
	t.Columns = nil
	for rows.Next() {
		var name, typ string
		var ignore [4]sql.NullString
		if err := rows.Scan(&name, &typ, &ignore[0], &ignore[1], &ignore[2], &ignore[3]); err != nil {
			return err
		}
		t.Columns = append(t.Columns, Column{Name: name, Type: typ})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := c.meta.QueryRowContext(ctx, fmt.Sprintf(
		`SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(%s)`, files)).Scan(&t.Rows); err != nil {
		return err
	}
	var schemas int
	err = c.meta.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(DISTINCT columns) FROM (
		SELECT file_name, string_agg(name || ' ' || coalesce(type, '') || ' ' || coalesce(logical_type, ''), ',') AS columns
		FROM parquet_schema(%s) GROUP BY file_name)`, files)).Scan(&schemas)
	t.Mixed = schemas > 1
	return err
}

func (c *Catalog) warnOnce(name, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.warned[name] {
		return
	}
	c.warned[name] = true
	c.log.Warn("lake entry ignored", "name", name, "why", why)
}

// Ping reports whether the catalog's engine answers.
func (c *Catalog) Ping(ctx context.Context) error {
	var one int
	return c.meta.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}
