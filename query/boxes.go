package query

import (
	"sort"
	"time"

	"github.com/pier-analytics/pier"
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
	}
	now := time.Now()
	sb.refs++ // held before evicting, so it cannot be the one closed
	sb.lastUsed = now
	e.evictIdle(now)
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

// idleFor is how long an unused sandbox keeps its memory before it closes.
const idleFor = 5 * time.Minute

// evictIdle closes sandboxes nobody used for idleFor, and then the least
// recently used idle ones beyond the limit, since each may hold up to its
// memory limit in cache. Sandboxes of profiles that changed (a grant, a new
// partition) are never used again and so go first. Called with e.mu held.
func (e *Engine) evictIdle(now time.Time) {
	var idle []*sandbox
	for _, sb := range e.boxes {
		if sb.refs == 0 {
			idle = append(idle, sb)
		}
	}
	sort.Slice(idle, func(i, j int) bool { return idle[i].lastUsed.Before(idle[j].lastUsed) })
	for _, sb := range idle {
		if now.Sub(sb.lastUsed) < idleFor && len(e.boxes) <= e.lim.MaxSandboxes {
			break
		}
		delete(e.boxes, sb.key)
		sb.close()
	}
}

// Sandboxes returns how many sandboxes are open.
func (e *Engine) Sandboxes() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.boxes)
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
