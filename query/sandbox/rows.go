package sandbox

import (
	"errors"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// rows is a DuckDB streaming result read as Arrow record batches.
type rows struct {
	res    duck.Result
	opts   duck.ArrowOptions
	schema *arrow.Schema
	count  int64
	err    error
	done   bool // DuckDB has no more chunks; asking again would be an error
}

// newRows takes ownership of a successful result; close releases it.
func newRows(res duck.Result) (*rows, error) {
	r := &rows{res: res, opts: duck.ResultGetArrowOptions(&res)}
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
		r.close()
		return nil, notSendable(err)
	}
	r.schema = schema
	return r, nil
}

// notSendable explains a result DuckDB cannot turn into Arrow, such as a
// column of a type Arrow has no place for.
func notSendable(err error) error {
	return pier.Errorf(pier.ESQL, "Pier cannot send this result: %s. Cast the column to VARCHAR (for example col::VARCHAR).", strings.TrimSuffix(err.Error(), "."))
}

func errorData(ed duck.ErrorData) error {
	defer duck.DestroyErrorData(&ed)
	if duck.ErrorDataHasError(ed) {
		return errors.New(duck.ErrorDataMessage(ed))
	}
	return nil
}

// fetch returns the next DuckDB chunk, which the caller passes to convert.
// It is safe to fetch the next chunk while converting this one.
func (r *rows) fetch() (duck.DataChunk, bool) {
	if r.err != nil || r.done {
		return duck.DataChunk{}, false
	}
	chunk := duck.FetchChunk(r.res)
	if chunk.Ptr == nil {
		r.done = true
		if msg := duck.ResultError(&r.res); msg != "" {
			r.err = &duckError{msg: msg, typ: duck.ResultErrorType(&r.res)}
		}
		return chunk, false
	}
	return chunk, true
}

// convert turns a fetched chunk into an Arrow batch and frees the chunk.
func (r *rows) convert(chunk duck.DataChunk) (arrow.RecordBatch, error) {
	defer duck.DestroyDataChunk(&chunk)
	rec, ed := duck.DataChunkToArrowArray(r.opts, r.schema, chunk)
	if err := errorData(ed); err != nil {
		return nil, notSendable(err)
	}
	r.count += rec.NumRows()
	return rec, nil
}

// next returns the next batch, nil at the end or on error (see err).
func (r *rows) next() arrow.RecordBatch {
	chunk, ok := r.fetch()
	if !ok {
		return nil
	}
	rec, err := r.convert(chunk)
	if err != nil {
		r.err = err
		return nil
	}
	return rec
}

func (r *rows) close() {
	duck.DestroyArrowOptions(&r.opts)
	duck.DestroyResult(&r.res)
}

// duckError is an error as DuckDB reported it, before translation into
// words for people.
type duckError struct {
	msg string
	typ duck.ErrorType
}

func (e *duckError) Error() string { return e.msg }
