package sandbox

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pier-analytics/pier"
)

// recordBytes is the size of a batch's buffers.
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += dataBytes(c.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}

// checkRows refuses a batch with a row larger than one message may be.
func checkRows(rec arrow.RecordBatch) error {
	for i := 0; i < int(rec.NumRows()); i++ {
		var n int64
		for _, c := range rec.Columns() {
			n += valueBytes(c, i)
		}
		if n > MaxMessage {
			return pier.Errorf(pier.ESQL, "A row of the result is larger than Pier sends (%d MB). Select fewer or shorter columns, for example with left(column, 1000).", MaxMessage>>20)
		}
	}
	return nil
}

// valueBytes is about the size of value i of col: the bytes of a string or
// binary value, its elements' for a list, its fields' for a struct.
func valueBytes(col arrow.Array, i int) int64 {
	switch a := col.(type) {
	case *array.String:
		return int64(a.ValueLen(i))
	case *array.LargeString:
		return int64(a.ValueLen(i))
	case *array.Binary:
		return int64(a.ValueLen(i))
	case *array.LargeBinary:
		return int64(a.ValueLen(i))
	case *array.StringView:
		return int64(len(a.Value(i)))
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		var n int64
		for j := start; j < end; j++ {
			n += valueBytes(a.ListValues(), int(j))
		}
		return n
	case *array.Struct:
		var n int64
		for f := 0; f < a.NumField(); f++ {
			n += valueBytes(a.Field(f), i)
		}
		return n
	}
	return 16
}
