package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// tokenPrefix makes a leaked token recognisable to secret scanners.
const tokenPrefix = "pier_"

// CreateToken makes a new API token for the user and returns it in plain
// text; only its hash is kept, so this is the only time it can be seen.
func (s *Store) CreateToken(ctx context.Context, email, name string) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = "api"
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	_, err = s.db.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
		VALUES ($1, $2, $3, $4, $5)`, store.NewID(), u.ID, name, hashToken(token), store.Now())
	if err != nil {
		return "", err
	}
	return token, nil
}

// A token carries 256 random bits, so a plain SHA-256 is enough: there is
// nothing to brute-force that a slow hash would protect.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// UserByToken returns the enabled user the token belongs to.
func (s *Store) UserByToken(ctx context.Context, token string) (*User, error) {
	invalid := pier.Errorf(pier.EUnauthorized, "This API token is not valid. Create a new one with `pier tokens create`.")
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, invalid
	}
	row := s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.tier, u.disabled
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hashToken(token))
	u, err := scanUser(row)
	if pier.ErrorCode(err) == pier.ENotFound || (err == nil && u.Disabled) {
		return nil, invalid
	}
	return u, err
}
