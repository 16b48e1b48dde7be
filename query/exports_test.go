package query

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"
)

const exportSQL = `select range as n, 'row ' || range as label, (date '2026-11-01' + range::int) as day,
	case when range % 7 = 0 then null else range / 4 end as quarter from range(5000)`

// exportOf writes the whole result of sql with write.
func (te *testEngine) exportOf(t *testing.T, sql string, write func(io.Writer, *Rows) error) *bytes.Buffer {
	t.Helper()
	rows, err := te.Query(context.Background(), analyst, Request{SQL: sql})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var buf bytes.Buffer
	if err := write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func TestParquetExportHoldsEveryRow(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	buf := te.exportOf(t, exportSQL, WriteParquet)
	pf, err := file.NewParquetReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 5000 || tbl.NumCols() != 4 || tbl.Schema().Field(1).Name != "label" {
		t.Fatalf("%d rows, %d columns, schema %v", tbl.NumRows(), tbl.NumCols(), tbl.Schema())
	}
	labels := tbl.Column(1).Data().Chunk(0).(*array.String)
	if labels.Value(42) != "row 42" {
		t.Fatalf("row 42 reads %q", labels.Value(42))
	}
	nulls := 0
	for _, ch := range tbl.Column(3).Data().Chunks() {
		nulls += ch.NullN()
	}
	if nulls != 715 {
		t.Fatalf("%d nulls, want 715 (every seventh row)", nulls)
	}
}

func TestXLSXExportKeepsNumbersAndDates(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	buf := te.exportOf(t, exportSQL, WriteXLSX)
	f, err := excelize.OpenReader(buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Result")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5001 || rows[0][0] != "n" || rows[43][1] != "row 42" {
		t.Fatalf("%d rows; header %v; row 43 %v", len(rows), rows[0], rows[43])
	}
	if typ, _ := f.GetCellType("Result", "A44"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("n is stored as %v, not a number", typ)
	}
	raw, _ := f.GetCellValue("Result", "C2", excelize.Options{RawCellValue: true})
	day, err := excelize.ExcelDateToTime(mustFloat(t, raw), false)
	if err != nil || !day.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("the first day is %q (%v), want 2026-11-01 as a date", raw, day)
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return f
}

// TestEveryExportCopesWithTypesArrowGoCannotFormat: DuckDB's BIGNUM comes
// as an extension type that arrow-go cannot print; an export of it must
// neither panic nor leave the engine short of a slot.
func TestEveryExportCopesWithTypesArrowGoCannotFormat(t *testing.T) {
	te := newTestEngine(t, sharedLake(t), Limits{})
	sql := "select i::varint as v, i::uhugeint as u from range(5000) t(i)"
	writers := map[string]func(io.Writer, *Rows) error{"csv": WriteCSV, "xlsx": WriteXLSX, "parquet": WriteParquet, "arrow": WriteArrow}
	for name, write := range writers {
		for range 3 {
			rows, err := te.Query(context.Background(), analyst, Request{SQL: sql})
			if err != nil {
				t.Fatal(err)
			}
			err = write(io.Discard, rows)
			rows.Close()
			if err != nil && name != "parquet" {
				t.Fatalf("%s: %v", name, err)
			}
		}
	}
	if _, err := te.collect(t, analyst, sql); err != nil {
		t.Fatalf("as JSON: %v", err)
	}
	if n := te.InFlight(); n != 0 {
		t.Fatalf("%d queries still hold a slot", n)
	}
}
