package sandbox

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Call is a query's result as it comes from the worker: the Arrow IPC
// stream, read through Read, then the end frame.
type Call struct {
	p     *Process
	data  []byte // the unread part of the current data frame
	buf   []byte // the data frames' buffer, reused
	end   *End
	err   error
	limit int64 // bytes Read may still return before Reset
}

// Read returns the Arrow IPC stream's bytes; io.EOF after the last one.
// Past the limit that SetLimit set, it fails, so that one oversized
// message cannot take the server's memory.
func (c *Call) Read(b []byte) (int, error) {
	for len(c.data) == 0 {
		if c.end != nil || c.err != nil {
			if c.err != nil {
				return 0, c.err
			}
			return 0, io.EOF
		}
		c.next()
	}
	if c.limit <= 0 {
		return 0, ErrTooBig
	}
	n := copy(b, c.data[:min(int64(len(c.data)), c.limit)])
	c.data = c.data[n:]
	c.limit -= int64(n)
	return n, nil
}

// ErrTooBig is the error of a result with one batch over the limit.
var ErrTooBig = fmt.Errorf("sandbox: a batch of the result is too large")

// MaxMessage is the most bytes one message of a result may take unless
// SetLimit says otherwise.
const MaxMessage = 64 << 20

// SetLimit lets Read return at most n more bytes; the reader calls it
// before each batch.
func (c *Call) SetLimit(n int64) { c.limit = n }

// next reads one frame: data, or the end.
func (c *Call) next() {
	kind, payload, err := readFrameInto(c.p.in, c.buf)
	switch {
	case err != nil:
		c.err = c.p.broken(err)
	case kind == frameData:
		c.buf, c.data = payload, payload
	case kind == frameEnd:
		var e End
		if err := decodeJSON(payload, &e); err != nil {
			c.err = c.p.broken(err)
			return
		}
		c.end = &e
		c.p.busy.Store(false)
	default:
		c.err = c.p.broken(fmt.Errorf("sandbox: unexpected frame %q", kind))
	}
}

// WriteTo copies the rest of the Arrow IPC stream to w as it comes, frame
// by frame, and stops at its end; Finish then returns the end.
func (c *Call) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for {
		if len(c.data) > 0 {
			m, err := w.Write(c.data)
			n += int64(m)
			c.data = nil
			if err != nil {
				return n, err
			}
		}
		if c.end != nil || c.err != nil {
			return n, c.err
		}
		c.next()
	}
}

// Finish reads and drops what is left of the stream and returns its end:
// the rows the worker sent and the error that ended it, if any. Call
// Cancel first to stop a query early; the worker then ends soon.
func (c *Call) Finish() (*End, error) {
	for c.end == nil && c.err == nil {
		c.data = nil
		c.next()
	}
	return c.end, c.err
}

// residentBytes reads a process's resident set size from /proc.
func residentBytes(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0, fmt.Errorf("sandbox: statm: %q", b)
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * int64(os.Getpagesize()), nil
}
