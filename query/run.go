package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pier-analytics/pier/query/sandbox"
)

// run is one query's hold on engine resources: a slot, a worker and a
// watch on its deadline.
type run struct {
	e           *Engine
	releaseSlot func()
	cancel      context.CancelFunc
	w           *worker
	call        *sandbox.Call // the result stream, for a query that started
	inStep      bool          // the worker answered in full and waits for the next request
	stopWatch   chan struct{}
	watchDone   chan struct{}
	once        sync.Once
}

// open sends the query to a worker and returns its result stream, once
// the worker has guarded it and said what it reads.
func (r *run) open(ctx context.Context, p Principal, req Request, entry *LogEntry) (*Rows, error) {
	h, err := r.ask(ctx, p, sandbox.Request{Op: sandbox.OpQuery, SQL: req.SQL, Params: req.Params,
		Upstream: req.Upstream, Lenient: req.LenientParams}, entry)
	if err != nil {
		return nil, err
	}
	return &Rows{call: r.call, tables: h.Tables, rawPII: entry.PIIAudit}, nil
}

// ask sends req for p's profile to a worker and returns its header. The
// tables it says were read go into entry, also with an error, whose text
// may quote them. A query's stream is left in r.call.
func (r *run) ask(ctx context.Context, p Principal, req sandbox.Request, entry *LogEntry) (*sandbox.Header, error) {
	visible, err := r.e.Visible(ctx, p)
	if err != nil {
		return nil, err
	}
	prof := newProfile(visible)
	if r.w, err = r.e.pool.acquire(ctx, prof.key); err != nil {
		return nil, err
	}
	r.watch(ctx)
	req.Profile = prof.key
	h, call, err := r.w.call(ctx, &req, prof, r.e.lim.MaxSandboxes)
	if err != nil {
		return nil, err
	}
	r.call, r.inStep = call, call == nil
	entry.Tables, entry.PIIAudit = h.Tables, readsRawPII(visible, h.Tables)
	if h.Error != nil {
		return h, &ReadError{Err: h.Error.Err(), Tables: h.Tables, RawPII: entry.PIIAudit}
	}
	return h, nil
}

// call sends req, and sends it again with the profile's sandbox spelled
// out if the worker does not hold it. Nothing is sent once ctx has ended.
func (w *worker) call(ctx context.Context, req *sandbox.Request, prof *profile, boxes int) (*sandbox.Header, *sandbox.Call, error) {
	for try := 0; try < 2; try++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if try > 0 || !w.holds(prof.key) {
			req.Spec = prof.spec()
		}
		h, c, err := w.proc.Call(req)
		if err != nil || !h.NeedProfile {
			if err == nil && h.Error == nil {
				w.hold(prof.key, boxes)
			}
			return h, c, err
		}
	}
	return nil, nil, fmt.Errorf("query: the worker would not take the profile's sandbox")
}

// hold notes that the worker holds a profile's sandbox, as the worker
// itself keeps them: the most recent few.
func (w *worker) hold(key string, boxes int) {
	w.profiles = slices.DeleteFunc(w.profiles, func(k string) bool { return k == key })
	w.profiles = slices.Insert(w.profiles, 0, key)
	w.profiles = w.profiles[:min(len(w.profiles), boxes)]
}

// watch stops the query when ctx ends, on its deadline, on cancellation or
// when the client goes away: it asks the worker to stop, and kills the
// worker if it has not stopped within the grace period. DuckDB cannot be
// interrupted everywhere (planning, some scalar functions), so the kill is
// what makes the deadline hold.
func (r *run) watch(ctx context.Context) {
	r.stopWatch, r.watchDone = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(r.watchDone)
		select {
		case <-ctx.Done():
		case <-r.stopWatch:
			return
		}
		r.w.proc.Cancel()
		reason := killStuck
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			reason = killDeadline
		}
		select {
		case <-time.After(r.e.lim.Grace):
			// A worker that has answered in full is in step, however long
			// the caller then takes over the answer.
			if r.w.proc.Busy() {
				r.w.proc.Kill(reason)
			}
		case <-r.stopWatch:
		}
	}()
}

// finish gives back what the query held. ended says whether its stream was
// read to the end; if not, the worker is told to stop and what it still
// sends is dropped, so it is in step for the next query.
func (r *run) finish(ended bool) {
	r.once.Do(func() {
		if r.w != nil {
			healthy := r.settle(ended)
			close(r.stopWatch)
			<-r.watchDone
			r.e.pool.release(r.w, healthy)
		}
		r.cancel()
		r.releaseSlot()
		r.e.inflight.Add(-1)
	})
}

func (r *run) settle(ended bool) bool {
	if r.call == nil {
		return r.inStep
	}
	if ended {
		return true
	}
	r.w.proc.Cancel()
	timer := time.AfterFunc(r.e.lim.Grace, func() { r.w.proc.Kill(killStuck) })
	_, err := r.call.Finish()
	return timer.Stop() && err == nil
}
