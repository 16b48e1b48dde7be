package query

import (
	"io"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/pier-analytics/pier/query/sandbox"
)

// Rows is a streaming query result read as Arrow record batches, as the
// worker that runs the query sends them. It implements
// array.RecordReader's reading half; Close must be called.
type Rows struct {
	call    *sandbox.Call
	rd      *ipc.Reader // opened at the first batch, which brings the schema
	schema  *arrow.Schema
	cur     arrow.RecordBatch
	err     error
	count   int64
	ended   bool // the worker's end frame has been read
	closed  bool
	mu      sync.Mutex
	onClose func(rows int64, err error, ended bool)
	mapErr  func(error) error
	started time.Time
	tables  []string
	rawPII  bool
	expired <-chan struct{} // the query's deadline passed, or it was stopped
}

// open reads the stream's schema, once.
func (r *Rows) open() bool {
	if r.rd != nil || r.err != nil {
		return r.err == nil
	}
	rd, err := ipc.NewReader(r.call, ipc.WithAllocator(ipcAllocator))
	if err != nil {
		r.end(err)
		return false
	}
	r.rd, r.schema = rd, rd.Schema()
	return true
}

// Schema returns the result's columns as an Arrow schema; it waits for the
// first batch. A result that failed before it had one has no columns.
func (r *Rows) Schema() *arrow.Schema {
	if !r.open() && r.schema == nil {
		return arrow.NewSchema(nil, nil)
	}
	return r.schema
}

// Next fetches the next batch; it returns false at the end or on error.
func (r *Rows) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	rec := r.read()
	if rec == nil {
		return false
	}
	r.cur = rec
	return true
}

// read returns the next batch, retained, or nil at the end, having then
// read the worker's end frame. It is safe to call from one goroutine
// while another uses an earlier batch.
func (r *Rows) read() arrow.RecordBatch {
	if r.ended || r.closed || !r.open() {
		return nil
	}
	r.call.SetLimit(sandbox.MaxMessage)
	if r.rd.Next() {
		rec := r.rd.RecordBatch()
		rec.Retain()
		r.count += rec.NumRows()
		return rec
	}
	r.end(r.rd.Err())
	return nil
}

// end reads the worker's end frame. Its error is the cause; a reading
// error (streamErr) is only a symptom of a stream the worker cut short.
func (r *Rows) end(streamErr error) *sandbox.End {
	end, err := r.call.Finish()
	r.ended = err == nil
	switch {
	case err != nil:
		r.fail(err)
	case end.Error != nil:
		r.fail(end.Error.Err())
	case streamErr != nil:
		r.fail(streamErr)
	}
	return end
}

// fail keeps the first error, in words, with what the query read.
func (r *Rows) fail(err error) {
	if r.err == nil {
		r.err = &ReadError{Err: r.translate(err), Tables: r.tables, RawPII: r.rawPII}
	}
}

// copyStream sends the worker's Arrow IPC stream to w byte for byte, for a
// result of which nothing has been decoded: the stream is already what an
// Arrow client wants, so the server neither decodes nor encodes it.
func (r *Rows) copyStream(w io.Writer) error {
	if _, err := r.call.WriteTo(w); err != nil {
		r.fail(err)
		return r.err
	}
	if end := r.end(nil); end != nil && r.err == nil {
		r.count = end.Rows
	}
	return r.err
}

// untouched reports whether no batch has been read yet.
func (r *Rows) untouched() bool { return r.rd == nil && r.cur == nil && !r.ended && r.err == nil }

// RecordBatch returns the current batch, valid until the next call to Next.
func (r *Rows) RecordBatch() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the stream early, if any.
func (r *Rows) Err() error { return r.err }

// Elapsed returns the time since the query was submitted.
func (r *Rows) Elapsed() time.Duration { return time.Since(r.started) }

// Tables returns the lake tables the query reads, as its bound plan says,
// upstream queries included.
func (r *Rows) Tables() []string { return r.tables }

// ReadsRawPII reports whether the result may hold PII unhashed.
func (r *Rows) ReadsRawPII() bool { return r.rawPII }

// Count returns how many rows have been read so far.
func (r *Rows) Count() int64 { return r.count }

// Expired is closed when the query's deadline passes or it is stopped. A
// caller blocked handing rows on, to a client that stopped reading, should
// close the rows then: the deadline is the query's, not the reader's, and
// its slot must come back.
func (r *Rows) Expired() <-chan struct{} { return r.expired }

// Close releases the result and the engine resources behind it; a query
// still running is stopped. It is safe to call more than once.
func (r *Rows) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.rd != nil {
		r.rd.Release()
	}
	if r.onClose != nil {
		r.onClose(r.count, r.err, r.ended)
	}
	return nil
}

func (r *Rows) translate(err error) error {
	if r.mapErr == nil {
		return err
	}
	return r.mapErr(err)
}

// Abandon records that the reader stopped early for a reason of its own,
// such as a client that went away, so the query log says so.
func (r *Rows) Abandon(err error) {
	if r.err == nil {
		r.err = err
	}
}
