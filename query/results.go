package query

import (
	"bufio"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/pier-analytics/pier/query/sandbox"
)

// MaxJSONRows caps a JSON answer; the other formats carry every row.
const MaxJSONRows = 10_000

// JSONResult is a query result as POST /api/v1/query answers in JSON.
type JSONResult struct {
	Columns   []ResultColumn `json:"columns"`
	Rows      [][]any        `json:"rows"`
	RowCount  int            `json:"row_count"`
	Truncated bool           `json:"truncated"`
	ElapsedMS int64          `json:"elapsed_ms"`
}

// ResultColumn names and types one column of a result.
type ResultColumn = sandbox.Column

// Columns describes the result's columns.
func (r *Rows) Columns() []ResultColumn {
	schema := r.Schema()
	out := make([]ResultColumn, schema.NumFields())
	for i, f := range schema.Fields() {
		out[i] = ResultColumn{Name: f.Name, Type: TypeName(f.Type)}
	}
	return out
}

// MaxJSONBytes caps a JSON answer's size, as MaxJSONRows caps its rows: a
// few rows of huge strings must not take the server's memory.
const MaxJSONBytes = 64 << 20

// CollectJSON reads at most limit rows, and about MaxJSONBytes of JSON,
// into a JSONResult, noting whether there were more. It stops reading
// there, which ends the query.
func CollectJSON(r *Rows, limit int) (*JSONResult, error) {
	out := &JSONResult{Columns: r.Columns(), Rows: [][]any{}}
	size := 0
	full := func() bool { return len(out.Rows) == limit || size >= MaxJSONBytes }
	for !out.Truncated && r.Next() {
		rec := r.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			if full() {
				out.Truncated = true
				break
			}
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = jsonValue(rec.Column(c), i)
				size += jsonSize(row[c])
			}
			out.Rows = append(out.Rows, row)
		}
		if !out.Truncated && full() {
			out.Truncated = r.Next()
		}
	}
	out.RowCount = len(out.Rows)
	out.ElapsedMS = r.Elapsed().Milliseconds()
	return out, r.Err()
}

// jsonSize estimates the bytes v takes as JSON, quickly.
func jsonSize(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + 3
	case []any:
		n := 2
		for _, it := range x {
			n += jsonSize(it) + 1
		}
		return n
	case map[string]any:
		n := 2
		for k, it := range x {
			n += len(k) + 4 + jsonSize(it)
		}
		return n
	}
	return 12
}

// writeBuffer is large enough that a stream goes out in few system calls.
const writeBuffer = 64 << 10

// WriteArrow writes every remaining row as an Arrow IPC stream: the
// worker's own stream, passed through, if nothing has been read yet.
func WriteArrow(w io.Writer, r *Rows) error {
	if r.untouched() {
		return r.copyStream(w)
	}
	bw := bufio.NewWriterSize(w, writeBuffer)
	iw := ipc.NewWriter(bw, ipc.WithSchema(r.Schema()))
	err := eachBatch(r, iw.Write)
	if cerr := iw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = bw.Flush()
	}
	return err
}

// prefetch is how many batches the reading goroutine may run ahead.
const prefetch = 4

// eachBatch calls fn for the current batch (if any) and every later one.
// One goroutine reads and decodes batches from the worker while the
// caller's goroutine encodes and writes them, so the worker, the socket
// and the network overlap. Memory stays bounded by the prefetch depth.
func eachBatch(r *Rows, fn func(arrow.RecordBatch) error) error {
	stop := make(chan struct{})
	recs := make(chan arrow.RecordBatch, prefetch)
	if r.cur != nil {
		r.cur.Retain()
		recs <- r.cur
	}
	go readBatches(r, recs, stop)
	var err error
	for rec := range recs {
		if err == nil {
			if err = fn(rec); err != nil {
				close(stop)
			}
		}
		rec.Release()
	}
	if err != nil {
		return err
	}
	return r.Err()
}

func readBatches(r *Rows, out chan<- arrow.RecordBatch, stop <-chan struct{}) {
	defer close(out)
	for {
		rec := r.read()
		if rec == nil {
			return
		}
		select {
		case out <- rec:
		case <-stop:
			rec.Release()
			return
		}
	}
}
