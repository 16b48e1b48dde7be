// Package auth knows who someone is and what they may do: users with tiers,
// password hashes, server-side sessions, API tokens, table and PII grants,
// the casbin enforcer, login throttling and the installation's secret key.
// It imports store and the root pier package, never a domain or app.
package auth
