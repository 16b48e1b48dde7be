// Package app is Pier's web layer and the one place that wires things: it
// opens the store, builds the catalog, engine and enforcer, installs the
// middleware, the error handler and the route table, and serves. Handlers
// translate between HTTP and the domain packages and hold no business
// rules. It imports auth, query, store, demolake, assets and the views.
package app
