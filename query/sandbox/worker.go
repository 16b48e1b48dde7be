package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// worker is the process side: it holds sandboxes by profile and runs one
// request at a time.
type worker struct {
	cfg   Hello
	out   *bufio.Writer
	boxes map[string]*box

	mu      sync.Mutex
	current *running // the request being run, for cancel frames
}

// Serve runs a worker over conn until the server closes it: it reads the
// hello, then answers requests one at a time. A cancel frame interrupts
// the request being run. It returns when conn ends.
func Serve(conn io.ReadWriter) error {
	in := bufio.NewReaderSize(conn, 64<<10)
	kind, payload, err := readFrame(in)
	if err != nil || kind != frameHello {
		return fmt.Errorf("sandbox: no hello: %v", err)
	}
	w := &worker{out: bufio.NewWriterSize(conn, 64<<10), boxes: map[string]*box{}}
	if err := decodeJSON(payload, &w.cfg); err != nil {
		return err
	}
	defer w.closeAll()
	if err := writeFrame(w.out, frameReady, nil); err != nil {
		return err
	}
	requests := make(chan []byte)
	go w.readFrames(in, requests)
	for payload := range requests {
		if err := w.handle(payload); err != nil {
			return err
		}
	}
	return nil
}

// readFrames hands requests to the loop and acts on cancels at once, even
// while a request runs.
func (w *worker) readFrames(in io.Reader, requests chan<- []byte) {
	defer close(requests)
	for {
		kind, payload, err := readFrame(in)
		if err != nil {
			return
		}
		switch kind {
		case frameRequest:
			requests <- payload
		case frameCancel:
			w.mu.Lock()
			if w.current != nil {
				w.current.cancel()
			}
			w.mu.Unlock()
		}
	}
}

// handle answers one request. Only a failure to write to the server is
// returned: everything else is the request's own error, sent back.
func (w *worker) handle(payload []byte) error {
	run := w.begin()
	defer w.finish(run)
	var req Request
	if err := decodeJSON(payload, &req); err != nil {
		return writeJSON(w.out, frameHeader, Header{Error: toWire(err)})
	}
	b, err := w.box(req.Profile, req.Spec)
	if b == nil && err == nil {
		return writeJSON(w.out, frameHeader, Header{NeedProfile: true})
	}
	if err != nil {
		return writeJSON(w.out, frameHeader, Header{Error: toWire(err)})
	}
	c, err := b.take()
	if err != nil {
		return writeJSON(w.out, frameHeader, Header{Error: toWire(err)})
	}
	run.connected(c)
	if run.isCanceled() {
		return writeJSON(w.out, frameHeader, Header{Error: toWire(ErrCanceled)})
	}
	s := &scope{box: b, upstream: map[string][]string{}, params: req.Params}
	err = w.answer(run, s, &req)
	w.finish(run) // no interrupt may reach the connection once it is given back
	b.give(slices.Collect(maps.Keys(s.upstream)))
	return err
}

func (w *worker) answer(run *running, s *scope, req *Request) error {
	h, err := s.check(run.conn, req)
	if err == nil && req.Op == OpDescribe {
		err = s.describe(run.conn, req.SQL, &h)
	}
	if err != nil || req.Op == OpDescribe {
		h.Error = toWire(run.explain(req.SQL, err))
		return writeJSON(w.out, frameHeader, h)
	}
	// From here on an error may quote data (a value that failed a cast),
	// so it says what was read, and whoever keeps it can hide it.
	rows, err := execute(run.conn, req.SQL, req.Params, req.Lenient)
	if err != nil {
		return writeJSON(w.out, frameHeader, Header{Tables: h.Tables, Error: toWire(run.explain(req.SQL, err))})
	}
	defer rows.close()
	// The header waits for the first chunk, so that an error before any
	// row still reaches the caller as an error rather than a cut stream.
	first, ok := rows.fetch()
	if !ok && rows.err != nil {
		return writeJSON(w.out, frameHeader, Header{Tables: h.Tables, Error: toWire(run.explain(req.SQL, rows.err))})
	}
	if err := writeJSON(w.out, frameHeader, h); err != nil {
		if ok {
			duck.DestroyDataChunk(&first)
		}
		return err
	}
	n, err := stream(w.out, rows, first, ok, w.cfg.MaxBatch)
	if errors.Is(err, errWrite) {
		return err
	}
	return writeJSON(w.out, frameEnd, End{Rows: n, Error: toWire(run.explain(req.SQL, err))})
}

// check defines the upstream results and guards the statement, and
// returns the header that reports the lake tables it reads: on an error in
// an upstream result, those read until then, since defining one with
// parameters runs it.
func (s *scope) check(c duck.Connection, req *Request) (Header, error) {
	upRead, err := s.defineUpstream(c, req.Upstream)
	if err != nil {
		return Header{Tables: dedupe(upRead)}, err
	}
	read, err := s.guard(c, req.SQL)
	if err != nil {
		return Header{}, err
	}
	return Header{Tables: dedupe(append(read, upRead...))}, nil
}

// box returns the sandbox of a profile, making it from spec when given.
// Without spec, an unknown profile returns nil and no error.
func (w *worker) box(key string, spec *Profile) (*box, error) {
	if b, ok := w.boxes[key]; ok {
		b.lastUsed = time.Now()
		return b, nil
	}
	if spec == nil || len(key) < 16 {
		return nil, nil
	}
	w.evict()
	b, err := newBox(key, spec, &w.cfg)
	if err != nil {
		return nil, err
	}
	b.lastUsed = time.Now()
	w.boxes[key] = b
	return b, nil
}

// evict closes the least recently used sandboxes beyond the limit, to make
// room for one more.
func (w *worker) evict() {
	if len(w.boxes) < w.cfg.MaxBoxes {
		return
	}
	all := make([]*box, 0, len(w.boxes))
	for _, b := range w.boxes {
		all = append(all, b)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].lastUsed.Before(all[j].lastUsed) })
	for _, b := range all[:len(all)-w.cfg.MaxBoxes+1] {
		delete(w.boxes, b.key)
		b.close()
	}
}

func (w *worker) closeAll() {
	for k, b := range w.boxes {
		b.close()
		delete(w.boxes, k)
	}
	os.RemoveAll(w.cfg.TempDir)
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := []string{}
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
