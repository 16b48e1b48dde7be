package sandbox

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pier-analytics/pier"
)

// The server and a worker talk over one socket in frames: a kind byte, a
// big-endian length and that many bytes. The server sends a hello, then
// one request at a time, and may send a cancel while a request runs. The
// worker answers each request with a header, then (for a query) the result
// as an Arrow IPC stream cut into data frames, and an end frame.
const (
	frameHello   byte = 'W'
	frameReady   byte = 'R'
	frameRequest byte = 'Q'
	frameCancel  byte = 'C'
	frameHeader  byte = 'H'
	frameData    byte = 'D'
	frameEnd     byte = 'E'
)

// maxFrame bounds any one frame, so a confused peer cannot make the other
// allocate without limit. Data frames are far smaller (dataFrame).
const maxFrame = 64 << 20

// dataFrame is how many bytes of the Arrow stream go in one data frame.
const dataFrame = 256 << 10

// Hello configures a worker; it is the first frame the server sends.
type Hello struct {
	PIIKey      []byte // keys the hash of hidden PII; it never enters DuckDB
	Threads     int
	MemoryLimit string // DuckDB's memory_limit per sandbox
	TempDirSize string
	TempDir     string // this worker's spill space; removed when it ends
	MaxBoxes    int    // sandboxes a worker keeps open
	MaxBatch    int64  // bytes of one Arrow batch; larger ones are split
}

// Op says what a request asks.
type Op string

// The operations a worker performs.
const (
	OpQuery    Op = "query"    // run and stream the result
	OpDescribe Op = "describe" // check, and say what it would return and read
)

// Request is one statement for a worker to check and run in the sandbox of
// a profile. Spec is sent when the server does not know the worker to hold
// that sandbox already.
type Request struct {
	Op       Op             `json:"op"`
	Profile  string         `json:"profile"`
	Spec     *Profile       `json:"spec,omitempty"`
	SQL      string         `json:"sql"`
	Params   map[string]any `json:"params,omitempty"`
	Upstream []Upstream     `json:"upstream,omitempty"`
	Lenient  bool           `json:"lenient,omitempty"`
}

// Header is a worker's first answer to a request.
type Header struct {
	NeedProfile bool       `json:"need_profile,omitempty"` // send the request again with Spec
	Error       *WireError `json:"error,omitempty"`
	Tables      []string   `json:"tables,omitempty"` // the lake tables the bound plan reads
	Columns     []Column   `json:"columns,omitempty"`
	Params      []string   `json:"params,omitempty"`
}

// End closes a query's stream.
type End struct {
	Error *WireError `json:"error,omitempty"`
	Rows  int64      `json:"rows"`
}

// Column names and types one column of a result.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// WireError carries an error across the socket: a *pier.Error whole, or
// an internal fault whose text is only for the log.
type WireError struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Source   string `json:"source,omitempty"`
	Canceled bool   `json:"canceled,omitempty"`
}

// ErrCanceled is what a query stopped by a cancel frame ends with.
var ErrCanceled = errors.New("sandbox: query cancelled")

func toWire(err error) *WireError {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrCanceled) {
		return &WireError{Code: pier.EInternal, Message: err.Error(), Canceled: true}
	}
	var pe *pier.Error
	if errors.As(err, &pe) {
		return &WireError{Code: pe.Code, Message: pe.Message, Line: pe.Line, Column: pe.Column, Source: pe.Source}
	}
	return &WireError{Code: pier.EInternal, Message: err.Error()}
}

// Err turns a WireError back into the error it was.
func (w *WireError) Err() error {
	switch {
	case w == nil:
		return nil
	case w.Canceled:
		return ErrCanceled
	case w.Code == pier.EInternal:
		return fmt.Errorf("sandbox worker: %s", w.Message)
	}
	return &pier.Error{Code: w.Code, Message: w.Message, Line: w.Line, Column: w.Column, Source: w.Source}
}

// writeFrame writes one frame and flushes it.
func writeFrame(w *bufio.Writer, kind byte, payload []byte) error {
	var head [5]byte
	head[0] = kind
	binary.BigEndian.PutUint32(head[1:], uint32(len(payload)))
	if _, err := w.Write(head[:]); err != nil {
		return err
	}
	if _, err := w.Write(payload); err != nil {
		return err
	}
	return w.Flush()
}

func writeJSON(w *bufio.Writer, kind byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) > maxFrame {
		return errFrameTooLarge
	}
	return writeFrame(w, kind, b)
}

// errFrameTooLarge is a message over maxFrame, which is not sent.
var errFrameTooLarge = errors.New("sandbox: the message is too large to send")

// readFrame reads one frame. The payload is freshly allocated.
func readFrame(r io.Reader) (byte, []byte, error) {
	return readFrameInto(r, nil)
}

// readFrameInto reads one frame into buf when it is large enough, so that
// a stream of data frames reuses one buffer.
func readFrameInto(r io.Reader, buf []byte) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("sandbox: a frame of %d bytes is over the limit", n)
	}
	if uint32(cap(buf)) < n {
		buf = make([]byte, n)
	}
	payload := buf[:n]
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return head[0], payload, nil
}

// decodeJSON reads a JSON payload, keeping numbers exact as json.Number so
// parameters bind as they were sent.
func decodeJSON(payload []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	return dec.Decode(v)
}
