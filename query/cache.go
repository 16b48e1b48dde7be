package query

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Cached is a JSON answer, from the result cache or from a fresh run. It is
// shared between callers and must not be changed.
type Cached struct {
	Result *JSONResult
	Data   []byte   // Result as JSON, ready to send
	Tables []string // the lake tables it read
	RawPII bool     // it read PII unhashed
	RanAt  time.Time
	RanFor string // the user whose run it was, in the query log
	Hit    bool   // answered from the cache
}

// QueryCached answers req for p as JSON (at most MaxJSONRows rows). The
// same SQL and parameters, for the same access, over the same version of
// every table they read, are answered from the result cache; otherwise the
// query runs once, however many callers ask for it at the same moment, and
// its answer is kept. New lake data gives a table a new version, so an
// answer never outlives its data and no time-to-live is needed.
//
// The shared run goes on while anyone waits for it, and stops when the
// last of them has gone: an answer nobody waits for is not worth a core.
func (e *Engine) QueryCached(ctx context.Context, p Principal, req Request) (*Cached, error) {
	visible, err := e.Visible(ctx, p)
	if err != nil {
		return nil, err
	}
	key, versions := cacheKey(visible, req), tableVersions(visible)
	if c, ok := e.cache.get(key, versions); ok {
		e.cache.hits.Add(1)
		e.auditShared(p, req, c)
		return c, nil
	}
	e.cache.misses.Add(1)
	c, err := e.cache.flights.do(ctx, key, func(ctx context.Context) (*Cached, error) {
		if c, ok := e.cache.get(key, versions); ok {
			return c, nil
		}
		c, err := e.collectFresh(ctx, p, req)
		if err == nil {
			e.cache.put(key, c, versions)
		}
		return c, err
	})
	if err == nil {
		e.auditShared(p, req, c)
	}
	return c, err
}

// auditShared logs an answer that read raw PII for whoever got it without
// running it themselves (from the cache, or from another person's run):
// every read of raw PII is audited under the person who read it.
func (e *Engine) auditShared(p Principal, req Request, c *Cached) {
	if !c.RawPII || (!c.Hit && c.RanFor == p.UserID) {
		return
	}
	e.record(LogEntry{UserID: p.UserID, SQL: req.SQL, Tables: c.Tables, Started: time.Now(),
		Rows: int64(c.Result.RowCount), Status: "cached", PIIAudit: true, sample: req.Sample})
}

func (e *Engine) collectFresh(ctx context.Context, p Principal, req Request) (*Cached, error) {
	rows, err := e.Query(ctx, p, req)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res, err := CollectJSON(rows, MaxJSONRows)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	return &Cached{Result: res, Data: data, Tables: rows.Tables(), RawPII: rows.ReadsRawPII(), RanAt: time.Now(), RanFor: p.UserID}, nil
}

// CacheStats counts answers from the result cache and those that were not
// (callers who shared one fresh run each count as a miss).
func (e *Engine) CacheStats() (hits, misses int64) {
	return e.cache.hits.Load(), e.cache.misses.Load()
}

// cacheKey names a request for one access profile: the tables visible and
// which of their PII columns are hashed, but not the tables' versions,
// which each entry keeps for the tables it read.
func cacheKey(visible []Visible, req Request) string {
	h := sha256.New()
	for _, t := range visible {
		fmt.Fprintf(h, "t\x00%s\x00%s\n", t.Name, strings.Join(t.hiddenPII(), ","))
	}
	params, _ := json.Marshal(req.Params) // maps marshal with sorted keys
	fmt.Fprintf(h, "q\x00%s\x00%s\x00%t\n", req.SQL, params, req.LenientParams)
	for _, u := range req.Upstream {
		fmt.Fprintf(h, "u\x00%s\x00%s\n", u.Name, u.SQL)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func tableVersions(visible []Visible) map[string]string {
	out := make(map[string]string, len(visible))
	for _, t := range visible {
		out[t.Name] = t.signature
	}
	return out
}

// resultCache keeps answers up to a byte budget, dropping the least
// recently used first.
type resultCache struct {
	flights flights
	hits    atomic.Int64
	misses  atomic.Int64

	mu      sync.Mutex
	budget  int64
	size    int64
	order   *list.List // most recently used at the front
	entries map[string]*list.Element
}

type cacheEntry struct {
	key      string
	answer   *Cached
	versions map[string]string // of the tables the answer read, when it ran
	size     int64
}

// DefaultCacheBytes is the result cache's budget unless configured.
const DefaultCacheBytes = 256 << 20

func newResultCache(budget int64) *resultCache {
	if budget <= 0 {
		budget = DefaultCacheBytes
	}
	return &resultCache{budget: budget, order: list.New(), entries: map[string]*list.Element{}, flights: flights{m: map[string]*flight{}}}
}

// get returns the answer kept under key if every table it read is still at
// the version it read; an answer over changed data is dropped.
func (c *resultCache) get(key string, current map[string]string) (*Cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	ent := el.Value.(*cacheEntry)
	for t, v := range ent.versions {
		if current[t] != v {
			c.remove(el)
			return nil, false
		}
	}
	c.order.MoveToFront(el)
	hit := *ent.answer
	hit.Hit = true
	return &hit, true
}

func (c *resultCache) put(key string, a *Cached, current map[string]string) {
	ent := &cacheEntry{key: key, answer: a, versions: map[string]string{}, size: entrySize(a)}
	for _, t := range a.Tables {
		ent.versions[t] = current[t]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if ent.size > c.budget/4 {
		return // one answer may not push out most of the others
	}
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.order.PushFront(ent)
	c.size += ent.size
	for c.size > c.budget {
		c.remove(c.order.Back())
	}
}

func (c *resultCache) remove(el *list.Element) {
	ent := c.order.Remove(el).(*cacheEntry)
	delete(c.entries, ent.key)
	c.size -= ent.size
}

// entrySize estimates an answer's memory: its JSON twice over, once as
// bytes and once as the decoded rows.
func entrySize(a *Cached) int64 { return 2*int64(len(a.Data)) + 512 }

// DropCache forgets every kept answer, as a restart would; benchmarks use
// it to measure a cold start.
func (e *Engine) DropCache() {
	c := e.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.entries)
	c.size = 0
}
