package query

import (
	"errors"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"
)

// Rows is a streaming query result read as Arrow record batches. It
// implements array.RecordReader's reading half; Close must be called.
type Rows struct {
	res     duck.Result
	opts    duck.ArrowOptions
	schema  *arrow.Schema
	cur     arrow.RecordBatch
	err     error
	count   int64
	closed  bool
	mu      sync.Mutex
	onClose func(rows int64, err error)
	mapErr  func(error) error
	started time.Time
	tables  []string
	rawPII  bool
}

// newRows takes ownership of a successful result.
func newRows(res duck.Result) (*Rows, error) {
	r := &Rows{res: res, opts: duck.ResultGetArrowOptions(&res)}
	n := duck.ColumnCount(&r.res)
	names := make([]string, n)
	types := make([]duck.LogicalType, n)
	for i := range n {
		names[i] = duck.ColumnName(&r.res, i)
		types[i] = duck.ColumnLogicalType(&r.res, i)
	}
	defer func() {
		for i := range types {
			duck.DestroyLogicalType(&types[i])
		}
	}()
	schema, ed := duck.NewArrowSchema(r.opts, types, names)
	if err := errorData(ed); err != nil {
		r.release()
		return nil, err
	}
	r.schema = schema
	return r, nil
}

func errorData(ed duck.ErrorData) error {
	defer duck.DestroyErrorData(&ed)
	if duck.ErrorDataHasError(ed) {
		return errors.New(duck.ErrorDataMessage(ed))
	}
	return nil
}

// Schema returns the result's columns as an Arrow schema.
func (r *Rows) Schema() *arrow.Schema { return r.schema }

// Next fetches the next batch; it returns false at the end or on error.
func (r *Rows) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	chunk, ok := r.fetch()
	if !ok {
		return false
	}
	r.cur, ok = r.convert(chunk)
	return ok
}

// fetch returns the next DuckDB chunk, which the caller must pass to
// convert. It is safe to fetch the next chunk while converting this one.
func (r *Rows) fetch() (duck.DataChunk, bool) {
	if r.err != nil || r.closed {
		return duck.DataChunk{}, false
	}
	chunk := duck.FetchChunk(r.res)
	if chunk.Ptr == nil {
		if msg := duck.ResultError(&r.res); msg != "" {
			r.err = r.translate(&duckError{msg: msg, typ: duck.ResultErrorType(&r.res)})
		}
		return chunk, false
	}
	return chunk, true
}

// convert turns a fetched chunk into an Arrow batch and frees the chunk.
func (r *Rows) convert(chunk duck.DataChunk) (arrow.RecordBatch, bool) {
	defer duck.DestroyDataChunk(&chunk)
	rec, ed := duck.DataChunkToArrowArray(r.opts, r.schema, chunk)
	if err := errorData(ed); err != nil {
		r.err = err
		return nil, false
	}
	r.count += rec.NumRows()
	return rec, true
}

// RecordBatch returns the current batch, valid until the next call to Next.
func (r *Rows) RecordBatch() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the stream early, if any.
func (r *Rows) Err() error { return r.err }

// Elapsed returns the time since the query was submitted.
func (r *Rows) Elapsed() time.Duration { return time.Since(r.started) }

// Tables returns the lake tables the query reads, upstream queries included.
func (r *Rows) Tables() []string { return r.tables }

// ReadsRawPII reports whether the result may hold PII unhashed.
func (r *Rows) ReadsRawPII() bool { return r.rawPII }

// Count returns how many rows have been read so far.
func (r *Rows) Count() int64 { return r.count }

// Close releases the result and the engine resources behind it. It is safe
// to call more than once.
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
	r.release()
	if r.onClose != nil {
		r.onClose(r.count, r.err)
	}
	return nil
}

func (r *Rows) release() {
	duck.DestroyArrowOptions(&r.opts)
	duck.DestroyResult(&r.res)
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

// duckError is an error as DuckDB reported it, before translation into
// words for people.
type duckError struct {
	msg string
	typ duck.ErrorType
}

func (e *duckError) Error() string { return e.msg }
