package query

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/pier-analytics/pier/store"
)

// LogEntry is one query as the query log keeps it.
type LogEntry struct {
	UserID   string
	SQL      string
	Tables   []string
	Started  time.Time
	Duration time.Duration
	Rows     int64
	Status   string // ok, cached, sample, described, sql_error, throttled, timeout, cancelled, error
	Error    string
	PIIAudit bool // the query read PII columns unhashed
	sample   bool // Request.Sample: logged as status sample when it succeeds
}

// QueryLog writes log entries to the metadata store off the request path,
// so logging adds no store round trip to a query's latency. Entries are
// never dropped: when the queue is full the caller writes synchronously.
type QueryLog struct {
	db   *store.DB
	log  *slog.Logger
	ch   chan logItem
	wg   sync.WaitGroup
	mu   sync.RWMutex // held for reading while sending, so Close cannot close ch under a sender
	done bool
}

// NewQueryLog starts the writer.
func NewQueryLog(db *store.DB, log *slog.Logger) *QueryLog {
	q := &QueryLog{db: db, log: log, ch: make(chan logItem, 1024)}
	q.wg.Add(1)
	go q.run()
	return q
}

// Add queues e for writing; after Close it writes at once.
func (q *QueryLog) Add(e LogEntry) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.done {
		q.write(e)
		return
	}
	select {
	case q.ch <- logItem{entry: e}:
	default:
		q.write(e)
	}
}

// logItem is an entry to write, or, with done set, a marker that Flush
// waits on.
type logItem struct {
	entry LogEntry
	done  chan struct{}
}

// Close writes what is queued and stops the writer.
func (q *QueryLog) Close() {
	q.mu.Lock()
	if !q.done {
		q.done = true
		close(q.ch)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

// Flush waits until every entry added so far is written.
func (q *QueryLog) Flush() {
	q.mu.RLock()
	if q.done {
		q.mu.RUnlock()
		return
	}
	done := make(chan struct{})
	q.ch <- logItem{done: done}
	q.mu.RUnlock()
	<-done
}

func (q *QueryLog) run() {
	defer q.wg.Done()
	for it := range q.ch {
		if it.done != nil {
			close(it.done)
			continue
		}
		q.write(it.entry)
	}
}

func (q *QueryLog) write(e LogEntry) {
	_, err := q.db.ExecContext(context.Background(), `INSERT INTO query_log
		(id, user_id, sql_text, tables, started_at, duration_ms, row_count, status, error, pii_audit)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		store.NewID(), e.UserID, e.SQL, strings.Join(e.Tables, ","), e.Started.UnixMilli(),
		e.Duration.Milliseconds(), e.Rows, e.Status, e.Error, e.PIIAudit)
	if err != nil {
		q.log.Error("query log write failed", "err", err, "user", e.UserID)
	}
}
