package app

import (
	"context"
	"slices"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/ticket"
)

// ownerGap is a dashboard an access request concerns whose owner lacks
// the table too: its tiles run with the owner's access, so granting the
// requester alone would not open it.
type ownerGap struct {
	Dashboard, Title string
	Owner            string // e-mail
}

// accessView is what approving an undecided access request would do for
// the requester's dashboards that read the table (those they may open,
// and those the request was filed from): which open, and which stay
// locked unless their owner is granted too.
func (h *ticketHandlers) accessView(ctx context.Context, who *auth.User, t *ticket.Ticket) (opens []dashboard.Reader, gaps []ownerGap, err error) {
	if t.Access == nil || t.Access.Decision != "" {
		return nil, nil, nil
	}
	linked, err := h.tickets.AccessDashboards(ctx, who, t.ID)
	if err != nil {
		return nil, nil, err
	}
	requester, err := h.users.UserByID(ctx, t.RequesterID)
	if err != nil {
		return nil, nil, err
	}
	theirs, err := h.dashboards.List(ctx, requester)
	if err != nil {
		return nil, nil, err
	}
	readers, err := h.dashboards.ReadersOf(ctx, t.Access.Table)
	if err != nil {
		return nil, nil, err
	}
	props, err := h.props.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	restricted := props[t.Access.Table].Restricted
	for _, r := range readers {
		concerned := slices.Contains(linked, r.ID) || slices.ContainsFunc(theirs, func(s dashboard.Summary) bool { return s.ID == r.ID })
		if r.Kind != "dashboard" || !concerned {
			continue
		}
		lacks := false
		if r.OwnerID != t.RequesterID {
			grants, err := h.users.TableGrants(ctx, r.OwnerID)
			if err != nil {
				return nil, nil, err
			}
			pii, granted := grants[t.Access.Table]
			lacks = restricted && !granted || t.Access.PII && !pii
		}
		if lacks {
			gaps = append(gaps, ownerGap{Dashboard: r.ID, Title: r.Title, Owner: r.Owner})
		} else {
			opens = append(opens, r)
		}
	}
	return opens, gaps, nil
}

// decideAccess decides an access request and, approving it, grants the
// owners named in grantOwners whose dashboards the request concerns and
// who lack the table, so that those dashboards open for the requester.
// Owners are judged again now, not taken from the page that was drawn.
func (h *ticketHandlers) decideAccess(ctx context.Context, who *auth.User, id int64, d ticket.Decision, grantOwners []string) (*ticket.Ticket, error) {
	var grant []string
	if d.Approve && len(grantOwners) > 0 {
		t, err := h.tickets.Get(ctx, who, id)
		if err != nil {
			return nil, err
		}
		_, gaps, err := h.accessView(ctx, who, t)
		if err != nil {
			return nil, err
		}
		for _, g := range gaps {
			if slices.Contains(grantOwners, g.Owner) && !slices.Contains(grant, g.Owner) {
				grant = append(grant, g.Owner)
			}
		}
	}
	t, err := h.tickets.DecideAccess(ctx, who, id, d)
	if err != nil {
		return nil, err
	}
	for _, email := range grant {
		if _, err := h.grant(ctx, who, email, t.Access.Table, t.Access.PII); err != nil {
			return nil, err
		}
	}
	return t, nil
}
