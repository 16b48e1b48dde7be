// Package search keeps the full-text index of everything a person may look
// for in Pier — dashboards, notebooks (titles and cell text), datasets,
// tables, columns and guide answers — in the metadata store's own
// full-text search: an FTS5 table on SQLite, a tsvector column with a GIN
// index on PostgreSQL.
//
// The index knows words, not permissions: the services that own the
// objects hand it their documents (Sync), and callers check each hit
// against the owning service before showing it, so the index can never
// show what its reader may not open.
//
// It imports store only.
package search
