package auth

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pier-analytics/pier"
)

// errBadLogin is the one answer for every failed sign-in: it does not reveal
// whether the e-mail exists or the account is disabled.
var errBadLogin = pier.Errorf(pier.EUnauthorized, "That e-mail and password do not match. Check both and try again.")

// CheckPassword returns the user if email and password match an enabled
// account. Unknown e-mails and disabled accounts cost one hash check like
// any other, so timing tells nothing.
func (s *Store) CheckPassword(ctx context.Context, email, password string) (*User, error) {
	if len(password) > 4*MaxPasswordLength || len(email) > MaxEmailLength || !plainText(email) {
		s.hasher.compare(password, s.hasher.dummyHash()) // the same cost as any other refusal
		return nil, errBadLogin
	}
	var hash string
	var disabled bool
	err := s.db.QueryRowContext(ctx, `SELECT password_hash, disabled FROM users WHERE email = $1`,
		foldEmail(email)).Scan(&hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		hash, disabled = s.hasher.dummyHash(), true
	} else if err != nil {
		return nil, err
	}
	ok, err := s.hasher.compare(password, hash)
	if pier.ErrorCode(err) == pier.ETooMany {
		return nil, err
	}
	if err != nil || !ok || disabled {
		return nil, errBadLogin
	}
	return s.UserByEmail(ctx, email)
}
