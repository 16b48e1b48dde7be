package app

import (
	"context"
	"strconv"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/ticket"
	"github.com/pier-analytics/pier/webhook"
)

// ticketLinks looks up what a ticket links to with the reader's rights,
// through the service that owns each kind of thing.
type ticketLinks struct{ a *App }

func (l ticketLinks) Resolve(ctx context.Context, who *auth.User, k ticket.Link) (string, bool, error) {
	a := l.a
	var title string
	var err error
	switch k.Kind {
	case ticket.LinkDashboard:
		d, e := a.dashboards.Get(ctx, who, k.Ref)
		if e == nil {
			title = d.Title
		}
		err = e
	case ticket.LinkDataset:
		d, e := a.dashboards.Dataset(ctx, who, k.Ref)
		if e == nil {
			title = d.Name
		}
		err = e
	case ticket.LinkNotebook:
		n, e := a.nbs.Get(ctx, who, k.Ref)
		if e == nil {
			title = n.Title
		}
		err = e
	case ticket.LinkTable:
		return a.tableLink(ctx, who, k.Ref)
	default:
		return "", false, nil
	}
	switch pier.ErrorCode(err) {
	case "":
		return title, true, nil
	case pier.ENotFound, pier.EForbidden:
		return "", false, nil
	}
	return "", false, err
}

// tableLink finds a table the reader can see; an admin, who grants
// access, finds every table in the lake.
func (a *App) tableLink(ctx context.Context, who *auth.User, name string) (string, bool, error) {
	if a.enforcer.Capabilities(who).Grant {
		_, ok := a.catalog.Table(name)
		return name, ok, nil
	}
	visible, err := a.visibleTables(ctx, who)
	if err != nil {
		return "", false, err
	}
	for _, v := range visible {
		if v.Name == name {
			return name, true, nil
		}
	}
	return "", false, nil
}

// ticketNotifier passes ticket events to the outgoing webhook.
type ticketNotifier struct{ a *App }

func (n ticketNotifier) Notify(ctx context.Context, e ticket.Event) {
	id := strconv.FormatInt(e.Ticket.ID, 10)
	err := n.a.outbox.Enqueue(context.WithoutCancel(ctx), webhook.Message{Text: e.Message(), LinkText: "#" + id, Path: "/tickets/" + id})
	if err != nil {
		n.a.log.Error("could not queue a webhook message", "ticket", e.Ticket.ID, "err", err)
	}
}
