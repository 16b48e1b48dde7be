package app

import (
	"context"
	"fmt"
	"time"

	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/webhook"
)

// watchFreshness tells the webhook of tables turning late, every minute.
func (a *App) watchFreshness(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.announceLate(ctx, time.Now()); err != nil && ctx.Err() == nil {
				a.log.Warn("freshness check failed", "err", err)
			}
		}
	}
}

// lateNow is every table that is late now, by name.
func (a *App) lateNow(ctx context.Context) (map[string]*query.Table, error) {
	props, err := a.props.All(ctx)
	if err != nil {
		return nil, err
	}
	return a.catalog.LateTables(props, time.Now()), nil
}

// announceLate sends one webhook message for each table that is late: once
// per late spell (per newest data), by whichever replica notes it first.
func (a *App) announceLate(ctx context.Context, now time.Time) error {
	props, err := a.props.All(ctx)
	if err != nil {
		return err
	}
	for name, t := range a.catalog.LateTables(props, now) {
		p := props[name]
		news, err := a.props.NoteLate(ctx, name, t.DataTime())
		if err != nil {
			return err
		}
		if !news {
			continue
		}
		text := fmt.Sprintf("Table %s is late: its newest data is from %s, and new data should arrive every %s.",
			name, t.NewestData(), query.FormatEvery(p.ExpectEvery))
		if err := a.outbox.Enqueue(ctx, webhook.Message{Text: text, LinkText: name, Path: "/tables/" + name}); err != nil {
			return err
		}
	}
	return nil
}
