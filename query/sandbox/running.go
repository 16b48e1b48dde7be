package sandbox

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// running is the request a worker is running, which a cancel frame
// interrupts. It exists from the moment the request is read, so that a
// cancel that comes while the sandbox is still being made is not lost.
type running struct {
	conn     duck.Connection
	once     sync.Once
	finished sync.Once
	canceled chan struct{}
	done     chan struct{}
	stopped  chan struct{}
}

func (w *worker) begin() *running {
	r := &running{canceled: make(chan struct{}), done: make(chan struct{}), stopped: make(chan struct{})}
	w.mu.Lock()
	w.current = r
	w.mu.Unlock()
	return r
}

// connected starts interrupting c on a cancel, from now on.
func (r *running) connected(c duck.Connection) {
	r.conn = c
	go r.interrupter()
}

// finish ends the request; calling it again does nothing.
func (w *worker) finish(r *running) {
	w.mu.Lock()
	if w.current == r {
		w.current = nil
	}
	w.mu.Unlock()
	r.finished.Do(func() {
		close(r.done)
		if r.conn.Ptr != nil {
			<-r.stopped
		}
	})
}

func (r *running) cancel() { r.once.Do(func() { close(r.canceled) }) }

func (r *running) isCanceled() bool {
	select {
	case <-r.canceled:
		return true
	default:
		return false
	}
}

// interrupter interrupts the connection once the request is cancelled.
// DuckDB clears a pending interrupt when a statement starts, so one that
// lands between statements (the guard runs several) would be lost; the
// interrupt is therefore repeated until the request ends.
func (r *running) interrupter() {
	defer close(r.stopped)
	select {
	case <-r.canceled:
	case <-r.done:
		return
	}
	tick := time.NewTicker(interruptEvery)
	defer tick.Stop()
	for {
		duck.Interrupt(r.conn)
		select {
		case <-tick.C:
		case <-r.done:
			return
		}
	}
}

// interruptEvery is how often a cancelled request is interrupted again.
const interruptEvery = 20 * time.Millisecond

// explain turns what ended a request into the error the server is told:
// the cancel it asked for, a message in words about the SQL, or an
// internal fault (whose text only reaches the log).
func (r *running) explain(sql string, err error) error {
	var u *unchecked
	switch {
	case err == nil:
		return nil
	case r.isCanceled():
		return ErrCanceled
	case errors.As(err, &u):
		fmt.Fprintf(os.Stderr, "sandbox: refused a query whose plan could not be checked: %s\n", u.reason)
		return u.public()
	}
	return sqlError(sql, err)
}
