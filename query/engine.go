package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query/sandbox"
)

// Engine runs users' SQL over the lake, each principal in the sandbox of its
// access profile, each query in a worker process of its own.
type Engine struct {
	cat     *Catalog
	props   *PropStore
	qlog    *QueryLog
	lim     Limits
	log     *slog.Logger
	slots   *slots
	pool    *pool
	observe func(LogEntry)

	cache    *resultCache
	inflight atomic.Int64
}

// EngineConfig is what NewEngine needs.
type EngineConfig struct {
	Catalog *Catalog
	Props   *PropStore
	Log     *QueryLog
	Limits  Limits
	PIIKey  []byte // keys the hash of hidden PII columns
	TempDir string // workers spill here, each in a directory of its own
	Logger  *slog.Logger
	Observe func(LogEntry) // optional: told of every finished query, for metrics
	// CacheBytes bounds the result cache; zero means DefaultCacheBytes.
	CacheBytes int64
}

// NewEngine returns an engine; worker processes start when first needed.
func NewEngine(c EngineConfig) *Engine {
	lim := c.Limits.withDefaults()
	return &Engine{
		cat: c.Catalog, props: c.Props, qlog: c.Log, lim: lim, log: c.Logger,
		slots: newSlots(lim.Slots, lim.PerUser), pool: newPool(lim, c.PIIKey, c.TempDir, c.Logger),
		observe: c.Observe, cache: newResultCache(c.CacheBytes),
	}
}

// Upstream is a named query that a request's SQL may read by name.
type Upstream = sandbox.Upstream

// UpstreamName is the form of an upstream name: a plain lower-case SQL
// identifier, so it can never be read as a file path.
var UpstreamName = sandbox.UpstreamName

// Request is one statement to run.
type Request struct {
	SQL    string
	Params map[string]any // named parameters ($name); values from JSON
	// Upstream are named queries that SQL may read as if they were tables,
	// such as a notebook's earlier cells; each may read those before it.
	Upstream []Upstream
	// LenientParams ignores values in Params that the SQL does not use.
	LenientParams bool
	// Wait queues the query when the user already has their share of
	// queries running, instead of refusing it.
	Wait bool
	// Sample marks a look Pier takes for the person, such as a table
	// page's first rows: logged and audited as any read, but as status
	// "sample", so it does not count as use of the table.
	Sample bool
}

// InFlight returns how many queries hold a slot right now.
func (e *Engine) InFlight() int64 { return e.inflight.Load() }

// Workers returns how many worker processes are running or starting.
func (e *Engine) Workers() int { return e.pool.workers() }

// Warm starts a worker if none runs, so that the first query does not wait
// for one.
func (e *Engine) Warm() { e.pool.warm() }

// Close ends every idle worker now and each busy one when its query ends.
func (e *Engine) Close() { e.pool.close() }

// Query runs req for p and returns its streaming result, which must be
// closed. The query holds a concurrency slot, a worker and its deadline
// until then, and is logged when it closes.
func (e *Engine) Query(ctx context.Context, p Principal, req Request) (*Rows, error) {
	started := time.Now()
	entry := LogEntry{UserID: p.UserID, SQL: req.SQL, Started: started, sample: req.Sample}
	rows, err := e.start(ctx, p, req, &entry)
	if err != nil {
		entry.Duration = time.Since(started)
		entry.Status, entry.Error = logStatus(err)
		e.record(entry)
		return nil, err
	}
	return rows, nil
}

// begin checks req's text and takes a slot for it; the run's context has
// the query's deadline.
func (e *Engine) begin(ctx context.Context, p Principal, req Request, wait bool) (*run, context.Context, error) {
	if err := checkText(req); err != nil {
		return nil, ctx, err
	}
	release, err := e.slots.acquire(ctx, p.UserID, wait)
	if err != nil {
		return nil, ctx, err
	}
	e.inflight.Add(1)
	r := &run{e: e, releaseSlot: release}
	ctx, r.cancel = context.WithTimeout(ctx, e.lim.Timeout)
	return r, ctx, nil
}

func (e *Engine) start(ctx context.Context, p Principal, req Request, entry *LogEntry) (*Rows, error) {
	r, ctx, err := e.begin(ctx, p, req, req.Wait)
	if err != nil {
		return nil, err
	}
	rows, err := r.open(ctx, p, req, entry)
	if err != nil {
		err = e.explain(ctx, err) // before finish cancels ctx
		r.finish(false)
		return nil, err
	}
	rows.started, rows.expired = entry.Started, ctx.Done()
	rows.mapErr = func(err error) error { return e.explain(ctx, err) }
	rows.onClose = func(n int64, err error, ended bool) {
		r.finish(ended)
		entry.Rows = n
		entry.Duration = time.Since(entry.Started)
		entry.Status, entry.Error = logStatus(err)
		e.record(*entry)
	}
	return rows, nil
}

func (e *Engine) record(entry LogEntry) {
	if entry.sample && (entry.Status == "ok" || entry.Status == "cached") {
		entry.Status = "sample"
	}
	e.qlog.Add(entry)
	if e.observe != nil {
		e.observe(entry)
	}
}

// explain turns what stopped a query into what the caller should see.
func (e *Engine) explain(ctx context.Context, err error) error {
	var broken *sandbox.Broken
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return pier.Errorf(pier.ETimeout, "The query ran longer than %s and was stopped. Filter on fewer dt partitions, aggregate, or add a LIMIT.", e.lim.Timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("query: %w", ctx.Err())
	case errors.As(err, &broken) && broken.Reason == sandbox.LostMemory:
		return pier.Errorf(pier.ESQL, "The query needed more memory than Pier allows one query (%s) and was stopped. Filter on fewer partitions (dt), aggregate earlier, or add a LIMIT.", formatBytes(e.lim.WorkerMemory))
	case errors.As(err, &broken):
		e.log.Warn("a query worker was lost", "reason", broken.Reason, "err", broken.Err)
		return pier.Errorf(pier.ESQL, "DuckDB failed on this query and stopped (its worker ended; nothing else was affected). Try writing the query another way; if it keeps happening, tell the data team.")
	case errors.Is(err, sandbox.ErrTooBig):
		return pier.Errorf(pier.ESQL, "A row of the result is larger than Pier sends (%s). Select fewer or shorter columns.", formatBytes(sandbox.MaxMessage))
	}
	return err
}

func formatBytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MB", n>>20)
}

func logStatus(err error) (status, msg string) {
	switch code := pier.ErrorCode(err); {
	case err == nil:
		return "ok", ""
	case code == pier.ETimeout:
		return "timeout", pier.ErrorMessage(err)
	case errors.Is(err, context.Canceled) || errors.Is(err, sandbox.ErrCanceled):
		return "cancelled", ""
	case code == pier.ESQL || code == pier.EInvalid || code == pier.ETooLarge:
		return "sql_error", pier.ErrorMessage(err)
	case code == pier.ETooMany:
		return "throttled", pier.ErrorMessage(err)
	default:
		return "error", err.Error()
	}
}
