// Package authtest helps other packages' tests make accounts.
package authtest

import "github.com/pier-analytics/pier/auth"

// CheapPasswords hashes test accounts' passwords with a 64 KiB argon2id
// instead of 64 MiB: still real hashes, checked by the real code, but
// under -race the default cost made up most of every test's set-up. Tests
// of the hashing itself, and of memory under a sign-in flood, keep the
// default.
var CheapPasswords = auth.PasswordCost{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
