package query

import (
	"bufio"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	duck "github.com/duckdb/duckdb-go-bindings"
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
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Columns describes the result's columns.
func (r *Rows) Columns() []ResultColumn {
	out := make([]ResultColumn, r.schema.NumFields())
	for i, f := range r.schema.Fields() {
		out[i] = ResultColumn{Name: f.Name, Type: TypeName(f.Type)}
	}
	return out
}

// CollectJSON reads at most limit rows into a JSONResult, noting whether
// there were more. It stops reading there, which ends the query.
func CollectJSON(r *Rows, limit int) (*JSONResult, error) {
	out := &JSONResult{Columns: r.Columns(), Rows: [][]any{}}
	for r.Next() {
		rec := r.RecordBatch()
		n := int(rec.NumRows())
		for i := 0; i < n; i++ {
			if len(out.Rows) == limit {
				out.Truncated = true
				break
			}
			row := make([]any, rec.NumCols())
			for c := range row {
				row[c] = jsonValue(rec.Column(c), i)
			}
			out.Rows = append(out.Rows, row)
		}
		if out.Truncated {
			break
		}
		if len(out.Rows) == limit {
			out.Truncated = r.Next()
			break
		}
	}
	out.RowCount = len(out.Rows)
	out.ElapsedMS = r.Elapsed().Milliseconds()
	return out, r.Err()
}

// writeBuffer is large enough that a stream goes out in few system calls.
const writeBuffer = 64 << 10

// WriteArrow writes every remaining row as an Arrow IPC stream.
func WriteArrow(w io.Writer, r *Rows) error {
	bw := bufio.NewWriterSize(w, writeBuffer)
	iw := ipc.NewWriter(bw, ipc.WithSchema(r.schema))
	err := eachBatch(r, iw.Write)
	if cerr := iw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = bw.Flush()
	}
	return err
}

// prefetch is how many chunks and batches each stage may run ahead.
const prefetch = 8

// eachBatch calls fn for the current batch (if any) and every later one.
// Three stages run at once: one goroutine fetches chunks from DuckDB,
// another converts them to Arrow, and the caller's goroutine encodes and
// writes, so the engine, the conversion and the network overlap. Memory
// stays bounded by the prefetch depth.
func eachBatch(r *Rows, fn func(arrow.RecordBatch) error) error {
	stop := make(chan struct{})
	chunks := make(chan duck.DataChunk, prefetch)
	recs := make(chan arrow.RecordBatch, prefetch)
	fetched := make(chan struct{})
	go fetchChunks(r, chunks, stop, fetched)
	go convertChunks(r, chunks, recs, stop)
	var err error
	for rec := range recs {
		if err == nil {
			if err = fn(rec); err != nil {
				close(stop)
			}
		}
		rec.Release()
	}
	<-fetched
	if err != nil {
		return err
	}
	return r.Err()
}

func fetchChunks(r *Rows, out chan<- duck.DataChunk, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	defer close(out)
	for {
		chunk, ok := r.fetch()
		if !ok {
			return
		}
		select {
		case out <- chunk:
		case <-stop:
			duck.DestroyDataChunk(&chunk)
			return
		}
	}
}

func convertChunks(r *Rows, in <-chan duck.DataChunk, out chan<- arrow.RecordBatch, stop <-chan struct{}) {
	defer close(out)
	send := func(rec arrow.RecordBatch) bool {
		select {
		case out <- rec:
			return true
		case <-stop:
			rec.Release()
			return false
		}
	}
	if r.cur != nil {
		r.cur.Retain()
		if !send(r.cur) {
			drain(in)
			return
		}
	}
	for chunk := range in {
		rec, ok := r.convert(chunk)
		if !ok || !send(rec) {
			drain(in)
			return
		}
	}
}

// drain frees chunks that will not be converted.
func drain(in <-chan duck.DataChunk) {
	for chunk := range in {
		duck.DestroyDataChunk(&chunk)
	}
}
