package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/ticket"
)

func (h *ticketHandlers) ticketPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	t, err := h.tickets.Get(ctx, who, id)
	if err != nil {
		return err
	}
	if err := h.tickets.MarkRead(ctx, who, id); err != nil { // they are reading it now
		return err
	}
	page := h.ticketView(t, who)
	may := h.tickets.Rights(who, t)
	page.CanTriage, page.CanEdit, page.CanDecide, page.CanCancel = may.Triage, may.Edit, may.Decide, may.Cancel
	if may.Decide && page.Access != nil {
		opens, gaps, err := h.accessView(ctx, who, t)
		if err != nil {
			return err
		}
		for _, g := range gaps {
			page.Access.OwnerGaps = append(page.Access.OwnerGaps, views.OwnerGap{Dashboard: g.Dashboard, Title: g.Title, Owner: g.Owner,
				First: !slices.ContainsFunc(page.Access.OwnerGaps, func(o views.OwnerGap) bool { return o.Owner == g.Owner })})
		}
		for _, b := range opens {
			page.Access.Opens = append(page.Access.Opens, views.UseRow{Kind: "dashboard", Title: b.Title, Href: "/dashboards/" + b.ID})
		}
	}
	if page.Sessions, err = h.freeSessions(ctx); err != nil {
		return err
	}
	if page.CanTriage {
		if err := h.triageChoices(ctx, who, &page); err != nil {
			return err
		}
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.TicketPage(page, v) })
}

func (h *ticketHandlers) ticketView(t *ticket.Ticket, who *auth.User) views.TicketView {
	v := views.TicketView{ID: t.ID, Title: t.Title, Body: t.Body, BodyHTML: renderMarkdown(t.Body), Category: t.Category.Label(),
		Status: string(t.Status), StatusTxt: t.Status.Label(), Urgency: t.Urgency, WantedBy: t.WantedBy, Priority: t.Priority,
		Requester: t.Requester.Name, Filed: h.when(t.CreatedAt), Links: linkViews(t.Links), MergedInto: t.MergedInto}
	if t.Assignee != nil {
		v.Assignee, v.AssigneeKey = t.Assignee.Name, t.Assignee.Email
	}
	if t.Access != nil {
		v.Access = &views.AccessView{Table: t.Access.Table, PII: t.Access.PII, Decision: t.Access.Decision}
	}
	v.AnswerText, v.AnswerRefs = t.Answer, map[string]string{}
	for _, l := range t.AnswerLinks {
		v.AnswerRefs[l.Kind] = l.Ref
	}
	if t.SolvedBy != 0 {
		v.AnswerRefs["solved_by"] = strconv.FormatInt(t.SolvedBy, 10)
	}
	if t.AnsweredBy != nil {
		v.Answer = &views.AnswerView{HTML: renderMarkdown(t.Answer), Links: linkViews(t.AnswerLinks), By: t.AnsweredBy.Name,
			At: h.when(t.AnsweredAt), Guide: t.Guide, SolvedBy: t.SolvedBy}
	}
	for _, c := range t.Comments {
		v.Comments = append(v.Comments, views.CommentView{Author: c.Author.Name, At: h.when(c.CreatedAt), HTML: renderMarkdown(c.Body)})
	}
	for _, change := range t.History {
		v.History = append(v.History, views.HistoryView{Actor: change.Actor.Name, At: h.when(change.CreatedAt), Text: historyText(change)})
	}
	for _, w := range t.Watchers {
		v.Watchers = append(v.Watchers, w.Name)
		v.Watching = v.Watching || w.Email == who.Email
	}
	if t.Booking != nil {
		v.Booking = &views.BookingView{When: sessionLabel(t.Booking.StartsAt, t.Booking.EndsAt), By: t.Booking.BookedBy.Name,
			Start: t.Booking.StartsAt.Format(time.RFC3339), End: t.Booking.EndsAt.Format(time.RFC3339)}
	}
	return v
}

func linkViews(ls []ticket.Link) []views.LinkView {
	var out []views.LinkView
	for _, l := range ls {
		lv := views.LinkView{Kind: l.Kind, Title: l.Title}
		switch l.Kind {
		case ticket.LinkDashboard:
			lv.URL = "/dashboards/" + l.Ref
		case ticket.LinkNotebook:
			lv.URL = "/notebooks/" + l.Ref
		case ticket.LinkDataset:
			lv.URL = "/explore?dataset=" + l.Ref
		}
		out = append(out, lv)
	}
	return out
}

// sessionLabel is an office hour on the office hours' own clock, named;
// the page shows it on the reader's clock too.
func sessionLabel(start, end time.Time) string {
	return start.Format("Mon 2 Jan 15:04") + "–" + end.Format("15:04 MST")
}

// historyText says a change in words, after the name of who made it.
func historyText(h ticket.Change) string {
	switch h.Field {
	case "created":
		return "filed the request"
	case "status":
		return fmt.Sprintf("changed the status from %s to %s", ticket.Status(h.Old).Label(), ticket.Status(h.New).Label())
	case "assignee":
		if h.New == "" {
			return "unassigned " + h.Old
		}
		return "assigned it to " + h.New
	case "priority", "urgency":
		if h.New == "" {
			return "cleared the " + h.Field
		}
		return fmt.Sprintf("set the %s to %s", h.Field, h.New)
	case "title":
		return fmt.Sprintf("changed the title from “%s”", h.Old)
	case "guide":
		if h.New == "true" {
			return "made the answer a guide entry"
		}
		return "took the answer out of the guide"
	case "access":
		return h.New + " the access request"
	case "merged_into":
		return "merged it into " + h.New
	case "merged_from":
		return "merged " + h.New + " into this request"
	case "solved_by_guide":
		return "marked it answered by guide entry " + h.New
	case "office_hours":
		if h.New == "" {
			return "cancelled the office hours of " + h.Old
		}
		return "booked office hours for " + h.New
	}
	return historyEdits[h.Field]
}

var historyEdits = map[string]string{
	"body": "edited the details", "wanted_by": "changed the wanted-by date", "links": "changed what it is about",
	"answer": "answered", "answer_links": "changed what the answer links to",
}

// freeSessions are the bookable sessions, valued "slot@unix-ms".
func (h *ticketHandlers) freeSessions(ctx context.Context) ([]views.SessionOption, error) {
	sessions, err := h.tickets.Sessions(ctx, officeHoursWeeks)
	var out []views.SessionOption
	for _, s := range sessions {
		if s.Booking == nil {
			out = append(out, views.SessionOption{Value: s.Slot.ID + "@" + strconv.FormatInt(s.StartsAt.UnixMilli(), 10), Label: sessionLabel(s.StartsAt, s.EndsAt),
				Start: s.StartsAt.Format(time.RFC3339), End: s.EndsAt.Format(time.RFC3339)})
		}
	}
	return out, err
}

func (h *ticketHandlers) triageChoices(ctx context.Context, who *auth.User, page *views.TicketView) error {
	page.Statuses, page.Priorities = statusOptions(), ticket.Priorities
	team, err := h.users.UsersOfTiers(ctx, auth.TierData, auth.TierAdmin)
	if err != nil {
		return err
	}
	for _, u := range team {
		page.DataTeam = append(page.DataTeam, views.Option{Value: u.Email, Label: u.Name})
	}
	ch := &page.Answerable
	if ch.Dashboards, err = h.dashboardOptions(ctx, who); err != nil {
		return err
	}
	if ch.Notebooks, err = h.notebookOptions(ctx, who); err != nil {
		return err
	}
	sets, err := h.dashboards.Datasets(ctx, who)
	if err != nil {
		return err
	}
	for _, d := range sets {
		ch.Datasets = append(ch.Datasets, views.Option{Value: d.ID, Label: d.Name})
	}
	guides, err := h.tickets.Answers(ctx, who, "", 200)
	for _, g := range guides {
		if g.Guide && g.ID != page.ID {
			ch.Guides = append(ch.Guides, views.Option{Value: strconv.FormatInt(g.ID, 10), Label: "#" + strconv.FormatInt(g.ID, 10) + " " + g.Title})
		}
	}
	return err
}

// ticketForm runs a form's change to ticket id and goes back to its page.
func ticketForm(c echo.Context, change func(ctx context.Context, who *auth.User, id int64) error) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	if err := change(c.Request().Context(), currentUser(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/tickets/"+strconv.FormatInt(id, 10))
}

func (h *ticketHandlers) triageTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		status, assignee, priority := c.FormValue("status"), c.FormValue("assignee"), c.FormValue("priority")
		_, err := h.tickets.Triage(ctx, who, id, ticket.Patch{Status: &status, Assignee: &assignee, Priority: &priority})
		return err
	})
}

func (h *ticketHandlers) editTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		title, body := c.FormValue("title"), c.FormValue("body")
		_, err := h.tickets.Edit(ctx, who, id, ticket.Edit{Title: &title, Body: &body})
		return err
	})
}

func (h *ticketHandlers) commentTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		_, err := h.tickets.Comment(ctx, who, id, c.FormValue("body"))
		return err
	})
}

func (h *ticketHandlers) answerTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		solved, _ := strconv.ParseInt(c.FormValue("solved_by"), 10, 64)
		_, err := h.tickets.Answer(ctx, who, id, ticket.Answer{Text: c.FormValue("text"), SolvedBy: solved,
			Links: formLinks(c.FormValue("dashboard"), c.FormValue("notebook"), "", c.FormValue("dataset"))})
		return err
	})
}

func (h *ticketHandlers) guideTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		_, err := h.tickets.SetGuide(ctx, who, id, c.FormValue("on") == "true")
		return err
	})
}

func (h *ticketHandlers) mergeTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		into, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(c.FormValue("into")), "#"), 10, 64)
		_, err := h.tickets.Merge(ctx, who, id, into)
		return err
	})
}

func (h *ticketHandlers) decideAccessForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		form, _ := c.FormParams()
		_, err := h.decideAccess(ctx, who, id, ticket.Decision{Approve: c.FormValue("decision") == "approve", Note: c.FormValue("note")},
			form["grant_owner"])
		return err
	})
}

func (h *ticketHandlers) watchTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		return h.tickets.Watch(ctx, who, id, c.FormValue("on") == "true")
	})
}

func (h *ticketHandlers) bookTicketForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		slot, ms, _ := strings.Cut(c.FormValue("session"), "@")
		at, _ := strconv.ParseInt(ms, 10, 64)
		_, err := h.tickets.Book(ctx, who, id, slot, time.UnixMilli(at))
		return err
	})
}

func (h *ticketHandlers) cancelBookingForm(c echo.Context) error {
	return ticketForm(c, func(ctx context.Context, who *auth.User, id int64) error {
		return h.tickets.CancelBooking(ctx, who, id)
	})
}
