package query

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/xuri/excelize/v2"
)

// Excel's own limits: rows per sheet (with the header) and characters per
// cell.
const (
	xlsxMaxRows  = 1_048_576
	xlsxMaxChars = 32_767
)

// WriteXLSX writes every remaining row as one worksheet, streamed row by
// row. Numbers stay numbers and dates stay dates, so the sheet can be
// summed and filtered at once. Rows beyond Excel's limit are left out and
// a second sheet says so.
func WriteXLSX(w io.Writer, r *Rows) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Result"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	tsStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	header := make([]any, r.schema.NumFields())
	for i, fl := range r.schema.Fields() {
		header[i] = fl.Name
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row, cut := 1, false
	err = eachBatch(r, func(rec arrow.RecordBatch) error {
		for i := 0; i < int(rec.NumRows()); i++ {
			if row == xlsxMaxRows {
				cut = true
				return nil
			}
			row++
			cells := make([]any, rec.NumCols())
			for c := range cells {
				cells[c] = xlsxValue(rec.Column(c), i, dateStyle, tsStyle)
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if cut {
		f.NewSheet("Note")
		f.SetCellValue("Note", "A1", fmt.Sprintf("Excel holds at most %d rows; the result had more. Download CSV or Parquet for every row.", xlsxMaxRows-1))
	}
	_, err = f.WriteTo(w)
	return err
}

func xlsxValue(col arrow.Array, i int, dateStyle, tsStyle int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Int32, *array.Int16, *array.Int8, *array.Uint64, *array.Uint32, *array.Uint16, *array.Uint8, *array.Boolean:
		return a.GetOneForMarshal(i)
	case *array.Date32:
		return excelize.Cell{StyleID: dateStyle, Value: a.Value(i).ToTime()}
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return excelize.Cell{StyleID: tsStyle, Value: a.Value(i).ToTime(unit).UTC().Truncate(time.Millisecond)}
	}
	s := csvValue(col, i)
	if len(s) > xlsxMaxChars {
		s = s[:xlsxMaxChars]
	}
	return strings.ToValidUTF8(s, "")
}
