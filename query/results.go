package query

import (
	"encoding/csv"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"
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

// WriteCSV writes every remaining row as RFC 4180 CSV with a header line.
// The current batch, if Next was already called, is written first.
func WriteCSV(w io.Writer, r *Rows) error {
	cw := csv.NewWriter(w)
	header := make([]string, r.schema.NumFields())
	for i, f := range r.schema.Fields() {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	record := make([]string, len(header))
	err := eachBatch(r, func() error {
		rec := r.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := range record {
				record[c] = csvValue(rec.Column(c), i)
			}
			if err := cw.Write(record); err != nil {
				return err
			}
		}
		return nil
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// WriteArrow writes every remaining row as an Arrow IPC stream.
func WriteArrow(w io.Writer, r *Rows) error {
	iw := ipc.NewWriter(w, ipc.WithSchema(r.schema))
	err := eachBatch(r, func() error { return iw.Write(r.RecordBatch()) })
	if cerr := iw.Close(); err == nil {
		err = cerr
	}
	return err
}

// eachBatch calls fn for the current batch (if any) and every later one.
func eachBatch(r *Rows, fn func() error) error {
	if r.cur != nil {
		if err := fn(); err != nil {
			return err
		}
	}
	for r.Next() {
		if err := fn(); err != nil {
			return err
		}
	}
	return r.Err()
}
