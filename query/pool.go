package query

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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

	mu       sync.Mutex
	idle     []*worker
	busy     map[*worker]bool
	alive    int           // idle, busy and starting
	starting bool          // a worker is starting: others wait rather than start more at once
	changed  chan struct{} // closed and replaced when a worker is freed or started
	closed   bool
	stop     chan struct{}
	wg       sync.WaitGroup
}

// worker is one worker process with the profiles whose sandboxes it holds,
// as far as the server knows, most recent first.
type worker struct {
	proc     *sandbox.Process
	profiles []string
	tmp      string
	lastUsed time.Time
	lease    uint64 // counts the queries it was given, so the watchdog kills the one it measured
}

func (w *worker) holds(profile string) bool { return slices.Contains(w.profiles, profile) }

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
// sandbox, or starts one; it waits when every worker is busy. When some
// worker runs, a query first waits up to spawnAfter for one to be free,
// and workers start one at a time: a burst of short queries (a dashboard
// opening) is served sooner by the workers that run, with their warm
// caches, than by new ones that must start and warm theirs, while a long
// query holds up the next for no more than spawnAfter.
func (p *pool) acquire(ctx context.Context, profile string) (*worker, error) {
	patience := time.NewTimer(spawnAfter)
	defer patience.Stop()
	impatient := false
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, pier.Errorf(pier.EUnavailable, "Pier is shutting down. Try again in a moment.")
		}
		if w := p.takeIdle(profile); w != nil {
			p.busy[w] = true
			w.lease++
			p.mu.Unlock()
			return w, nil
		}
		if p.alive < p.max && !p.starting && (p.alive == 0 || impatient) {
			p.alive++
			p.starting = true
			p.mu.Unlock()
			return p.startWorker()
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-patience.C:
			impatient = true
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// spawnAfter is how long a query waits for a busy worker before another
// starts.
const spawnAfter = 100 * time.Millisecond

// takeIdle removes and returns the best idle worker: one holding the
// profile, else the most recently used. Workers that died while idle are
// dropped on the way. Called with p.mu held.
func (p *pool) takeIdle(profile string) *worker {
	best := -1
	live := p.idle[:0]
	for _, w := range p.idle {
		if w.proc.Lost() {
			p.alive--
			go p.end(w)
			continue
		}
		live = append(live, w)
		i := len(live) - 1
		if best < 0 || !live[best].holds(profile) && (w.holds(profile) || w.lastUsed.After(live[best].lastUsed)) {
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

func (p *pool) startWorker() (*worker, error) {
	hello := p.hello
	hello.TempDir = filepath.Join(p.tmpRoot, fmt.Sprintf("w%d", p.started.Add(1)))
	proc, err := sandbox.Start(hello, &logWriter{log: p.log})
	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting = false
	p.signal()
	if err != nil {
		p.alive--
		return nil, fmt.Errorf("query: %w", err)
	}
	w := &worker{proc: proc, tmp: hello.TempDir, lease: 1}
	p.busy[w] = true
	return w, nil
}

// warm starts a worker and keeps it idle, unless one runs or starts.
func (p *pool) warm() {
	p.mu.Lock()
	if p.closed || p.alive > 0 || p.starting {
		p.mu.Unlock()
		return
	}
	p.alive++
	p.starting = true
	p.mu.Unlock()
	if w, err := p.startWorker(); err == nil {
		p.release(w, true)
	} else {
		p.log.Warn("could not start a query worker", "err", err)
	}
}

// release returns a worker after its query. One that may be in an unknown
// state (killed, broken, or cut off mid-answer) is ended instead.
func (p *pool) release(w *worker, healthy bool) {
	p.mu.Lock()
	delete(p.busy, w)
	keep := healthy && !p.closed && !w.proc.Lost()
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

// watch kills busy workers over the memory ceiling and, every retireEvery,
// ends idle ones that hold too much or were not used for idleFor, keeping
// one warm.
func (p *pool) watch() {
	defer p.wg.Done()
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		for w, lease := range p.busyWorkers() {
			if rss, err := w.proc.RSS(); err == nil && rss > p.ceiling {
				p.killIfStill(w, lease, rss)
			}
		}
		if n%int(retireEvery/watchEvery) == 0 {
			p.retire()
		}
	}
}

// killIfStill kills w for its memory if it still runs the query that was
// measured, not one it took up since.
func (p *pool) killIfStill(w *worker, lease uint64, rss int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy[w] && w.lease == lease {
		p.log.Warn("killing a query worker over its memory ceiling", "pid", w.proc.Pid(), "rss", rss, "ceiling", p.ceiling)
		w.proc.Kill(sandbox.LostMemory)
	}
}

// retireEvery is how often idle workers are looked over.
const retireEvery = time.Second

// The reasons the server kills a worker, besides memory.
const (
	killDeadline = "deadline"
	killStuck    = "stuck"
)

// busyWorkers returns the busy workers with their leases.
func (p *pool) busyWorkers() map[*worker]uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[*worker]uint64, len(p.busy))
	for w := range p.busy {
		out[w] = w.lease
	}
	return out
}

// idleFor is how long an unused worker keeps its memory before it ends.
const idleFor = 5 * time.Minute

func (p *pool) retire() {
	p.mu.Lock()
	idle := slices.Clone(p.idle)
	p.mu.Unlock()
	slices.SortFunc(idle, func(a, b *worker) int { return b.lastUsed.Compare(a.lastUsed) })
	retiring := map[*worker]bool{}
	for i, w := range idle {
		rss, _ := w.proc.RSS()
		if (i > 0 && time.Since(w.lastUsed) > idleFor) || rss > p.ceiling {
			retiring[w] = true
		}
	}
	p.mu.Lock()
	var gone []*worker
	kept := p.idle[:0]
	for _, w := range p.idle {
		if retiring[w] {
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

// close ends the idle workers now, and tells the busy ones to stop their
// queries; they end as they are released. A worker outliving the server
// ends by itself (exitWithParent).
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
	for w := range p.busy {
		w.proc.Cancel()
	}
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
