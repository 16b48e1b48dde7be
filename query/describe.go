package query

import (
	"context"
	"time"

	"github.com/pier-analytics/pier/query/sandbox"
)

// Description is what a statement would return and read, learned without
// running it.
type Description struct {
	Columns []ResultColumn
	Tables  []string // the lake tables it reads, upstream included
	Params  []string // the $names it needs values for
}

// Describe checks req for p as Query would and reports its columns, the
// tables it reads and the parameters it takes, without running it: saving a
// dataset or a dashboard tile must not cost a scan of the lake. Values in
// req.Params are used only where a column's type depends on them.
//
// It is logged like a query: describing runs upstream queries that take
// parameters, and an error may quote what they read.
func (e *Engine) Describe(ctx context.Context, p Principal, req Request) (*Description, error) {
	entry := LogEntry{UserID: p.UserID, SQL: req.SQL, Started: time.Now()}
	d, err := e.describe(ctx, p, req, &entry)
	entry.Duration = time.Since(entry.Started)
	entry.Status, entry.Error = logStatus(err)
	if err == nil {
		entry.Status = "described"
	}
	e.record(entry)
	return d, err
}

func (e *Engine) describe(ctx context.Context, p Principal, req Request, entry *LogEntry) (*Description, error) {
	r, ctx, err := e.begin(ctx, p, req, true)
	if err != nil {
		return nil, err
	}
	defer r.finish(true)
	h, err := r.ask(ctx, p, sandbox.Request{Op: sandbox.OpDescribe, SQL: req.SQL, Params: req.Params, Upstream: req.Upstream, Lenient: true}, entry)
	if err != nil {
		return nil, e.explain(ctx, err)
	}
	return &Description{Tables: h.Tables, Params: h.Params, Columns: h.Columns}, nil
}
