package benchmark

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/query/querytest"
)

// TestCasesRunOnATinyLake keeps the benchmark code working: every case runs
// once each way and Run reports every case.
func TestCasesRunOnATinyLake(t *testing.T) {
	e, err := NewEnv(context.Background(), filepath.Join(t.TempDir(), "lake"), t.TempDir(), demolake.Tiny)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := Run(context.Background(), e, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(Cases) || e.Rows != int64(demolake.Tiny.Views) {
		t.Fatalf("%d results for %d cases, %d rows", len(res), len(Cases), e.Rows)
	}
	var stream bytes.Buffer
	if _, err := e.postTo(context.Background(), exportSQL, mimeArrow, &stream); err != nil {
		t.Fatal(err)
	}
	if n, _ := querytest.ArrowRows(t, &stream); n != e.Rows {
		t.Fatalf("the exported Arrow stream holds %d rows, want %d", n, e.Rows)
	}
}

// benchScale is one million page views, the size issue 2 names for exports.
var benchScale = demolake.Scale{Members: 100_000, Products: 5_000, Orders: 10_000, Views: 1_000_000, Days: 30}

var (
	benchOnce sync.Once
	benchEnv  *Env
	benchErr  error
)

// env builds the benchmark lake once per run, in the system's temp
// directory so that later runs reuse it.
func env(b *testing.B) *Env {
	b.Helper()
	benchOnce.Do(func() {
		lake := filepath.Join(os.TempDir(), "pier-bench-lake-1e6")
		data, err := os.MkdirTemp("", "pier-bench-data-")
		if err != nil {
			benchErr = err
			return
		}
		benchEnv, benchErr = NewEnv(context.Background(), lake, data, benchScale)
		if benchErr == nil {
			// The first query builds the sandbox; keep that out of the figures.
			_, benchErr = benchEnv.post(context.Background(), "select 1", "application/json")
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchEnv
}

func BenchmarkCases(b *testing.B) {
	ctx := context.Background()
	for _, c := range Cases {
		for _, side := range []struct {
			name string
			fn   func(context.Context, *Env) error
		}{{"pier", c.Pier}, {"duckdb", c.DuckDB}} {
			b.Run(c.Name+"/"+side.name, func(b *testing.B) {
				e := env(b)
				for b.Loop() {
					if err := side.fn(ctx, e); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestBoardLoadRunsOnATinyLake keeps the dashboard load generator working:
// every viewer gets every tile, cold and warm.
func TestBoardLoadRunsOnATinyLake(t *testing.T) {
	ctx := context.Background()
	e, err := NewEnv(ctx, filepath.Join(t.TempDir(), "lake"), t.TempDir(), demolake.Tiny)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	b, err := e.NewBoard(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.RunBoard(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Tiles) != 12 || r.Cold.Requests != 36 || r.Warm.Requests != 36 || r.Floor <= 0 {
		t.Fatalf("%d tiles, %+v", len(b.Tiles), r)
	}
	hits, _ := e.app.Engine().CacheStats()
	if hits < 36 {
		t.Fatalf("the warm opening was not answered from the cache: %d hits", hits)
	}
	var out bytes.Buffer
	PrintBoard(&out, r)
	if !bytes.Contains(out.Bytes(), []byte("| warm |")) {
		t.Fatal(out.String())
	}
}

// BenchmarkDashboard100Viewers opens a 12-tile dashboard as 100 viewers at
// once: cold drops the result cache first, warm keeps it.
func BenchmarkDashboard100Viewers(b *testing.B) {
	ctx := context.Background()
	e := env(b)
	board, err := e.NewBoard(ctx, 100)
	if err != nil {
		b.Fatal(err)
	}
	for _, cold := range []bool{true, false} {
		b.Run(map[bool]string{true: "cold", false: "warm"}[cold], func(b *testing.B) {
			for b.Loop() {
				if cold {
					e.app.Engine().DropCache()
				}
				if _, err := e.OpenBoard(ctx, board); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("duckdb-direct-once", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.FloorBoard(ctx, board); err != nil {
				b.Fatal(err)
			}
		}
	})
}
