// Package notebook is the domain of SQL notebooks: documents of SQL and
// markdown cells with typed inputs, kept in every revision, shared with
// named people as viewers or editors, organised in folders and tags.
//
// It owns the notebook tables of the metadata store and the rules of who
// may do what; it plans a cell's run as a query.Request (the earlier cells
// it reads become upstream queries) but does not run it. It imports store,
// auth and query, never app.
package notebook
