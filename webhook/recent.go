package webhook

import (
	"context"
	"fmt"
	"time"
)

// Delivery is a message as the admin's settings page lists it.
type Delivery struct {
	Text        string
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	DeliveredAt time.Time // zero until delivered
	NextAt      time.Time // zero once delivered or given up
}

// State says where a delivery is, in a word.
func (d Delivery) State() string {
	switch {
	case !d.DeliveredAt.IsZero():
		return "delivered"
	case d.NextAt.IsZero():
		return "given up"
	case d.Attempts > 0:
		return "retrying"
	}
	return "waiting"
}

// Recent returns the newest deliveries first.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]Delivery, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT payload, attempts, last_error, created_at, COALESCE(delivered_at, 0), COALESCE(next_at, 0)
		FROM webhook_deliveries ORDER BY created_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook: recent: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var payload string
		var created, delivered, next int64
		if err := rows.Scan(&payload, &d.Attempts, &d.LastError, &created, &delivered, &next); err != nil {
			return nil, err
		}
		d.Text = textOf(payload)
		d.CreatedAt, d.DeliveredAt, d.NextAt = at(created), at(delivered), at(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

func at(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
