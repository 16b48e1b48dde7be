package app

import (
	"context"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/ticket"
)

// ticketHandlers serve the request queue, in the API and on its pages:
// filing, triaging and answering requests, deciding access requests, the
// answers, the queue's health and the notices of what happened to the
// requests a person follows. The ticket service decides who may do what;
// the other services are asked for what a request may be about.
type ticketHandlers struct {
	tickets    *ticket.Service
	users      *auth.Store
	dashboards *dashboard.Service
	nbs        *notebook.Service
	props      *query.PropStore
	visible    func(context.Context, *auth.User) ([]query.Visible, error)
	can        func(*auth.User) auth.Capabilities
	authorize  func(who *auth.User, obj, act string) error
	// grant is the admins' one way to grant a table, which approving an
	// access request takes for the owners it also grants.
	grant func(ctx context.Context, who *auth.User, email, table string, pii bool) (auth.GrantRow, error)
	page  pageRenderer
	when  func(time.Time) string
}

func (a *App) ticketsHandlers() *ticketHandlers {
	return &ticketHandlers{tickets: a.tickets, users: a.users, dashboards: a.dashboards, nbs: a.nbs, props: a.props,
		visible: a.visibleTables, can: a.enforcer.Capabilities, authorize: a.enforcer.Authorize, grant: a.grants().grant,
		page: a.renderPage, when: a.when}
}
