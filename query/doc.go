// Package query is the engine boundary. It discovers the lake's tables
// (catalog), keeps the properties people set on them (props), turns a
// principal into an access profile, runs SQL in a sandboxed DuckDB instance
// per profile, streams results as Arrow record batches to JSON, CSV and
// Arrow IPC writers, enforces deadlines and concurrency limits, and logs
// every query. It imports store and the root pier package only; it knows
// nothing of users' tiers, notebooks or dashboards.
//
// DuckDB is driven through its C API bindings rather than database/sql:
// database/sql results are fully materialised before the first row, while
// the bindings give a streaming result whose memory does not grow with the
// row count, and they let us prepare exactly one statement without running
// anything (database/sql runs every statement but the last while preparing).
package query
