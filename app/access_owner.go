package app

import (
	"context"
	"slices"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/ticket"
)

// ownerGap is a dashboard an access request came from whose owner lacks
// the table too: its tiles run with the owner's access, so granting the
// requester alone would not open it.
type ownerGap struct {
	Dashboard, Title string
	Owner            string // e-mail
}

// ownerGaps lists, for an undecided access request, the linked dashboards
// whose owners hold no grant for the table (or, when PII is asked, no PII
// grant).
func (a *App) ownerGaps(ctx context.Context, who *auth.User, t *ticket.Ticket) ([]ownerGap, error) {
	if t.Access == nil || t.Access.Decision != "" {
		return nil, nil
	}
	boards, err := a.tickets.AccessDashboards(ctx, who, t.ID)
	if err != nil {
		return nil, err
	}
	readers, err := a.dashboards.ReadersOf(ctx, t.Access.Table)
	if err != nil {
		return nil, err
	}
	props, err := a.props.All(ctx)
	if err != nil {
		return nil, err
	}
	restricted := props[t.Access.Table].Restricted
	var out []ownerGap
	for _, board := range boards {
		i := slices.IndexFunc(readers, func(r dashboard.Reader) bool { return r.Kind == "dashboard" && r.ID == board })
		if i < 0 || readers[i].OwnerID == t.RequesterID {
			continue
		}
		grants, err := a.users.TableGrants(ctx, readers[i].OwnerID)
		if err != nil {
			return nil, err
		}
		if pii, granted := grants[t.Access.Table]; restricted && !granted || t.Access.PII && !pii {
			out = append(out, ownerGap{Dashboard: readers[i].ID, Title: readers[i].Title, Owner: readers[i].Owner})
		}
	}
	return out, nil
}

// grantOwners grants the owners of the request's dashboards who lack its
// table, as an approval that asks for it does: the admin's grant, audited.
func (a *App) grantOwners(ctx context.Context, who *auth.User, t *ticket.Ticket, gaps []ownerGap) error {
	for _, g := range gaps {
		if _, err := a.grants().grant(ctx, who, g.Owner, t.Access.Table, t.Access.PII); err != nil {
			return err
		}
	}
	return nil
}

// decideAccess decides an access request and, approving it with
// grantOwner, grants the owners of the dashboards it came from who lack
// the table, so that the dashboard opens for the requester.
func (a *App) decideAccess(ctx context.Context, who *auth.User, id int64, d ticket.Decision, grantOwner bool) (*ticket.Ticket, error) {
	var gaps []ownerGap
	if d.Approve && grantOwner {
		t, err := a.tickets.Get(ctx, who, id)
		if err != nil {
			return nil, err
		}
		if gaps, err = a.ownerGaps(ctx, who, t); err != nil {
			return nil, err
		}
	}
	t, err := a.tickets.DecideAccess(ctx, who, id, d)
	if err != nil {
		return nil, err
	}
	return t, a.grantOwners(ctx, who, t, gaps)
}

// approvalOpens is what approving an access request opens for the
// requester: the dashboards they may open that read the table.
func (a *App) approvalOpens(ctx context.Context, t *ticket.Ticket) ([]dashboard.Summary, error) {
	if t.Access == nil || t.Access.Decision != "" {
		return nil, nil
	}
	requester, err := a.users.UserByID(ctx, t.RequesterID)
	if err != nil {
		return nil, err
	}
	boards, err := a.dashboards.List(ctx, requester)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(boards, func(b dashboard.Summary) bool { return !slices.Contains(b.Tables, t.Access.Table) }), nil
}
