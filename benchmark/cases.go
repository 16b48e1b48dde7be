package benchmark

import (
	"bufio"
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"google.golang.org/grpc/metadata"
)

// Case is one measurement: the same work through Pier and through DuckDB.
type Case struct {
	Name   string
	Pier   func(ctx context.Context, e *Env) error
	DuckDB func(ctx context.Context, e *Env) error
}

const (
	dauSQL    = "select dt, count(distinct member_id) as dau from act_page_views group by dt order by dt"
	exportSQL = "select view_id, member_id, viewed_at, page, search_keyword, device from act_page_views"
)

// Cases are the benchmarks of issue 2.
var Cases = []Case{
	{Name: "select 1 round trip",
		Pier: func(ctx context.Context, e *Env) error {
			_, err := e.post(ctx, "select 1", "application/json")
			return err
		},
		DuckDB: func(ctx context.Context, e *Env) error {
			var n int
			return e.direct.QueryRowContext(ctx, "select 1").Scan(&n)
		}},
	{Name: "daily active users (JSON)",
		Pier:   func(ctx context.Context, e *Env) error { _, err := e.post(ctx, dauSQL, "application/json"); return err },
		DuckDB: directDrain(dauSQL)},
	{Name: "export all page views as Arrow",
		Pier:   pierExport(mimeArrow),
		DuckDB: directArrow},
	{Name: "read all page views over Flight SQL",
		Pier:   flightRead,
		DuckDB: directArrowRead},
	{Name: "export all page views as CSV",
		Pier:   pierExport("text/csv"),
		DuckDB: directCSV},
}

func directDrain(q string) func(ctx context.Context, e *Env) error {
	return func(ctx context.Context, e *Env) error {
		rows, err := e.direct.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		var dt, n any
		for rows.Next() {
			if err := rows.Scan(&dt, &n); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// pierExport downloads a whole export into a file, as `curl > file` would;
// the direct side likewise writes its file and decodes nothing.
// TestCasesRunOnATinyLake checks that the Arrow stream holds every row.
func pierExport(accept string) func(ctx context.Context, e *Env) error {
	return func(ctx context.Context, e *Env) error {
		f, err := os.CreateTemp("", "pier-bench-*.out")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		_, err = e.postTo(ctx, exportSQL, accept, f)
		return err
	}
}

const mimeArrow = "application/vnd.apache.arrow.stream"

// directArrow is DuckDB's own Arrow interface through duckdb-go, written as
// an IPC stream to a file: the same bytes Pier sends, as directCSV writes
// the same CSV.
func directArrow(ctx context.Context, e *Env) error {
	f, err := os.CreateTemp("", "pier-bench-*.arrow")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	bw := bufio.NewWriterSize(f, 64<<10)
	var w *ipc.Writer
	err = eachDirectBatch(ctx, e, func(rec arrow.RecordBatch) error {
		if w == nil {
			w = ipc.NewWriter(bw, ipc.WithSchema(rec.Schema()))
		}
		return w.Write(rec)
	})
	if err != nil || w == nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// directArrowRead is DuckDB's own Arrow speed on the same files: the
// record batches read, nothing encoded.
func directArrowRead(ctx context.Context, e *Env) error {
	return eachDirectBatch(ctx, e, func(arrow.RecordBatch) error { return nil })
}

// eachDirectBatch reads every page view through duckdb-go's Arrow
// interface, calls fn for each batch, and checks that every row came.
func eachDirectBatch(ctx context.Context, e *Env, fn func(arrow.RecordBatch) error) error {
	conn, err := e.direct.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, exportSQL)
		if err != nil {
			return err
		}
		defer rr.Release()
		var n int64
		for rr.Next() {
			n += rr.RecordBatch().NumRows()
			if err := fn(rr.RecordBatch()); err != nil {
				return err
			}
		}
		if err := rr.Err(); err != nil {
			return err
		}
		if n != e.Rows {
			return fmt.Errorf("direct arrow: %d rows, want %d", n, e.Rows)
		}
		return nil
	})
}

// directCSV is DuckDB's own CSV writer.
func directCSV(ctx context.Context, e *Env) error {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("pier-bench-%d.csv", os.Getpid()))
	defer os.Remove(path)
	_, err := e.direct.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO '%s' (FORMAT csv, HEADER)", exportSQL, path))
	return err
}

// flightRead reads every page view through Pier's Flight SQL endpoint, as
// an ADBC or JDBC client would, counting the rows of each batch.
func flightRead(ctx context.Context, e *Env) error {
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+e.token)
	info, err := e.flight.Execute(ctx, exportSQL)
	if err != nil {
		return err
	}
	rd, err := e.flight.DoGet(ctx, info.Endpoint[0].Ticket)
	if err != nil {
		return err
	}
	defer rd.Release()
	var n int64
	for rd.Next() {
		n += rd.RecordBatch().NumRows()
	}
	if err := rd.Err(); err != nil {
		return err
	}
	if n != e.Rows {
		return fmt.Errorf("flight sql: %d rows, want %d", n, e.Rows)
	}
	return nil
}
