package sandbox

import (
	"bufio"
	"errors"
	"sync"

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
// if hasFirst. A stream that ends early lacks the IPC end marker, so that
// a reader passed it whole cannot take it for a complete result. It
// returns the rows sent and what ended the stream early, if anything.
func stream(out *bufio.Writer, r *rows, first duck.DataChunk, hasFirst bool, maxBatch int64) (int64, error) {
	fw := &frameWriter{out: out}
	iw := ipc.NewWriter(fw, ipc.WithSchema(r.schema))
	st := newStopper()
	chunks := make(chan duck.DataChunk, prefetch)
	recs := make(chan arrow.RecordBatch, prefetch)
	fetched := make(chan struct{})
	if hasFirst {
		chunks <- first
	}
	go fetchChunks(r, chunks, st, fetched)
	convErr := make(chan error, 1)
	go func() { convErr <- convertChunks(r, chunks, recs, st) }()
	var sent int64
	var err error
	for rec := range recs {
		if err == nil {
			if err = writeSplit(iw, rec, maxBatch); err == nil && len(recs) == 0 {
				err = fw.flush()
			}
			if err != nil {
				st.stop()
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
	if err == nil {
		err = iw.Close()
	}
	if fw.err != nil || fw.flush() != nil {
		return sent, errWrite
	}
	return sent, err
}

// stopper tells the stages to stop, once, whichever asks first.
type stopper struct {
	ch   chan struct{}
	once sync.Once
}

func newStopper() *stopper { return &stopper{ch: make(chan struct{})} }

func (s *stopper) stop() { s.once.Do(func() { close(s.ch) }) }

// writeSplit writes rec in as many parts as keep each near maxBatch bytes
// (rows being of equal size, as far as it knows), each part at least one
// row. A row larger than MaxMessage is refused: the server would have to
// take it whole.
func writeSplit(iw *ipc.Writer, rec arrow.RecordBatch, maxBatch int64) error {
	rows := rec.NumRows()
	size := recordBytes(rec)
	if size > MaxMessage {
		if err := checkRows(rec); err != nil {
			return err
		}
	}
	parts := min(rows, (size+maxBatch-1)/maxBatch)
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

func fetchChunks(r *rows, out chan<- duck.DataChunk, st *stopper, done chan<- struct{}) {
	defer close(done)
	defer close(out)
	for {
		chunk, ok := r.fetch()
		if !ok {
			return
		}
		select {
		case out <- chunk:
		case <-st.ch:
			duck.DestroyDataChunk(&chunk)
			return
		}
	}
}

func convertChunks(r *rows, in <-chan duck.DataChunk, out chan<- arrow.RecordBatch, st *stopper) error {
	defer close(out)
	for chunk := range in {
		rec, err := r.convert(chunk)
		if err != nil {
			st.stop()
			drain(in)
			return err
		}
		select {
		case out <- rec:
		case <-st.ch:
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

// frameWriter cuts what the IPC writer writes into data frames. err is
// its first failure to write, which ends the worker.
type frameWriter struct {
	out *bufio.Writer
	buf []byte
	err error
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
	if f.err != nil || len(f.buf) == 0 {
		return f.err
	}
	f.err = writeFrame(f.out, frameData, f.buf)
	f.buf = f.buf[:0]
	return f.err
}
