package query

import (
	"io"
	"testing"

	"github.com/pier-analytics/pier/query/sandbox"
)

// BenchmarkWorkerStart starts a worker process (this executable again, up
// to its hello) and ends it.
func BenchmarkWorkerStart(b *testing.B) {
	hello := sandbox.Hello{PIIKey: []byte("0123456789abcdef0123456789abcdef"), Threads: 1, MemoryLimit: "256MB",
		TempDirSize: "1GB", TempDir: b.TempDir(), MaxBoxes: 1, MaxBatch: 8 << 20}
	for b.Loop() {
		p, err := sandbox.Start(hello, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// BenchmarkFirstQueryAfterAKill kills the idle worker and runs select 1:
// what the next query pays after a runaway one was stopped (a new worker,
// its sandbox, then the query).
func BenchmarkFirstQueryAfterAKill(b *testing.B) {
	te := newTestEngine(b, sharedLake(b), Limits{})
	if _, err := te.collect(b, analyst, "select 1"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		te.pool.mu.Lock()
		for _, w := range te.pool.idle {
			w.proc.Kill("benchmark")
			<-w.proc.Exited()
		}
		te.pool.mu.Unlock()
		if _, err := te.collect(b, analyst, "select 1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelectOneWarm is a query on a warm worker that holds the
// profile's sandbox, without HTTP.
func BenchmarkSelectOneWarm(b *testing.B) {
	te := newTestEngine(b, sharedLake(b), Limits{})
	if _, err := te.collect(b, analyst, "select 1"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := te.collect(b, analyst, "select 1"); err != nil {
			b.Fatal(err)
		}
	}
}
