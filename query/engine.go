package query

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// Engine runs users' SQL over the lake, each principal in the sandbox of its
// access profile.
type Engine struct {
	cat     *Catalog
	props   *PropStore
	qlog    *QueryLog
	lim     Limits
	hashKey string
	tmpRoot string
	log     *slog.Logger
	slots   *slots
	observe func(LogEntry)

	cache    *resultCache
	inflight atomic.Int64
	mu       sync.Mutex
	boxes    map[string]*sandbox
	closed   bool
}

// EngineConfig is what NewEngine needs.
type EngineConfig struct {
	Catalog *Catalog
	Props   *PropStore
	Log     *QueryLog
	Limits  Limits
	PIIKey  []byte // keys the hash of hidden PII columns
	TempDir string // sandboxes spill here, each in a directory of its own
	Logger  *slog.Logger
	Observe func(LogEntry) // optional: told of every finished query, for metrics
	// CacheBytes bounds the result cache; zero means DefaultCacheBytes.
	CacheBytes int64
}

// NewEngine returns an engine; sandboxes are created lazily.
func NewEngine(c EngineConfig) *Engine {
	lim := c.Limits.withDefaults()
	return &Engine{
		cat: c.Catalog, props: c.Props, qlog: c.Log, lim: lim,
		hashKey: fmt.Sprintf("%x", c.PIIKey), tmpRoot: c.TempDir, log: c.Logger,
		slots: newSlots(lim.Slots, lim.PerUser), boxes: map[string]*sandbox{}, observe: c.Observe,
		cache: newResultCache(c.CacheBytes),
	}
}

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
}

// InFlight returns how many queries hold a slot right now.
func (e *Engine) InFlight() int64 { return e.inflight.Load() }

// Query runs req for p and returns its streaming result, which must be
// closed. The query holds a concurrency slot, a connection and its
// deadline until then, and is logged when it closes.
func (e *Engine) Query(ctx context.Context, p Principal, req Request) (*Rows, error) {
	started := time.Now()
	entry := LogEntry{UserID: p.UserID, SQL: req.SQL, Started: started}
	rows, err := e.start(ctx, p, req, &entry)
	if err != nil {
		entry.Duration = time.Since(started)
		entry.Status, entry.Error = logStatus(err)
		e.record(entry)
		return nil, err
	}
	return rows, nil
}

func (e *Engine) start(ctx context.Context, p Principal, req Request, entry *LogEntry) (*Rows, error) {
	release, err := e.slots.acquire(ctx, p.UserID, req.Wait)
	if err != nil {
		return nil, err
	}
	e.inflight.Add(1)
	r := &run{e: e, releaseSlot: release}
	ctx, r.cancel = context.WithTimeout(ctx, e.lim.Timeout)
	rows, err := r.open(ctx, p, req, entry)
	if err != nil {
		err = e.explain(ctx, req.SQL, err) // before finish cancels ctx
		r.finish()
		return nil, err
	}
	rows.started = entry.Started
	rows.mapErr = func(err error) error { return e.explain(ctx, req.SQL, err) }
	rows.onClose = func(n int64, err error) {
		r.finish()
		entry.Rows = n
		entry.Duration = time.Since(entry.Started)
		entry.Status, entry.Error = logStatus(err)
		e.record(*entry)
	}
	return rows, nil
}

func (e *Engine) record(entry LogEntry) {
	e.qlog.Add(entry)
	if e.observe != nil {
		e.observe(entry)
	}
}

// explain turns an engine error into what the caller should see.
func (e *Engine) explain(ctx context.Context, sql string, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return pier.Errorf(pier.ETimeout, "The query ran longer than %s and was stopped. Filter on fewer dt partitions, aggregate, or add a LIMIT.", e.lim.Timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("query: %w", ctx.Err())
	}
	return sqlError(sql, err)
}

func logStatus(err error) (status, msg string) {
	switch code := pier.ErrorCode(err); {
	case err == nil:
		return "ok", ""
	case code == pier.ETimeout:
		return "timeout", pier.ErrorMessage(err)
	case errors.Is(err, context.Canceled):
		return "cancelled", ""
	case code == pier.ESQL || code == pier.EInvalid:
		return "sql_error", pier.ErrorMessage(err)
	case code == pier.ETooMany:
		return "throttled", pier.ErrorMessage(err)
	default:
		return "error", err.Error()
	}
}

// run is one query's hold on engine resources.
type run struct {
	e           *Engine
	releaseSlot func()
	cancel      context.CancelFunc
	box         *sandbox
	conn        duck.Connection
	connected   bool
	stopWatch   chan struct{}
	watchDone   chan struct{}
	once        sync.Once
}

func (r *run) open(ctx context.Context, p Principal, req Request, entry *LogEntry) (*Rows, error) {
	visible, err := r.e.Visible(ctx, p)
	if err != nil {
		return nil, err
	}
	if r.box, err = r.e.sandboxFor(newProfile(visible)); err != nil {
		return nil, err
	}
	if r.conn, err = r.box.db.connect(); err != nil {
		return nil, err
	}
	r.connected = true
	r.watch(ctx)
	allowed, upstreamRead, err := defineUpstream(r.conn, req, r.box.tables)
	if err != nil {
		return nil, err
	}
	read, err := guard(r.conn, req.SQL, allowed)
	if err != nil {
		return nil, err
	}
	entry.Tables = r.box.lakeTables(append(read, upstreamRead...))
	entry.PIIAudit = r.box.readsRawPII(entry.Tables)
	rows, err := execute(r.conn, req)
	if err != nil {
		return nil, err
	}
	rows.tables, rows.rawPII = entry.Tables, entry.PIIAudit
	return rows, nil
}

// watch interrupts the running statement when ctx ends: on the deadline,
// on cancellation, or when the client goes away. DuckDB clears a pending
// interrupt when a statement starts, so one that lands between statements
// (or before the first) would be lost; the interrupt is therefore repeated
// until the run finishes.
func (r *run) watch(ctx context.Context) {
	r.stopWatch, r.watchDone = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.watchDone)
		select {
		case <-ctx.Done():
		case <-r.stopWatch:
			return
		}
		tick := time.NewTicker(interruptEvery)
		defer tick.Stop()
		for {
			duck.Interrupt(r.conn)
			select {
			case <-tick.C:
			case <-r.stopWatch:
				return
			}
		}
	}()
}

// interruptEvery is how often a cancelled query is interrupted again.
const interruptEvery = 20 * time.Millisecond

func (r *run) finish() {
	r.once.Do(func() {
		if r.stopWatch != nil {
			close(r.stopWatch)
			<-r.watchDone
		}
		if r.connected {
			duck.Disconnect(&r.conn)
		}
		if r.box != nil {
			r.e.releaseBox(r.box)
		}
		r.cancel()
		r.releaseSlot()
		r.e.inflight.Add(-1)
	})
}

func (sb *sandbox) readsRawPII(tables []string) bool {
	for _, t := range tables {
		if v := sb.visible[t]; v.RawPII && len(v.PIIColumns()) > 0 {
			return true
		}
	}
	return false
}

// lakeTables keeps the names that are the profile's tables, once each,
// dropping upstream names.
func (sb *sandbox) lakeTables(names []string) []string {
	out := []string{}
	for _, n := range dedupe(names) {
		if sb.tables[n] {
			out = append(out, n)
		}
	}
	return out
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
