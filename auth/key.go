package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/store"
)

const keySetting = "secret_key"

// knownKeys are values that appear in examples and tutorials; a store
// holding one was set up by hand and is not secret.
var knownKeys = map[string]bool{
	"": true, "secret": true, "changeme": true, "change-me": true, "pier": true,
	"0000000000000000000000000000000000000000000000000000000000000000": true,
}

// Key is the installation's secret: it keys the PII hash, so it must never
// change once data has been shared, and never be a value anyone could know.
type Key []byte

// LoadOrCreateKey returns the stored key, generating one on first start. It
// refuses a key that is empty, short or known.
func LoadOrCreateKey(ctx context.Context, db *store.DB) (Key, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, keySetting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		_, err = db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
			ON CONFLICT (name) DO NOTHING`, keySetting, v)
		if err != nil {
			return nil, err
		}
		// Another replica may have won the race; read what was kept.
		err = db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, keySetting).Scan(&v)
	}
	if err != nil {
		return nil, err
	}
	return checkKey(v)
}

func checkKey(v string) (Key, error) {
	if knownKeys[strings.ToLower(strings.TrimSpace(v))] {
		return nil, fmt.Errorf("auth: the stored secret key is empty or a well-known value; delete the %q setting so Pier makes a new one", keySetting)
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) < 32 {
		return nil, fmt.Errorf("auth: the stored secret key is not 32 random bytes in hex; delete the %q setting so Pier makes a new one", keySetting)
	}
	return Key(b), nil
}

// Derive returns a sub-key for one purpose, so that no two uses share a key.
func (k Key) Derive(purpose string) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
