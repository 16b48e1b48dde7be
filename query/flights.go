package query

import (
	"context"
	"sync"
)

// flights runs one call per key for everyone who asks while it runs, like
// singleflight, but the call's context ends when the last caller has gone,
// so a shared query stops once nobody waits for its answer.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done    chan struct{}
	val     *Cached
	err     error
	waiters int
	cancel  context.CancelFunc
}

// do returns fn's answer for key, starting fn unless a call for key runs.
// fn's context carries the first caller's values but not its end.
func (g *flights) do(ctx context.Context, key string, fn func(context.Context) (*Cached, error)) (*Cached, error) {
	g.mu.Lock()
	f, ok := g.m[key]
	if !ok {
		runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		g.m[key] = f
		go func() {
			f.val, f.err = fn(runCtx)
			g.forget(key, f)
			cancel()
			close(f.done)
		}()
	}
	f.waiters++
	g.mu.Unlock()
	select {
	case <-f.done:
		g.leave(key, f, false)
		return f.val, f.err
	case <-ctx.Done():
		g.leave(key, f, true)
		return nil, ctx.Err()
	}
}

// leave counts a caller out; the last one to give up stops the call, and
// whoever asks next starts a fresh one.
func (g *flights) leave(key string, f *flight, gaveUp bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f.waiters--
	if gaveUp && f.waiters == 0 {
		f.cancel()
		if g.m[key] == f {
			delete(g.m, key)
		}
	}
}

func (g *flights) forget(key string, f *flight) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m[key] == f {
		delete(g.m, key)
	}
}
