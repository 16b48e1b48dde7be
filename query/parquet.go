package query

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetRowGroup bounds what the writer buffers before a row group goes
// out, and so the memory an export takes.
const parquetRowGroup = 122_880

// WriteParquet writes every remaining row as a Parquet file (zstd), one row
// group at a time as the engine produces them.
func WriteParquet(w io.Writer, r *Rows) error {
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithMaxRowGroupLength(parquetRowGroup))
	fw, err := pqarrow.NewFileWriter(r.Schema(), nopCloser{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return err
	}
	err = eachBatch(r, func(rec arrow.RecordBatch) error { return fw.WriteBuffered(rec) })
	if cerr := fw.Close(); err == nil {
		err = cerr
	}
	return err
}

// nopCloser keeps the Parquet writer from closing the response.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
