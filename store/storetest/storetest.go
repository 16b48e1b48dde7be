// Package storetest opens throw-away metadata stores for tests: a SQLite file
// in a temporary directory, and a fresh schema in the local PostgreSQL.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	"github.com/pier-analytics/pier/store"
)

// PostgresURL is the server the store's tests run against; PIER_TEST_POSTGRES
// overrides it.
func PostgresURL() string {
	if u := os.Getenv("PIER_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Engines runs fn once per metadata engine, each with a fresh store.
func Engines(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// OpenSQLite returns a migrated SQLite store in a temporary directory.
func OpenSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), "", tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// OpenPostgres returns a migrated store in a schema of its own, dropped when
// the test ends, so tests never see each other's rows.
func OpenPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	schema := "pier_test_" + store.NewID()
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("PostgreSQL at %s: %v", PostgresURL(), err)
	}
	tb.Cleanup(func() { dropSchema(schema) })
	db, err := store.Open(context.Background(), PostgresURL()+"&search_path="+schema, "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// PostgresSchemaURL creates an empty schema and returns a URL that uses it,
// for tests that start whole servers or commands against PostgreSQL.
func PostgresSchemaURL(tb testing.TB) string {
	tb.Helper()
	db := OpenPostgres(tb)
	var schema string
	if err := db.QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		tb.Fatal(err)
	}
	return PostgresURL() + "&search_path=" + schema
}

func dropSchema(schema string) {
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		return
	}
	defer admin.Close()
	admin.Exec(fmt.Sprintf("DROP SCHEMA %s CASCADE", schema))
}
