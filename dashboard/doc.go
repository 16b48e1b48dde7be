// Package dashboard is the domain of answers without SQL: datasets (saved
// queries whose columns are measures, dimensions and time), the explorer
// that writes SQL from picks over a dataset, and dashboards of tiles with
// one set of filters and a time grain for all of them.
//
// A dashboard's tiles run with the rights of its owner, so its viewers need
// no table access of their own, but only people who could read every
// restricted table it reads may open it, and PII stays hashed unless the
// viewer holds that PII grant too. Answers come from the engine's result
// cache, shared by everyone with the same access.
//
// It owns the dataset and dashboard tables of the metadata store and the
// rules of who may do what; it imports store, auth, chart and query, never
// app.
package dashboard
