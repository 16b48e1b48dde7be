package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/pier-analytics/pier/store"
)

// Message is what to say: plain text, and a link into Pier.
type Message struct {
	Text     string
	LinkText string
	Path     string // e.g. /tickets/42; joined to the configured base
}

// Options tune delivery; zero values take the defaults.
type Options struct {
	Backoff     time.Duration // wait after the first failure, doubling after each (default 30s)
	MaxBackoff  time.Duration // (default 1h)
	MaxAttempts int           // then the message is given up (default 8)
	Timeout     time.Duration // per attempt (default 10s)
	Poll        time.Duration // look for work left by other replicas (default 30s)
	Now         func() time.Time
}

// Outbox queues messages and delivers them.
type Outbox struct {
	db   *store.DB
	log  *slog.Logger
	opt  Options
	wake chan struct{}

	strict, open *http.Client // without and with internal addresses
}

// New returns an outbox over the store; Run delivers.
func New(db *store.DB, log *slog.Logger, opt Options) *Outbox {
	opt = opt.withDefaults()
	return &Outbox{db: db, log: log, opt: opt, wake: make(chan struct{}, 1),
		strict: client(opt.Timeout, true), open: client(opt.Timeout, false)}
}

func (o Options) withDefaults() Options {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Backoff, 30*time.Second)
	def(&o.MaxBackoff, time.Hour)
	def(&o.Timeout, 10*time.Second)
	def(&o.Poll, 30*time.Second)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func client(timeout time.Duration, guard bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if guard {
		d.Control = refuseInternal
	}
	tr := &http.Transport{DialContext: d.DialContext, Proxy: nil, TLSHandshakeTimeout: timeout, MaxIdleConns: 4}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Enqueue stores m for delivery to the configured webhook, if there is
// one, and wakes the worker. It does not wait for the delivery.
func (o *Outbox) Enqueue(ctx context.Context, m Message) error {
	cfg, err := Load(ctx, o.db)
	if err != nil || cfg.URL == "" {
		return err
	}
	payload, _ := json.Marshal(map[string]string{"text": slackText(m, cfg.Base)})
	now := o.now()
	_, err = o.db.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, url, payload, next_at, created_at)
		VALUES ($1, $2, $3, $4, $4)`, store.NewID(), cfg.URL, string(payload), now)
	if err != nil {
		return fmt.Errorf("webhook: enqueue: %w", err)
	}
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// slackText writes m in Slack's markup: &, < and > escaped, and the link
// as <url|text>.
func slackText(m Message, base string) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	text := esc.Replace(m.Text)
	if m.Path == "" {
		return text
	}
	if base == "" {
		return text + " (" + esc.Replace(m.Path) + ")"
	}
	return text + " <" + base + m.Path + "|" + esc.Replace(strings.ReplaceAll(m.LinkText, "|", "¦")) + ">"
}

// Run delivers due messages until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	for {
		wait, err := o.deliverDue(ctx)
		if err != nil && ctx.Err() == nil {
			o.log.Error("webhook deliveries", "err", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-o.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// deliverDue sends every message that is due and returns how long until
// the next one is.
func (o *Outbox) deliverDue(ctx context.Context) (time.Duration, error) {
	for {
		d, err := o.claim(ctx)
		if err != nil {
			return o.opt.Poll, err
		}
		if d == nil {
			return o.untilNext(ctx), nil
		}
		o.attempt(ctx, d)
	}
}

type delivery struct {
	id, url, payload string
	attempts         int
}

// claim takes the oldest due message, moving its next attempt past the
// time this one may take, so that another replica does not send it too.
func (o *Outbox) claim(ctx context.Context) (*delivery, error) {
	now := o.now()
	var d delivery
	var next int64
	err := o.db.QueryRowContext(ctx, `SELECT id, url, payload, attempts, next_at FROM webhook_deliveries
		WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at LIMIT 1`, now).Scan(&d.id, &d.url, &d.payload, &d.attempts, &next)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	lease := now + 3*o.opt.Timeout.Milliseconds()
	res, err := o.db.ExecContext(ctx, `UPDATE webhook_deliveries SET next_at = $1 WHERE id = $2 AND next_at = $3`, lease, d.id, next)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return o.claim(ctx) // another replica took it
	}
	return &d, nil
}

func (o *Outbox) untilNext(ctx context.Context) time.Duration {
	var next int64
	err := o.db.QueryRowContext(ctx, `SELECT COALESCE(MIN(next_at), 0) FROM webhook_deliveries WHERE next_at IS NOT NULL`).Scan(&next)
	if err != nil || next == 0 {
		return o.opt.Poll
	}
	return min(max(time.Duration(next-o.now())*time.Millisecond, 0), o.opt.Poll)
}

// attempt sends d once and records the outcome: delivered, due again
// after a backoff, or given up after the last attempt.
func (o *Outbox) attempt(ctx context.Context, d *delivery) {
	err := o.send(ctx, d)
	d.attempts++
	now := o.now()
	var q string
	var args []any
	switch {
	case err == nil:
		q, args = `UPDATE webhook_deliveries SET attempts = $1, next_at = NULL, delivered_at = $2, last_error = '' WHERE id = $3`, []any{d.attempts, now, d.id}
	case d.attempts >= o.opt.MaxAttempts:
		o.log.Warn("webhook message given up", "attempts", d.attempts, "err", err)
		q, args = `UPDATE webhook_deliveries SET attempts = $1, next_at = NULL, last_error = $2 WHERE id = $3`, []any{d.attempts, err.Error(), d.id}
	default:
		next := now + o.backoff(d.attempts).Milliseconds()
		q, args = `UPDATE webhook_deliveries SET attempts = $1, next_at = $2, last_error = $3 WHERE id = $4`, []any{d.attempts, next, err.Error(), d.id}
	}
	if _, err := o.db.ExecContext(ctx, q, args...); err != nil && ctx.Err() == nil {
		o.log.Error("webhook: record attempt", "err", err)
	}
}

// backoff is the wait after the n-th failed attempt: Backoff, doubled
// each time, at most MaxBackoff.
func (o *Outbox) backoff(n int) time.Duration {
	d := o.opt.Backoff
	for i := 1; i < n && d < o.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.opt.MaxBackoff)
}

func (o *Outbox) send(ctx context.Context, d *delivery) error {
	cfg, err := Load(ctx, o.db)
	if err != nil {
		return err
	}
	if cfg.URL == "" {
		return errors.New("the webhook was turned off")
	}
	c := o.strict
	if cfg.AllowPrivate {
		c = o.open
	}
	// The address configured now, not when the message was queued: an
	// admin who fixes a wrong URL gets the waiting messages delivered.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader([]byte(d.payload)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Pier-Webhook/1")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

func textOf(payload string) string {
	var m struct{ Text string }
	json.Unmarshal([]byte(payload), &m)
	return m.Text
}

func (o *Outbox) now() int64 { return o.opt.Now().UnixMilli() }
