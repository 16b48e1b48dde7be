package app

import (
	"context"
	"strings"

	"github.com/pier-analytics/pier/ticket"
)

// demoGuide seeds the answers library with the questions the demo
// dashboards answer, as guide entries, so that a first request already
// finds them while its title is typed.
func (d demo) guide(ctx context.Context) error {
	boards, err := d.a.dashboards.List(ctx, d.admin)
	if err != nil {
		return err
	}
	for _, g := range []struct{ title, answer, board string }{
		{"How many people use the shop each day?", "The **Daily active users** dashboard counts members who viewed at least one page, per day. Switch the grain to week or month for longer trends, and filter by device.", "Daily active users"},
		{"Where do I see revenue by brand and category?", "The **Revenue by brand and category** dashboard: orders that were not cancelled or refunded, with filters for the period and the brand.", "Revenue by brand"},
		{"Which search keywords are popular or rising?", "The **Popular search keywords** dashboard: a word cloud of the week, the top 10 over time, and the keywords rising today.", "Popular search keywords"},
	} {
		var links []ticket.Link
		for _, b := range boards {
			if strings.Contains(b.Title, g.board) {
				links = append(links, ticket.Link{Kind: ticket.LinkDashboard, Ref: b.ID})
			}
		}
		t, err := d.a.tickets.File(ctx, d.admin, ticket.New{Title: g.title, Category: string(ticket.CatDashboard)})
		if err != nil {
			return err
		}
		if _, err := d.a.tickets.Answer(ctx, d.admin, t.ID, ticket.Answer{Text: g.answer, Links: links}); err != nil {
			return err
		}
		if _, err := d.a.tickets.SetGuide(ctx, d.admin, t.ID, true); err != nil {
			return err
		}
	}
	return nil
}
