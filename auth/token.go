package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// tokenPrefix makes a leaked token recognisable to secret scanners.
const tokenPrefix = "pier_"

// Token is an API token as it is listed: never the token itself.
type Token struct {
	ID       string
	Name     string
	Owner    string // e-mail
	Created  time.Time
	LastUsed time.Time // zero if never used
}

// CreateToken makes a new API token for the user and returns it in plain
// text; only its hash is kept, so this is the only time it can be seen.
func (s *Store) CreateToken(ctx context.Context, email, name string) (string, error) {
	_, token, err := s.createToken(ctx, email, name, nil)
	return token, err
}

// createToken makes a token, writing actor's audit line with it if given.
func (s *Store) createToken(ctx context.Context, email, name string, actor *User) (*Token, string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "api"
	}
	if len(name) > 100 || !plainText(name) {
		return nil, "", pier.Errorf(pier.EInvalid, "A token's name is plain text of at most 100 characters.")
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	t := &Token{ID: store.NewID(), Name: name, Owner: u.Email, Created: time.Now().UTC()}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
			VALUES ($1, $2, $3, $4, $5)`, t.ID, u.ID, name, hashToken(token), t.Created.UnixMilli())
		if err != nil || actor == nil {
			return err
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: actor.ID, Action: AuditTokenCreated, Subject: u.Email, Detail: name})
	})
	if err != nil {
		return nil, "", err
	}
	return t, token, nil
}

// Tokens lists the tokens of the user with that e-mail, or everyone's when
// email is empty, newest first.
func (s *Store) Tokens(ctx context.Context, email string) ([]Token, error) {
	return s.listTokens(ctx, `$1 = '' OR u.email = $1`, foldEmail(email))
}

func (s *Store) listTokens(ctx context.Context, where, arg string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.name, u.email, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE `+where+` ORDER BY t.created_at DESC, t.id`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &t.Owner, &created, &used); err != nil {
			return nil, err
		}
		t.Created = time.UnixMilli(created).UTC()
		if used.Valid {
			t.LastUsed = time.UnixMilli(used.Int64).UTC()
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// token returns one token's listing.
func (s *Store) token(ctx context.Context, id string) (*Token, error) {
	if !plainText(id) || len(id) > 64 {
		return nil, pier.Errorf(pier.ENotFound, "There is no API token with that id.")
	}
	found, err := s.listTokens(ctx, `t.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(found) == 1 {
		return &found[0], nil
	}
	return nil, pier.Errorf(pier.ENotFound, "There is no API token with the id %s.", id)
}

// RevokeToken deletes a token; it stops working at the next request.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	if !plainText(id) || len(id) > 64 {
		return pier.Errorf(pier.ENotFound, "There is no API token with that id.")
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return pier.Errorf(pier.ENotFound, "There is no API token with the id %s.", id)
	}
	return nil
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
	hash := hashToken(token)
	var used sql.NullInt64
	var u User
	var tier string
	var seen sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT u.id, u.email, u.name, u.tier, u.disabled, u.must_change_password,
		u.session_epoch, u.last_seen_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, hash).
		Scan(&u.ID, &u.Email, &u.Name, &tier, &u.Disabled, &u.MustChangePassword, &u.SessionEpoch, &seen, &used)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.Disabled) {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	u.Tier = Tier(tier)
	if seen.Valid {
		u.LastSeen = time.UnixMilli(seen.Int64).UTC()
	}
	// Written at most once a minute, so a busy script is not a stream of writes.
	if now := store.Now(); !used.Valid || now-used.Int64 > time.Minute.Milliseconds() {
		s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2`, now, hash)
	}
	return &u, nil
}

// CreateToken makes a token for actor, shown once.
func (a *Accounts) CreateToken(ctx context.Context, actor *User, name string) (*Token, string, error) {
	return a.store.createToken(ctx, actor.Email, name, actor)
}

// Tokens lists actor's own tokens, or everyone's (all) for those who
// manage people.
func (a *Accounts) Tokens(ctx context.Context, actor *User, all bool) ([]Token, error) {
	if !all {
		return a.store.Tokens(ctx, actor.Email)
	}
	if err := a.requireManager(actor); err != nil {
		return nil, err
	}
	return a.store.Tokens(ctx, "")
}

// RevokeToken revokes one of actor's tokens, or anyone's for those who
// manage people (audited). Another person's token is "not found" to
// everyone else.
func (a *Accounts) RevokeToken(ctx context.Context, actor *User, id string) error {
	t, err := a.store.token(ctx, id)
	if err != nil {
		return err
	}
	if t.Owner == actor.Email {
		return a.store.RevokeToken(ctx, id)
	}
	if !a.MayManagePeople(actor) {
		return pier.Errorf(pier.ENotFound, "There is no API token with the id %s.", id)
	}
	return a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pier.Errorf(pier.ENotFound, "There is no API token with the id %s.", id)
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: actor.ID, Action: AuditTokenRevoked, Subject: t.Owner, Detail: t.Name})
	})
}
