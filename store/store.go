// Package store opens the metadata store (SQLite in the data directory by
// default, PostgreSQL for many replicas) and applies the migrations. Each
// domain package owns its own tables and SQL; this package only hands out the
// connection and a few helpers that both engines need. It imports migrations.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver, pure Go

	"github.com/pier-analytics/pier/migrations"
)

// DB is the metadata store. Queries use $1, $2 … placeholders, which both
// engines accept.
type DB struct {
	*sql.DB
	Postgres bool
}

// Open connects to url (postgres://… for PostgreSQL; empty for SQLite at
// dataDir/pier.db) and applies pending migrations.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	db, err := connect(url, dataDir)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach the metadata store: %w", err)
	}
	if err := migrations.Up(ctx, db.DB, db.Postgres); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func connect(url, dataDir string) (*DB, error) {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		keepConnections(db)
		return &DB{DB: db, Postgres: true}, nil
	}
	if url != "" {
		return nil, fmt.Errorf("store: --db must be a postgres:// URL; leave it out for the embedded SQLite store")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	return openSQLite(filepath.Join(dataDir, "pier.db"))
}

// openSQLite sets the baseline every SQLite app needs under concurrency: WAL
// so readers never block the writer, a busy timeout instead of SQLITE_BUSY,
// foreign keys on, and immediate transactions so two writers queue rather
// than deadlock on upgrade.
func openSQLite(path string) (*DB, error) {
	if err := ownerOnly(path); err != nil {
		return nil, err
	}
	dsn := "file:" + uriPath(path) + "?_txlock=immediate" +
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	keepConnections(db)
	return &DB{DB: db}, nil
}

// uriPath escapes the characters a file: URI gives a meaning to, so a data
// directory named "team#2" or "a?b" opens its own pier.db and not a file
// named after the part before them.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// ownerOnly makes the store file readable by its owner alone (it holds
// password hashes, sessions and the server's secret key) before SQLite
// opens it; SQLite gives its -wal and -shm files the same mode.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// keepConnections keeps enough connections open for a busy dashboard:
// database/sql keeps two idle by default, so under load most requests
// would open a connection (and SQLite would read its schema) and close it
// again. Measured with BenchmarkDashboard100Viewers.
func keepConnections(db *sql.DB) {
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// InTx runs fn in one transaction, committing if it returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ForUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends, on PostgreSQL, whose transactions otherwise let two
// check-then-write steps interleave. SQLite needs none: Pier's SQLite
// transactions take the write lock when they begin.
func (db *DB) ForUpdate() string {
	if db.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// NewID returns a random, URL-safe identifier.
func NewID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Now is the store's notion of a timestamp: Unix milliseconds.
func Now() int64 { return time.Now().UnixMilli() }

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// ClaimOnce records that the one-time step name has been taken and reports
// whether this call took it, so that of many replicas starting together
// exactly one does it.
func (db *DB) ClaimOnce(ctx context.Context, name string) (bool, error) {
	res, err := db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		"once:"+name, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return false, fmt.Errorf("store: claim %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LikeEscape makes s match itself in a LIKE pattern written with
// ESCAPE '!': its %, _ and ! are taken literally.
func LikeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "_", "!_", "%", "!%").Replace(s)
}
