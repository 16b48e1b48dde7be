package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestStoreMigratesAndAcceptsNumberedPlaceholders(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, "INSERT INTO settings (name, value) VALUES ($1, $2)", "a", "b"); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := db.QueryRowContext(ctx, "SELECT value FROM settings WHERE name = $1", "a").Scan(&v); err != nil || v != "b" {
			t.Fatalf("got %q, %v; want b", v, err)
		}
		_, err := db.ExecContext(ctx, "INSERT INTO settings (name, value) VALUES ($1, $2)", "a", "c")
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate insert: got %v, want a unique violation", err)
		}
	})
}

func TestStoreRefusesAURLThatIsNotPostgres(t *testing.T) {
	if _, err := store.Open(context.Background(), "mysql://x", t.TempDir()); err == nil {
		t.Fatal("want an error for a mysql URL")
	}
}

func TestOneTimeStepsAreTakenOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := db.ClaimOnce(ctx, "demo")
		if err != nil || !first {
			t.Fatalf("first claim: %v, %v", first, err)
		}
		again, err := db.ClaimOnce(ctx, "demo")
		if err != nil || again {
			t.Fatalf("second claim: %v, %v", again, err)
		}
	})
}

// The store holds password hashes, sessions and the server's key: only its
// owner may read its files, even where the umask would allow more.
func TestTheSQLiteFilesAreTheOwnersAlone(t *testing.T) {
	dir := t.TempDir()
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	db, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "INSERT INTO settings (name, value) VALUES ('a', 'b')"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pier.db*"))
	if len(files) < 2 {
		t.Fatalf("store files: %v", files)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v", filepath.Base(f), st.Mode().Perm())
		}
	}
}

// A data directory's name is a path, not a URI: "#" and "?" in it must not
// cut it short, or two directories would share one store.
func TestADataDirectoryWithURICharactersKeepsItsOwnStore(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	for _, name := range []string{"team#1", "team#2", "a?b", "100%"} {
		dir := filepath.Join(parent, name)
		db, err := store.Open(ctx, "", dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO settings (name, value) VALUES ($1, $2)", "dir", name); err != nil {
			t.Fatalf("%s: another directory's store was opened: %v", name, err)
		}
		db.Close()
		if _, err := os.Stat(filepath.Join(dir, "pier.db")); err != nil {
			t.Fatalf("%s: the store is not in its directory: %v", name, err)
		}
	}
}
