package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// Profile is what a sandbox holds: the lake tables one access profile may
// read, each with the PII columns it sees hashed.
type Profile struct {
	Tables []TableSpec `json:"tables"`
}

// TableSpec is one lake table as a sandbox exposes it.
type TableSpec struct {
	Name   string   `json:"name"`
	Path   string   `json:"path"`  // the table's file or directory
	Dir    bool     `json:"dir"`   // a directory of Parquet files
	Files  []string `json:"files"` // every Parquet file, sorted
	Mixed  bool     `json:"mixed"` // files disagree on columns: read by name
	Hidden []string `json:"hidden,omitempty"`
}

// box is one DuckDB instance for one profile, holding only views over the
// profile's tables, with file access fenced to those tables and the
// configuration locked before any user SQL runs.
type box struct {
	key      string
	db       *duckDB
	tables   map[string]bool
	byFiles  map[string]string // a view's file list (joined) → its table
	hashFn   string            // the PII hash's name in this instance
	marker   string            // the file-name column every view's scan asks for, unseen
	tmp      string
	lastUsed time.Time
	conn     duck.Connection // kept between requests; see take
}

// take returns the box's connection, opening it if need be. A worker runs
// one request at a time, and a connection's first query costs several
// times what later ones do (DuckDB sets up its temporary catalog), so the
// connection is kept; give drops what a request defined on it.
func (b *box) take() (duck.Connection, error) {
	if b.conn.Ptr != nil {
		return b.conn, nil
	}
	c, err := b.db.connect()
	if err == nil {
		b.conn = c
	}
	return c, err
}

// give takes the connection back after a request that defined the named
// temporary relations: they are dropped, or if that fails the connection
// is closed, so that no request sees another's.
func (b *box) give(defined []string) {
	for _, name := range defined {
		if execOn(b.conn, "DROP VIEW IF EXISTS temp.main."+SQLIdent(name)) != nil ||
			execOn(b.conn, "DROP TABLE IF EXISTS temp.main."+SQLIdent(name)) != nil {
			disconnect(&b.conn)
			return
		}
	}
}

func newBox(key string, p *Profile, cfg *Hello) (*box, error) {
	tmp := filepath.Join(cfg.TempDir, key[:16])
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox: temp dir: %w", err)
	}
	db, err := openDuck(map[string]string{
		"threads":                      strconv.Itoa(cfg.Threads),
		"memory_limit":                 cfg.MemoryLimit,
		"temp_directory":               tmp,
		"max_temp_directory_size":      cfg.TempDirSize,
		"autoinstall_known_extensions": "false",
		"autoload_known_extensions":    "false",
		"allow_community_extensions":   "false",
		"allow_unsigned_extensions":    "false",
	})
	if err != nil {
		return nil, err
	}
	b := &box{key: key, db: db, tables: map[string]bool{}, byFiles: map[string]string{}, tmp: tmp,
		hashFn: randomName("pier_pii_"), marker: randomName("pier_src_")}
	if err := b.setUp(p, cfg.PIIKey); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// setUp registers the PII hash, fences file access to the profile's tables
// and the temp directory, defines the views, and then locks the
// configuration, so no statement afterwards can widen what the engine may
// touch.
func (b *box) setUp(p *Profile, key []byte) error {
	c, err := b.db.connect()
	if err != nil {
		return err
	}
	defer disconnect(&c)
	if err := registerHash(c, b.hashFn, key); err != nil {
		return err
	}
	for _, stmt := range setupSQL(p, b, b.tmp) {
		if err := execOn(c, stmt); err != nil {
			return err
		}
	}
	for _, t := range p.Tables {
		b.tables[t.Name] = true
		b.byFiles[filesKey(t.Files)] = t.Name
	}
	return nil
}

func setupSQL(p *Profile, b *box, tmp string) []string {
	var dirs, files []string
	for _, t := range p.Tables {
		if t.Dir {
			dirs = append(dirs, t.Path+string(filepath.Separator))
		} else {
			files = append(files, t.Path)
		}
	}
	dirs = append(dirs, tmp+string(filepath.Separator))
	sort.Strings(dirs)
	stmts := []string{
		// Footers are read once per sandbox rather than at every bind:
		// each statement is bound twice (its plan is checked, then it runs).
		"SET parquet_metadata_cache = true",
		"SET allowed_directories = " + SQLList(dirs),
		"SET allowed_paths = " + SQLList(files),
		"SET enable_external_access = false",
	}
	for _, t := range p.Tables {
		stmts = append(stmts, viewSQL(t, b.hashFn, b.marker))
	}
	return append(stmts, "SET lock_configuration = true")
}

// viewSQL defines the view that stands for t: its Parquet files listed one
// by one (so nothing that appears in the directory later, such as a planted
// symbolic link, is read), hidden PII replaced by the keyed hash, whose key
// lives in Go and so in nothing a query can read. The scan also names its
// file-name column marker, which the view drops and DuckDB then never
// fills: it marks the view's own scans in a plan, which a read_parquet of
// the same files written by hand would not carry.
func viewSQL(t TableSpec, hashFn, marker string) string {
	sel := "* EXCLUDE (" + SQLIdent(marker) + ")"
	if len(t.Hidden) > 0 {
		repl := make([]string, len(t.Hidden))
		for i, c := range t.Hidden {
			repl[i] = fmt.Sprintf("%s(CAST(%s AS VARCHAR)) AS %s", hashFn, SQLIdent(c), SQLIdent(c))
		}
		sel += " REPLACE (" + strings.Join(repl, ", ") + ")"
	}
	return fmt.Sprintf("CREATE VIEW %s AS SELECT %s FROM read_parquet(%s, hive_partitioning = %t, union_by_name = %t, filename = %s)",
		SQLIdent(t.Name), sel, SQLList(t.Files), t.Dir, t.Mixed, SQLString(marker))
}

func filesKey(files []string) string { return strings.Join(files, "\x00") }

// randomName makes a name unguessable: the hash function's, one more fence
// besides the guard's refusal of any call to it from a user's SQL, and the
// views' marker.
func randomName(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func (b *box) close() {
	if b.conn.Ptr != nil {
		disconnect(&b.conn)
	}
	b.db.close()
	os.RemoveAll(b.tmp)
}

// SQLString quotes s as a SQL string literal.
func SQLString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SQLIdent quotes s as a SQL identifier.
func SQLIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SQLList writes items as a SQL list of string literals.
func SQLList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = SQLString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
