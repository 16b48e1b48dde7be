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
	b := NewWorkbook()
	defer b.Close()
	if err := b.AddSheet("Result", r); err != nil {
		return err
	}
	return b.Write(w)
}

// Workbook is an Excel file of one sheet per result.
type Workbook struct {
	f                  *excelize.File
	names              map[string]bool
	dateStyle, tsStyle int
}

// NewWorkbook starts an empty workbook; Close releases it.
func NewWorkbook() *Workbook {
	f := excelize.NewFile()
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	tsStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	return &Workbook{f: f, names: map[string]bool{}, dateStyle: dateStyle, tsStyle: tsStyle}
}

// Close releases the workbook's temporary files.
func (b *Workbook) Close() error { return b.f.Close() }

// sheet adds a sheet named as close to name as Excel allows: at most 31
// characters, none of []:*?/\, and unlike the others.
func (b *Workbook) sheet(name string) (string, error) {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = "Sheet"
	}
	base := []rune(name)
	for n := 2; ; n++ {
		if len([]rune(name)) > 31 {
			name = string([]rune(name)[:31])
		}
		if !b.names[strings.ToLower(name)] {
			break
		}
		suffix := fmt.Sprintf(" (%d)", n)
		name = string(base[:min(len(base), 31-len(suffix))]) + suffix
	}
	b.names[strings.ToLower(name)] = true
	if len(b.names) == 1 {
		return name, b.f.SetSheetName("Sheet1", name)
	}
	_, err := b.f.NewSheet(name)
	return name, err
}

// AddNote adds a sheet holding one sentence, such as why a result is
// missing.
func (b *Workbook) AddNote(name, text string) error {
	sheet, err := b.sheet(name)
	if err != nil {
		return err
	}
	return b.f.SetCellValue(sheet, "A1", text)
}

// AddSheet writes every remaining row of r into a new sheet.
func (b *Workbook) AddSheet(name string, r *Rows) error {
	sheet, err := b.sheet(name)
	if err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := make([]any, r.Schema().NumFields())
	for i, fl := range r.Schema().Fields() {
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
				cells[c] = xlsxValue(rec.Column(c), i, b.dateStyle, b.tsStyle)
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
		return b.AddNote("Note", fmt.Sprintf("Excel holds at most %d rows; %s had more. Download CSV or Parquet for every row.", xlsxMaxRows-1, sheet))
	}
	return nil
}

// Write writes the workbook.
func (b *Workbook) Write(w io.Writer) error {
	_, err := b.f.WriteTo(w)
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
