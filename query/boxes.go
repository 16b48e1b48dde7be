package query

import (
	"github.com/pier-analytics/pier"
	"sort"
	"time"
)

// sandboxFor returns the open sandbox of p, creating it on first use, and
// holds a reference until releaseBox.
func (e *Engine) sandboxFor(p *profile) (*sandbox, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, pier.Errorf(pier.EUnavailable, "Pier is shutting down. Try again in a moment.")
	}
	sb, ok := e.boxes[p.key]
	if !ok {
		var err error
		if sb, err = newSandbox(p, e.lim, e.hashKey, e.tmpRoot); err != nil {
			return nil, err
		}
		e.boxes[p.key] = sb
		e.evictIdle()
	}
	sb.refs++
	sb.lastUsed = time.Now()
	return sb, nil
}

func (e *Engine) releaseBox(sb *sandbox) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sb.refs--
	sb.lastUsed = time.Now()
	if e.closed && sb.refs == 0 {
		delete(e.boxes, sb.key)
		sb.close()
	}
}

// evictIdle closes the least recently used idle sandboxes beyond the limit.
// Sandboxes of profiles that changed (a grant, a new partition) are never
// used again and so drift to the end. Called with e.mu held.
func (e *Engine) evictIdle() {
	if len(e.boxes) <= e.lim.MaxSandboxes {
		return
	}
	var idle []*sandbox
	for _, sb := range e.boxes {
		if sb.refs == 0 {
			idle = append(idle, sb)
		}
	}
	sort.Slice(idle, func(i, j int) bool { return idle[i].lastUsed.Before(idle[j].lastUsed) })
	for _, sb := range idle[:min(len(idle), len(e.boxes)-e.lim.MaxSandboxes)] {
		delete(e.boxes, sb.key)
		sb.close()
	}
}

// Close closes every idle sandbox now and each busy one when its last
// query ends, so a query that outlives shutdown never runs on a closed
// database.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	for k, sb := range e.boxes {
		if sb.refs == 0 {
			sb.close()
			delete(e.boxes, k)
		}
	}
}
