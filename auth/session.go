package auth

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/pier-analytics/pier/store"
)

// SessionStore keeps scs sessions in the metadata store, so that every
// replica sees the same sessions and a logout revokes everywhere at once.
// Only a hash of each session's cookie value is stored, so a copy of the
// store does not let anyone sign in as its users. It implements
// scs.CtxStore.
type SessionStore struct {
	db *store.DB
}

// NewSessionStore returns a SessionStore over db.
func NewSessionStore(db *store.DB) *SessionStore { return &SessionStore{db: db} }

// Find implements scs.Store.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// FindCtx implements scs.CtxStore.
func (s *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data string
	err := s.db.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		hashToken(token), store.Now()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, false, nil
	}
	return b, true, nil
}

// CommitCtx implements scs.CtxStore.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		hashToken(token), base64.StdEncoding.EncodeToString(b), expiry.UnixMilli())
	return err
}

// DeleteCtx implements scs.CtxStore.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, hashToken(token))
	return err
}

// DeleteExpired removes sessions past their expiry.
func (s *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, store.Now())
	return err
}
