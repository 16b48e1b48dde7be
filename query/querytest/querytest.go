// Package querytest holds test helpers for query results that several
// packages' tests share.
package querytest

import (
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// ArrowRows reads a whole Arrow IPC stream with arrow-go's reader and
// returns its row count and schema, failing the test if it cannot be read.
func ArrowRows(tb testing.TB, r io.Reader) (int64, *arrow.Schema) {
	tb.Helper()
	rd, err := ipc.NewReader(r)
	if err != nil {
		tb.Fatalf("not an Arrow IPC stream: %v", err)
	}
	defer rd.Release()
	var n int64
	for rd.Next() {
		n += rd.RecordBatch().NumRows()
	}
	if err := rd.Err(); err != nil {
		tb.Fatalf("reading the Arrow stream: %v", err)
	}
	return n, rd.Schema()
}
