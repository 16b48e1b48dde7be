// Package enginetest builds query engines over a lake for other packages'
// tests. (It cannot live in querytest, which query's own tests import.)
package enginetest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// Engine returns an engine over lake, and its catalog, whose table
// properties live in db, with the demo lake's PII columns tagged; both
// close when the test ends.
func Engine(tb testing.TB, db *store.DB, lake string) (*query.Engine, *query.Catalog) {
	tb.Helper()
	ctx := context.Background()
	props := query.NewPropStore(db)
	if err := props.TagPIIOnce(ctx, demolake.PIIColumns); err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cat, err := query.OpenCatalog(ctx, lake, log)
	if err != nil {
		tb.Fatal(err)
	}
	qlog := query.NewQueryLog(db, log)
	e := query.NewEngine(query.EngineConfig{Catalog: cat, Props: props, Log: qlog, Logger: log,
		PIIKey: []byte("0123456789abcdef0123456789abcdef"), TempDir: filepath.Join(tb.TempDir(), "tmp")})
	tb.Cleanup(func() {
		e.Close()
		qlog.Close()
		cat.Close()
	})
	return e, cat
}
