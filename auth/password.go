package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/alexedwards/argon2id"

	"github.com/pier-analytics/pier"
)

// MinPasswordLength is short enough for a passphrase, long enough to make
// guessing through the throttled login impractical.
const MinPasswordLength = 10

// HashPassword returns an argon2id hash of p.
func HashPassword(p string) (string, error) {
	if len(p) < MinPasswordLength {
		return "", pier.Errorf(pier.EInvalid, "a password needs at least %d characters", MinPasswordLength)
	}
	return argon2id.CreateHash(p, argon2id.DefaultParams)
}

// RandomPassword returns a password for one-time use, such as the first
// admin's.
func RandomPassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return strings.TrimRight(base64.RawURLEncoding.EncodeToString(b), "=")
}

// dummyHash is compared against when the e-mail is unknown, so a login for
// an unknown account costs as much time as one for a known account.
var dummyHash, _ = argon2id.CreateHash("not a real password", argon2id.DefaultParams)

// errBadLogin is the one answer for every failed sign-in: it does not reveal
// whether the e-mail exists or the account is disabled.
var errBadLogin = pier.Errorf(pier.EUnauthorized, "That e-mail and password do not match. Check both and try again.")

// CheckPassword returns the user if email and password match an enabled
// account.
func (s *Store) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	var hash string
	row := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email)))
	err := row.Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		argon2id.ComparePasswordAndHash(password, dummyHash)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil || !ok {
		return nil, errBadLogin
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errBadLogin
	}
	return u, nil
}
