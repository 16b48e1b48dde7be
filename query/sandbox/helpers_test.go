package sandbox

import (
	"os"
	"path/filepath"
	"testing"
)

// testKey keys the PII hash in these tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// testLake writes a small lake: people.parquet (one file, with e-mails)
// and visits/ (two files), and returns the profile that reads both with
// the e-mails hidden.
func testLake(t testing.TB) (string, *Profile) {
	t.Helper()
	dir := t.TempDir()
	people := filepath.Join(dir, "people.parquet")
	visits := filepath.Join(dir, "visits")
	if err := os.Mkdir(visits, 0o755); err != nil {
		t.Fatal(err)
	}
	parts := []string{filepath.Join(visits, "a.parquet"), filepath.Join(visits, "b.parquet")}
	writeParquet(t, map[string]string{
		people:   "SELECT i AS id, 'person' || i || '@example.com' AS email FROM range(1, 11) t(i)",
		parts[0]: "SELECT i AS id, i % 10 + 1 AS person FROM range(0, 50) t(i)",
		parts[1]: "SELECT i AS id, i % 10 + 1 AS person FROM range(50, 100) t(i)",
	})
	return dir, &Profile{Tables: []TableSpec{
		{Name: "people", Path: people, Files: []string{people}, Hidden: []string{"email"}},
		{Name: "visits", Path: visits, Dir: true, Files: parts},
	}}
}

// writeParquet writes each query's rows to the Parquet file it is keyed by.
func writeParquet(t testing.TB, files map[string]string) {
	t.Helper()
	db, err := openDuck(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	c, err := db.connect()
	if err != nil {
		t.Fatal(err)
	}
	defer disconnect(&c)
	for path, sql := range files {
		if err := execOn(c, "COPY ("+sql+") TO "+SQLString(path)); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// testBox opens a sandbox over testLake's profile.
func testBox(t testing.TB) (*box, string) {
	t.Helper()
	dir, p := testLake(t)
	b, err := newBox("0123456789abcdef0123", p, &Hello{PIIKey: testKey, Threads: 1, MemoryLimit: "256MB",
		TempDirSize: "1GB", TempDir: t.TempDir(), MaxBoxes: 2, MaxBatch: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	return b, dir
}
