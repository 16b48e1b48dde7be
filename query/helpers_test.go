package query

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/demolake/demotest"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// sharedLake is the tiny demo lake; tests that change the lake make their
// own with newLake.
func sharedLake(t testing.TB) string { return demotest.Lake(t) }

func TestMain(m *testing.M) { demotest.Main(m) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type testEngine struct {
	*Engine
	db    *store.DB
	props *PropStore
	cat   *Catalog
	qlog  *QueryLog
	lake  string
}

func newTestEngine(t testing.TB, lake string, lim Limits) *testEngine {
	t.Helper()
	ctx := context.Background()
	db := storetest.OpenSQLite(t)
	props := NewPropStore(db)
	if err := props.TagPIIOnce(ctx, demolake.PIIColumns); err != nil {
		t.Fatal(err)
	}
	cat, err := OpenCatalog(ctx, lake, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	qlog := NewQueryLog(db, quietLog())
	e := NewEngine(EngineConfig{Catalog: cat, Props: props, Log: qlog, Limits: lim,
		PIIKey: []byte("0123456789abcdef0123456789abcdef"), TempDir: filepath.Join(t.TempDir(), "tmp"), Logger: quietLog()})
	t.Cleanup(func() {
		e.Close()
		qlog.Close()
		cat.Close()
	})
	return &testEngine{Engine: e, db: db, props: props, cat: cat, qlog: qlog, lake: lake}
}

var analyst = Principal{UserID: "analyst"}

// collect runs sql for p and returns the JSON-shaped result.
func (te *testEngine) collect(t testing.TB, p Principal, sql string) (*JSONResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := te.Query(ctx, p, Request{SQL: sql})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return CollectJSON(rows, MaxJSONRows)
}

// newLake copies the shared lake into a directory the test may change.
func newLake(t testing.TB) string {
	t.Helper()
	src := sharedLake(t)
	dst := filepath.Join(t.TempDir(), "lake")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}
