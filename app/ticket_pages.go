package app

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/ticket"
)

func (h *ticketHandlers) ticketsPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	q := c.QueryParams()
	f := views.TicketFilter{Status: q.Get("status"), Category: q.Get("category"), Assignee: q.Get("assignee"),
		Requester: q.Get("requester"), Search: q.Get("q"), Board: q.Get("view") == "board"}
	list, err := h.tickets.List(ctx, who, ticket.Query{Status: f.Status, Category: f.Category, Assignee: f.Assignee, Requester: f.Requester, Text: f.Search})
	if err != nil {
		return err
	}
	page := views.TicketQueue{Filter: f, Statuses: statusOptions(), Categories: categoryOptions(), Me: who.Email,
		DataTeam: h.can(who).Triage}
	for _, s := range list {
		page.Rows = append(page.Rows, h.ticketRow(s))
	}
	for _, st := range ticket.Statuses {
		col := views.BoardColumn{Status: string(st), Label: st.Label()}
		for _, r := range page.Rows {
			if r.Status == string(st) {
				col.Rows = append(col.Rows, r)
			}
		}
		page.Columns = append(page.Columns, col)
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Tickets(page, v) })
}

func (h *ticketHandlers) ticketRow(s ticket.Summary) views.TicketRow {
	r := views.TicketRow{ID: s.ID, Title: s.Title, Category: s.Category.Label(), Status: string(s.Status), StatusTxt: s.Status.Label(),
		Urgency: s.Urgency, Priority: s.Priority, Requester: s.Requester.Name, Age: h.when(s.CreatedAt), Comments: s.Comments,
		Guide: s.Guide, Snippet: snippet(s.Answer)}
	if s.Assignee != nil {
		r.Assignee = s.Assignee.Name
	}
	return r
}

func statusOptions() []views.Option {
	var out []views.Option
	for _, s := range ticket.Statuses {
		out = append(out, views.Option{Value: string(s), Label: s.Label()})
	}
	return out
}

func categoryOptions() []views.Option {
	var out []views.Option
	for _, c := range ticket.Categories {
		out = append(out, views.Option{Value: string(c), Label: c.Label()})
	}
	return out
}

func (h *ticketHandlers) newTicketPage(c echo.Context) error {
	// Links elsewhere in Pier (a locked tile's "Request access") fill in
	// what they know.
	form := views.TicketForm{Title: c.QueryParam("title"), Category: c.QueryParam("category"), Body: c.QueryParam("body"),
		Dashboard: c.QueryParam("dashboard"), AccessTable: c.QueryParam("access_table")}
	return h.renderTicketForm(c, http.StatusOK, form)
}

// renderTicketForm shows the filing form with the things a request can be
// about: the dashboards, notebooks and tables its filer can open.
func (h *ticketHandlers) renderTicketForm(c echo.Context, status int, f views.TicketForm) error {
	ctx, who := c.Request().Context(), currentUser(c)
	f.Categories, f.Urgencies, f.Today = categoryOptions(), ticket.Urgencies, time.Now().Format(time.DateOnly)
	var err error
	if f.Dashboards, err = h.dashboardOptions(ctx, who); err != nil {
		return err
	}
	if f.Notebooks, err = h.notebookOptions(ctx, who); err != nil {
		return err
	}
	tables, err := h.visible(ctx, who)
	if err != nil {
		return err
	}
	for _, t := range tables {
		f.Tables = append(f.Tables, views.Option{Value: t.Name, Label: t.Name})
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.NewTicket(f, v) })
}

func (h *ticketHandlers) dashboardOptions(ctx context.Context, who *auth.User) ([]views.Option, error) {
	list, err := h.dashboards.List(ctx, who)
	var out []views.Option
	for _, d := range list {
		out = append(out, views.Option{Value: d.ID, Label: d.Title})
	}
	return out, err
}

func (h *ticketHandlers) notebookOptions(ctx context.Context, who *auth.User) ([]views.Option, error) {
	list, err := h.nbs.List(ctx, who, notebook.Filter{})
	var out []views.Option
	for _, n := range list {
		out = append(out, views.Option{Value: n.ID, Label: n.Title})
	}
	return out, err
}

// fileTicketForm files a request; bad input brings the form back with
// what was typed and what to fix, so nothing typed is lost.
func (h *ticketHandlers) fileTicketForm(c echo.Context) error {
	f := views.TicketForm{Title: c.FormValue("title"), Body: c.FormValue("body"), Category: c.FormValue("category"),
		Urgency: c.FormValue("urgency"), WantedBy: c.FormValue("wanted_by"), Dashboard: c.FormValue("dashboard"),
		Notebook: c.FormValue("notebook"), Table: c.FormValue("table"), AccessTable: c.FormValue("access_table"),
		AccessPII: c.FormValue("access_pii") == "true"}
	n := ticket.New{Title: f.Title, Body: f.Body, Category: f.Category, Urgency: f.Urgency, WantedBy: f.WantedBy,
		Links: formLinks(f.Dashboard, f.Notebook, f.Table, "")}
	if f.Category == string(ticket.CatDataAccess) {
		n.Access = &ticket.AccessRequest{Table: f.AccessTable, PII: f.AccessPII}
	}
	t, err := h.tickets.File(c.Request().Context(), currentUser(c), n)
	if pier.ErrorCode(err) == pier.EInvalid {
		f.Error = pier.ErrorMessage(err)
		return h.renderTicketForm(c, http.StatusBadRequest, f)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/tickets/"+strconv.FormatInt(t.ID, 10))
}

// formLinks turns the link pickers of a form into links.
func formLinks(dashboardID, notebookID, table, dataset string) []ticket.Link {
	var out []ticket.Link
	for _, l := range []ticket.Link{{Kind: ticket.LinkDashboard, Ref: dashboardID}, {Kind: ticket.LinkNotebook, Ref: notebookID},
		{Kind: ticket.LinkTable, Ref: table}, {Kind: ticket.LinkDataset, Ref: dataset}} {
		if l.Ref != "" {
			out = append(out, l)
		}
	}
	return out
}

func (h *ticketHandlers) answersPage(c echo.Context) error {
	q := c.QueryParam("q")
	list, err := h.tickets.Answers(c.Request().Context(), currentUser(c), q, 100)
	if err != nil {
		return err
	}
	page := views.AnswersPage{Search: q}
	for _, s := range list {
		page.Rows = append(page.Rows, h.ticketRow(s))
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Answers(page, v) })
}
