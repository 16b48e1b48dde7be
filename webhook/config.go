package webhook

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/store"
)

// Config is the outgoing webhook as an admin set it.
type Config struct {
	URL          string // empty: no webhook
	AllowPrivate bool   // send to internal addresses too
	Base         string // Pier's own address, for links in messages
}

const (
	keyURL     = "webhook.url"
	keyPrivate = "webhook.allow_private"
	keyBase    = "webhook.base"
)

// Load reads the webhook configuration.
func Load(ctx context.Context, db *store.DB) (Config, error) {
	var c Config
	rows, err := db.QueryContext(ctx, `SELECT name, value FROM settings WHERE name IN ($1, $2, $3)`, keyURL, keyPrivate, keyBase)
	if err != nil {
		return c, fmt.Errorf("webhook: load: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return c, err
		}
		switch name {
		case keyURL:
			c.URL = value
		case keyPrivate:
			c.AllowPrivate = value == "true"
		case keyBase:
			c.Base = value
		}
	}
	return c, rows.Err()
}

// Save checks c's URL and stores it; an empty URL turns the webhook off.
func Save(ctx context.Context, db *store.DB, c Config) error {
	c.URL, c.Base = strings.TrimSpace(c.URL), strings.TrimRight(strings.TrimSpace(c.Base), "/")
	if c.URL != "" {
		if err := CheckURL(ctx, c.URL, c.AllowPrivate); err != nil {
			return err
		}
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		return errors.Join(
			put(ctx, tx, keyURL, c.URL),
			put(ctx, tx, keyPrivate, fmt.Sprint(c.AllowPrivate)),
			put(ctx, tx, keyBase, c.Base))
	})
}

func put(ctx context.Context, tx *sql.Tx, name, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}
