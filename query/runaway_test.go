package query

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
)

// observedEngine is a test engine that reports every finished query.
func observedEngine(t *testing.T, lim Limits) (*testEngine, <-chan LogEntry) {
	t.Helper()
	te := newTestEngine(t, sharedLake(t), lim)
	done := make(chan LogEntry, 64)
	te.Engine.observe = func(e LogEntry) { done <- e }
	return te, done
}

// awaitEntry waits for the log entry of sql.
func awaitEntry(t *testing.T, done <-chan LogEntry, sql string) LogEntry {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case e := <-done:
			if e.SQL == sql {
				return e
			}
		case <-timeout:
			t.Fatalf("%s never finished", sql)
		}
	}
}

// peakWorkerRSS samples the busy workers' memory until stop is closed and
// returns the most it saw.
func peakWorkerRSS(e *Engine, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			for w := range e.pool.busyWorkers() {
				if rss, err := w.proc.RSS(); err == nil && rss > peak {
					peak = rss
				}
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// TestAQueryOverItsMemoryCostsOnlyItsWorker runs the query that once grew
// the server past 6 GB while DuckDB's memory_limit looked away, and another
// user's query beside it.
func TestAQueryOverItsMemoryCostsOnlyItsWorker(t *testing.T) {
	const ceiling = 600 << 20
	te := newTestEngine(t, sharedLake(t), Limits{WorkerMemory: ceiling, MemoryLimit: "300MB", Timeout: time.Minute})
	if _, err := te.collect(t, analyst, "select 1"); err != nil { // a warm worker for the other user
		t.Fatal(err)
	}
	resetPeakRSS(t)
	serverBefore := peakRSSKiB(t)
	stop := make(chan struct{})
	peak := peakWorkerRSS(te.Engine, stop)
	runaway := make(chan error, 1)
	go func() {
		_, err := te.collect(t, analyst, "select count(*) from (select list(range(250000000)) l)")
		runaway <- err
	}()
	other := Principal{UserID: "someone else"}
	for range 5 {
		res, err := te.collect(t, other, "select count(*) from obj_brands")
		if err != nil || res.Rows[0][0].(int64) == 0 {
			t.Fatalf("another user's query beside the runaway: %v, %v", res, err)
		}
	}
	err := <-runaway
	close(stop)
	if pier.ErrorCode(err) != pier.ESQL || !strings.Contains(pier.ErrorMessage(err), "more memory") {
		t.Fatalf("the runaway query: %v", err)
	}
	if p := <-peak; p > 2*ceiling {
		t.Fatalf("the worker reached %d MB before it was stopped; its ceiling is %d MB", p>>20, ceiling>>20)
	}
	if grew := peakRSSKiB(t) - serverBefore; grew > 100<<10 {
		t.Fatalf("the server's own memory grew by %d MB", grew>>10)
	}
	if res, err := te.collect(t, analyst, "select 42::bigint"); err != nil || res.Rows[0][0] != int64(42) {
		t.Fatalf("the next query after the kill: %v, %v", res, err)
	}
}

// TestHugeValuesStopAtTheJSONCap sends 160 MB of strings, more than twice the cap; the JSON answer
// stops at its byte cap, and the server does not hold the rest.
func TestHugeValuesStopAtTheJSONCap(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{Timeout: time.Minute})
	resetPeakRSS(t)
	before := peakRSSKiB(t)
	res, err := te.collect(t, analyst, "select repeat('x', 20000000) s from range(8)")
	if err != nil {
		// The worker may instead pass its own ceiling; then it says so.
		if !strings.Contains(pier.ErrorMessage(err), "more memory") {
			t.Fatal(err)
		}
	} else if !res.Truncated || len(res.Rows) > 4 {
		t.Fatalf("%d rows, truncated %v", len(res.Rows), res.Truncated)
	}
	if grew := peakRSSKiB(t) - before; grew > 400<<10 {
		t.Fatalf("the server's memory grew by %d MB for a capped answer", grew>>10)
	}
}

// TestAQueryPastItsDeadlineStopsSoonAfter runs queries that DuckDB's
// interrupt does not reach (planning a huge union) or reaches (a long
// scan); each must stop within two seconds of its deadline, and the next
// query must run.
func TestAQueryPastItsDeadlineStopsSoonAfter(t *testing.T) {
	const timeout = time.Second
	te := newTestEngine(t, sharedLake(t), Limits{Timeout: timeout, Grace: 500 * time.Millisecond})
	for name, sql := range map[string]string{
		"planning a huge union": "select 1" + strings.Repeat(" union all select 1", 12000),
		"a long scan":           "select count(*) from range(1000000000000) t(i) where i % 7 = 3",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := te.collect(t, analyst, sql)
			took := time.Since(start)
			if pier.ErrorCode(err) != pier.ETimeout {
				t.Fatalf("got %v after %v, want a timeout", err, took)
			}
			if took > timeout+2*time.Second {
				t.Fatalf("stopped %v after its deadline", took-timeout)
			}
			if res, err := te.collect(t, analyst, "select 7::bigint"); err != nil || res.Rows[0][0] != int64(7) {
				t.Fatalf("the next query: %v, %v", res, err)
			}
		})
	}
}

// TestASharedRunStopsWhenItsLastWaiterLeaves: two callers wait for the
// same slow answer; the run goes on when one leaves and stops when both
// have.
func TestASharedRunStopsWhenItsLastWaiterLeaves(t *testing.T) {
	te, done := observedEngine(t, Limits{Timeout: time.Minute})
	req := Request{SQL: "select count(*) from range(1000000000000) t(i) where i % 7 = 3"}
	var started atomic.Int32
	ctxs := make([]context.CancelFunc, 2)
	errs := make(chan error, 2)
	var wg sync.WaitGroup
	for i := range ctxs {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i] = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			_, err := te.QueryCached(ctx, analyst, req)
			errs <- err
		}()
	}
	waitFor(t, "the shared run to start", func() bool { return te.InFlight() == 1 && started.Load() == 2 })
	ctxs[0]()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("the first caller: %v", err)
	}
	if te.InFlight() != 1 {
		t.Fatal("the run stopped while another caller still waited")
	}
	ctxs[1]()
	wg.Wait()
	if e := awaitEntry(t, done, req.SQL); e.Status != "cancelled" {
		t.Fatalf("the run ended as %q", e.Status)
	}
	if n := te.InFlight(); n != 0 {
		t.Fatalf("%d queries in flight after everyone left", n)
	}
}

// waitFor polls cond, for states that nothing signals.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWorkersStartAgainAfterTheEngineLosesThem kills every worker between
// queries, as the kernel or an operator might.
func TestWorkersStartAgainAfterTheEngineLosesThem(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	if _, err := te.collect(t, analyst, "select 1"); err != nil {
		t.Fatal(err)
	}
	te.pool.mu.Lock()
	for _, w := range te.pool.idle {
		w.proc.Kill("test")
		<-w.proc.Exited()
	}
	te.pool.mu.Unlock()
	if res, err := te.collect(t, analyst, "select 2::bigint"); err != nil || res.Rows[0][0] != int64(2) {
		t.Fatalf("after the workers died: %v, %v", res, err)
	}
	if n := te.Workers(); n != 1 {
		t.Fatalf("%d workers, want 1", n)
	}
}

// TestOneHugeListStopsAtTheJSONCap: a single row whose one value is a list
// of eight million booleans would take the server hundreds of MB as Go
// values; it is costed first and left out.
func TestOneHugeListStopsAtTheJSONCap(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{Timeout: time.Minute})
	resetPeakRSS(t)
	before := peakRSSKiB(t)
	res, err := te.collect(t, analyst, "select list(i % 2 = 0) as l from range(8000000) t(i)")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated || len(res.Rows) != 0 {
		t.Fatalf("%d rows, truncated %v", len(res.Rows), res.Truncated)
	}
	if grew := peakRSSKiB(t) - before; grew > 100<<10 {
		t.Fatalf("the server's memory grew by %d MB", grew>>10)
	}
}
