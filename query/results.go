package query

import (
	"bufio"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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
			// A row is costed before it is built: one value may be a list
			// of millions, each a Go value of its own.
			cost := rowCost(rec, i)
			if full() || size+cost > MaxJSONBytes {
				out.Truncated = true
				break
			}
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = jsonValue(rec.Column(c), i)
			}
			size += cost
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

// rowCost estimates what row i takes as JSON and as the Go values that
// hold it, from the Arrow data, before anything is built.
func rowCost(rec arrow.RecordBatch, i int) int {
	n := 0
	for _, col := range rec.Columns() {
		n += valueCost(col, i)
	}
	return n
}

func valueCost(col arrow.Array, i int) int {
	if col.IsNull(i) {
		return 4
	}
	switch a := storage(col).(type) {
	case *array.String:
		return a.ValueLen(i) + 3
	case *array.LargeString:
		return a.ValueLen(i) + 3
	case *array.Binary:
		return a.ValueLen(i)*4/3 + 3
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		n := 2
		for j := start; j < end && n <= MaxJSONBytes; j++ {
			n += valueCost(a.ListValues(), int(j)) + 16
		}
		return n
	case *array.Struct:
		n := 2
		for f := 0; f < a.NumField(); f++ {
			n += valueCost(a.Field(f), i) + 16
		}
		return n
	}
	return 16
}

// writeBuffer is large enough that a stream goes out in few system calls.
const writeBuffer = 64 << 10

// WriteArrow writes every remaining row as an Arrow IPC stream: the
// worker's own stream, passed through, if nothing has been read yet. A
// stream cut short by an error has no end marker, so that the reader
// cannot take it for the whole result.
func WriteArrow(w io.Writer, r *Rows) error {
	if r.untouched() {
		return r.copyStream(w)
	}
	bw := bufio.NewWriterSize(w, writeBuffer)
	iw := ipc.NewWriter(bw, ipc.WithSchema(r.Schema()))
	if err := eachBatch(r, iw.Write); err != nil {
		bw.Flush()
		return err
	}
	if err := iw.Close(); err != nil {
		return err
	}
	return bw.Flush()
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
	// However fn ends, even in a panic, the reading goroutine is stopped
	// and waited for: it reads the worker's socket, which Close reads next.
	var once sync.Once
	halt := func() { once.Do(func() { close(stop) }) }
	defer func() {
		halt()
		for rec := range recs {
			rec.Release()
		}
	}()
	for rec := range recs {
		err := fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return r.Err()
}

func readBatches(r *Rows, out chan<- arrow.RecordBatch, stop <-chan struct{}) {
	defer close(out)
	for {
		select {
		case <-stop:
			return
		default:
		}
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
