package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pier-analytics/pier"
)

// envWorker marks a process started as a worker.
const envWorker = "PIER_SANDBOX_WORKER"

// RunIfWorker serves as a worker and exits when this process was started as
// one; otherwise it returns at once. The pier command calls it first thing,
// and so must TestMain in every test binary that starts a query engine,
// since workers are this same executable started again.
func RunIfWorker() {
	if os.Getenv(envWorker) != "1" {
		return
	}
	f := os.NewFile(3, "pier-sandbox")
	conn, err := net.FileConn(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox worker:", err)
		os.Exit(2)
	}
	f.Close()
	go exitWithParent(os.Getppid())
	if err := Serve(conn); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, errWrite) {
		fmt.Fprintln(os.Stderr, "sandbox worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// socketBuffer is the socket pair's buffer each way: a few data frames, so
// the worker writes a frame without waiting for the server to read the last.
const socketBuffer = 4 << 20

// exitWithParent ends the worker when the server that started it is gone,
// even while DuckDB is busy: the closed socket would tell the worker only
// once it next reads. (Pdeathsig would tie the worker to the thread that
// started it, which the Go runtime may end.)
func exitWithParent(ppid int) {
	for range time.Tick(250 * time.Millisecond) {
		if os.Getppid() != ppid {
			os.Exit(3)
		}
	}
}

// startTimeout bounds how long a new worker may take to say it is ready.
const startTimeout = 30 * time.Second

// Process is a worker process, as the server drives it: one request at a
// time, which another goroutine may cancel, or the process killed.
type Process struct {
	cmd    *exec.Cmd
	conn   net.Conn
	in     *bufio.Reader
	wmu    sync.Mutex
	out    *bufio.Writer
	exited chan struct{}
	busy   atomic.Bool // a request is out and its answer not yet read in full

	mu     sync.Mutex
	reason string // why it was killed, if it was
}

// Start starts a worker: this executable again, with one end of a socket
// pair as its file descriptor 3. What the worker writes to its standard
// error goes to logs.
func Start(hello Hello, logs io.Writer) (*Process, error) {
	if os.Getenv(envWorker) != "" {
		return nil, errors.New("sandbox: a worker cannot start workers (is sandbox.RunIfWorker called first in main and TestMain?)")
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("sandbox: socket pair: %w", err)
	}
	for _, fd := range fds {
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_SNDBUF, socketBuffer)
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, socketBuffer)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "pier-sandbox"), os.NewFile(uintptr(fds[1]), "pier-sandbox-worker")
	defer theirs.Close()
	conn, err := net.FileConn(ours)
	ours.Close()
	if err != nil {
		return nil, err
	}
	// -test.run keeps a test binary that lacks the RunIfWorker hook from
	// running its tests again; the pier command never reads its arguments
	// as a worker.
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envWorker+"=1")
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sandbox: start worker: %w", err)
	}
	p := &Process{cmd: cmd, conn: conn, in: bufio.NewReaderSize(conn, 256<<10), out: bufio.NewWriterSize(conn, 64<<10), exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		conn.Close()
		close(p.exited)
	}()
	if err := p.handshake(hello); err != nil {
		p.Kill("start")
		return nil, err
	}
	return p, nil
}

func (p *Process) handshake(hello Hello) error {
	if err := p.send(frameHello, hello); err != nil {
		return err
	}
	p.conn.SetReadDeadline(time.Now().Add(startTimeout))
	defer p.conn.SetReadDeadline(time.Time{})
	kind, _, err := readFrame(p.in)
	if err != nil || kind != frameReady {
		return fmt.Errorf("sandbox: the worker did not start: %v", err)
	}
	return nil
}

func (p *Process) send(kind byte, v any) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if v == nil {
		return writeFrame(p.out, kind, nil)
	}
	return writeJSON(p.out, kind, v)
}

// Cancel asks the worker to stop the request it runs, if any; a query's
// stream then ends soon with ErrCanceled.
func (p *Process) Cancel() error { return p.send(frameCancel, nil) }

// Pid returns the worker's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited is closed when the worker process has ended.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Kill ends the worker at once, noting why; the first reason given stays.
func (p *Process) Kill(reason string) {
	p.mu.Lock()
	if p.reason == "" {
		p.reason = reason
	}
	p.mu.Unlock()
	p.cmd.Process.Kill()
}

// Busy reports whether the worker owes an answer: a request was sent and
// its header, or its stream's end, has not been read yet.
func (p *Process) Busy() bool { return p.busy.Load() }

// Lost reports whether the worker was killed or has ended.
func (p *Process) Lost() bool {
	select {
	case <-p.exited:
		return true
	default:
		return p.KillReason() != ""
	}
}

// KillReason says why the server killed the worker, or "".
func (p *Process) KillReason() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reason
}

// Close asks the worker to end (by closing its socket) and waits for it,
// killing it if it does not end soon.
func (p *Process) Close() {
	p.conn.Close()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.Kill("close")
		<-p.exited
	}
}

// RSS returns the worker's resident memory in bytes.
func (p *Process) RSS() (int64, error) { return residentBytes(p.Pid()) }

// Call sends req and reads the header of the answer. A header that asks
// for the profile means the worker does not hold its sandbox: send req
// again with Spec. For a query without an error in the header, read the
// result from the returned Call.
func (p *Process) Call(req *Request) (*Header, *Call, error) {
	p.busy.Store(true)
	if err := p.send(frameRequest, req); errors.Is(err, errFrameTooLarge) {
		p.busy.Store(false)
		return nil, nil, pier.Errorf(pier.ETooLarge, "The query and the earlier cells it reads are larger together than Pier takes (%d MB).", maxFrame>>20)
	} else if err != nil {
		return nil, nil, p.broken(err)
	}
	kind, payload, err := readFrame(p.in)
	if err != nil {
		return nil, nil, p.broken(err)
	}
	if kind != frameHeader {
		return nil, nil, p.broken(fmt.Errorf("sandbox: expected a header, got frame %q", kind))
	}
	var h Header
	if err := decodeJSON(payload, &h); err != nil {
		return nil, nil, p.broken(err)
	}
	if h.Error != nil || h.NeedProfile || req.Op != OpQuery {
		p.busy.Store(false)
		return &h, nil, nil
	}
	return &h, &Call{p: p, limit: MaxMessage}, nil
}

// broken is a failure to talk to the worker; it kills the worker, whose
// state is no longer known. A worker that died of a SIGKILL nobody here
// sent was most likely ended by the kernel for want of memory.
func (p *Process) broken(err error) error {
	select {
	case <-p.exited:
	case <-time.After(200 * time.Millisecond):
	}
	if st := p.cmd.ProcessState; st != nil && p.KillReason() == "" {
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			p.Kill(LostMemory)
		}
	}
	p.Kill("broken")
	return &Broken{Reason: p.KillReason(), Err: err}
}

// LostMemory is the kill reason of a worker stopped for its memory, by
// the server's watchdog or, most likely, by the kernel.
const LostMemory = "memory"

// Broken is the error of a request whose worker died or stopped answering;
// Reason is why it was killed ("memory", "deadline", …), if that is known.
type Broken struct {
	Reason string
	Err    error
}

func (b *Broken) Error() string { return fmt.Sprintf("sandbox: worker lost (%s): %v", b.Reason, b.Err) }

func (b *Broken) Unwrap() error { return b.Err }
