package sandbox

import (
	"bufio"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	duck "github.com/duckdb/duckdb-go-bindings"
)

// errWrite marks a failure to write to the server, which ends the worker.
var errWrite = errors.New("sandbox: writing to the server failed")

// prefetch is how many chunks and batches each stage may run ahead.
const prefetch = 4

// stream writes every row of r to out as an Arrow IPC stream in data
// frames. It flushes whenever the next batch is not ready yet, so the
// server sees rows as they come, and otherwise fills whole frames.
// Three stages run at once: one goroutine fetches chunks from DuckDB,
// another converts them to Arrow, and this one encodes and writes, so the
// engine, the conversion and the socket overlap. Batches larger than
// maxBatch bytes are cut into smaller ones, so the server never has to
// take one huge message. first is the chunk the caller fetched already,
// if hasFirst. It returns the rows sent and what ended the stream early,
// if anything.
func stream(out *bufio.Writer, r *rows, first duck.DataChunk, hasFirst bool, maxBatch int64) (int64, error) {
	fw := &frameWriter{out: out}
	iw := ipc.NewWriter(fw, ipc.WithSchema(r.schema))
	stop := make(chan struct{})
	chunks := make(chan duck.DataChunk, prefetch)
	recs := make(chan arrow.RecordBatch, prefetch)
	fetched := make(chan struct{})
	if hasFirst {
		chunks <- first
	}
	go fetchChunks(r, chunks, stop, fetched)
	convErr := make(chan error, 1)
	go func() { convErr <- convertChunks(r, chunks, recs, stop) }()
	var sent int64
	var err error
	for rec := range recs {
		if err == nil {
			if err = writeSplit(iw, rec, maxBatch); err == nil && len(recs) == 0 {
				err = fw.flush()
			}
			if err != nil {
				err = errWrite
				close(stop)
			} else {
				sent += rec.NumRows()
			}
		}
		rec.Release()
	}
	<-fetched
	if cerr := <-convErr; err == nil {
		err = cerr
	}
	if err == nil {
		err = r.err
	}
	if cerr := iw.Close(); cerr != nil || fw.flush() != nil {
		return sent, errWrite
	}
	return sent, err
}

// writeSplit writes rec in as many parts as keep each near maxBatch bytes
// (rows being of equal size, as far as it knows), each part at least one
// row.
func writeSplit(iw *ipc.Writer, rec arrow.RecordBatch, maxBatch int64) error {
	rows := rec.NumRows()
	parts := min(rows, (recordBytes(rec)+maxBatch-1)/maxBatch)
	if parts <= 1 {
		return iw.Write(rec)
	}
	for k := range parts {
		part := rec.NewSlice(rows*k/parts, rows*(k+1)/parts)
		err := iw.Write(part)
		part.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

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

func fetchChunks(r *rows, out chan<- duck.DataChunk, stop <-chan struct{}, done chan<- struct{}) {
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

func convertChunks(r *rows, in <-chan duck.DataChunk, out chan<- arrow.RecordBatch, stop <-chan struct{}) error {
	defer close(out)
	for chunk := range in {
		rec, err := r.convert(chunk)
		if err != nil {
			drain(in)
			return err
		}
		select {
		case out <- rec:
		case <-stop:
			rec.Release()
			drain(in)
			return nil
		}
	}
	return nil
}

// drain frees chunks that will not be converted.
func drain(in <-chan duck.DataChunk) {
	for chunk := range in {
		duck.DestroyDataChunk(&chunk)
	}
}

// frameWriter cuts what the IPC writer writes into data frames.
type frameWriter struct {
	out *bufio.Writer
	buf []byte
}

func (f *frameWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		room := dataFrame - len(f.buf)
		take := min(room, len(p))
		f.buf = append(f.buf, p[:take]...)
		p = p[take:]
		if len(f.buf) == dataFrame {
			if err := f.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (f *frameWriter) flush() error {
	if len(f.buf) == 0 {
		return nil
	}
	err := writeFrame(f.out, frameData, f.buf)
	f.buf = f.buf[:0]
	return err
}
