package query

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query/sandbox"
)

// pool keeps the worker processes that run queries, one query per worker
// at a time, at most one worker per slot. A worker that dies or is killed
// is forgotten and a fresh one started when next needed. A watchdog kills
// any worker whose memory passes the ceiling, so a runaway query costs its
// own worker, never the server or another user's query.
type pool struct {
	hello   sandbox.Hello
	max     int
	ceiling int64
	tmpRoot string
	log     *slog.Logger
	started atomic.Int64 // workers started, for their temp directories

	mu      sync.Mutex
	idle    []*worker
	busy    map[*worker]bool
	alive   int           // idle, busy and starting
	changed chan struct{} // closed and replaced when a worker is freed
	closed  bool
	stop    chan struct{}
	wg      sync.WaitGroup
}

// worker is one worker process with the profiles whose sandboxes it holds,
// as far as the server knows.
type worker struct {
	proc     *sandbox.Process
	profiles map[string]bool
	tmp      string
	lastUsed time.Time
}

func newPool(lim Limits, key []byte, tmpRoot string, log *slog.Logger) *pool {
	p := &pool{
		hello: sandbox.Hello{PIIKey: key, Threads: lim.Threads, MemoryLimit: lim.MemoryLimit,
			TempDirSize: lim.TempDirSize, MaxBoxes: lim.MaxSandboxes, MaxBatch: 8 << 20},
		max: lim.Slots, ceiling: lim.WorkerMemory, tmpRoot: tmpRoot, log: log,
		busy: map[*worker]bool{}, changed: make(chan struct{}), stop: make(chan struct{}),
	}
	p.wg.Add(1)
	go p.watch()
	return p
}

// acquire returns an idle worker, preferring one that holds the profile's
// sandbox, or starts one; it waits when every worker is busy.
func (p *pool) acquire(ctx context.Context, profile string) (*worker, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, pier.Errorf(pier.EUnavailable, "Pier is shutting down. Try again in a moment.")
		}
		if w := p.takeIdle(profile); w != nil {
			p.busy[w] = true
			p.mu.Unlock()
			return w, nil
		}
		if p.alive < p.max {
			p.alive++
			p.mu.Unlock()
			return p.startWorker()
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// takeIdle removes and returns the best idle worker: one holding the
// profile, else the most recently used. Workers that died while idle are
// dropped on the way. Called with p.mu held.
func (p *pool) takeIdle(profile string) *worker {
	best := -1
	live := p.idle[:0]
	for _, w := range p.idle {
		if exited(w) {
			p.alive--
			go p.end(w)
			continue
		}
		live = append(live, w)
		i := len(live) - 1
		if best < 0 || !live[best].profiles[profile] && (w.profiles[profile] || w.lastUsed.After(live[best].lastUsed)) {
			best = i
		}
	}
	p.idle = live
	if best < 0 {
		return nil
	}
	w := p.idle[best]
	p.idle = append(p.idle[:best], p.idle[best+1:]...)
	return w
}

func exited(w *worker) bool {
	select {
	case <-w.proc.Exited():
		return true
	default:
		return false
	}
}

func (p *pool) startWorker() (*worker, error) {
	hello := p.hello
	hello.TempDir = filepath.Join(p.tmpRoot, fmt.Sprintf("w%d", p.started.Add(1)))
	proc, err := sandbox.Start(hello, &logWriter{log: p.log})
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.alive--
		p.signal()
		return nil, fmt.Errorf("query: %w", err)
	}
	w := &worker{proc: proc, profiles: map[string]bool{}, tmp: hello.TempDir}
	p.busy[w] = true
	return w, nil
}

// release returns a worker after its query. One that may be in an unknown
// state (killed, broken, or cut off mid-answer) is ended instead.
func (p *pool) release(w *worker, healthy bool) {
	p.mu.Lock()
	delete(p.busy, w)
	keep := healthy && !p.closed && !exited(w)
	if keep {
		w.lastUsed = time.Now()
		p.idle = append(p.idle, w)
	} else {
		p.alive--
	}
	p.signal()
	p.mu.Unlock()
	if !keep {
		p.end(w)
	}
}

func (p *pool) end(w *worker) {
	w.proc.Close()
	os.RemoveAll(w.tmp)
}

func (p *pool) signal() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// watchEvery is how often the watchdog reads the workers' memory: often
// enough that a query allocating a few GB a second overshoots the ceiling
// by little before it is killed.
const watchEvery = 25 * time.Millisecond

// watch kills busy workers over the memory ceiling and ends idle ones that
// hold too much or were not used for idleFor, keeping one warm.
func (p *pool) watch() {
	defer p.wg.Done()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		for _, w := range p.busyWorkers() {
			if rss, err := w.proc.RSS(); err == nil && rss > p.ceiling {
				p.log.Warn("killing a query worker over its memory ceiling", "pid", w.proc.Pid(), "rss", rss, "ceiling", p.ceiling)
				w.proc.Kill(killMemory)
			}
		}
		p.retire()
	}
}

// The reasons the server kills a worker.
const (
	killMemory   = "memory"
	killDeadline = "deadline"
	killStuck    = "stuck"
)

func (p *pool) busyWorkers() []*worker {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*worker, 0, len(p.busy))
	for w := range p.busy {
		out = append(out, w)
	}
	return out
}

// idleFor is how long an unused worker keeps its memory before it ends.
const idleFor = 5 * time.Minute

func (p *pool) retire() {
	p.mu.Lock()
	sort.Slice(p.idle, func(i, j int) bool { return p.idle[i].lastUsed.After(p.idle[j].lastUsed) })
	var gone []*worker
	kept := p.idle[:0]
	for i, w := range p.idle {
		rss, _ := w.proc.RSS()
		if (i > 0 && time.Since(w.lastUsed) > idleFor) || rss > p.ceiling {
			gone = append(gone, w)
			p.alive--
			continue
		}
		kept = append(kept, w)
	}
	p.idle = kept
	if len(gone) > 0 {
		p.signal()
	}
	p.mu.Unlock()
	for _, w := range gone {
		p.end(w)
	}
}

// workers returns how many worker processes are alive or starting.
func (p *pool) workers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.alive
}

// close ends the idle workers now and the busy ones as they are released.
func (p *pool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.alive -= len(idle)
	p.signal()
	p.mu.Unlock()
	close(p.stop)
	p.wg.Wait()
	for _, w := range idle {
		p.end(w)
	}
}

// logWriter sends what a worker writes to its standard error to the log,
// a line at a time.
type logWriter struct {
	log *slog.Logger
	mu  sync.Mutex
	buf []byte
}

func (l *logWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.log.Warn("query worker", "says", string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(b), nil
}
