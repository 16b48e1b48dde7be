package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/ticket"
	"github.com/pier-analytics/pier/webhook"
)

func (a *App) officeHoursPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	sessions, err := a.tickets.Sessions(ctx, officeHoursWeeks)
	if err != nil {
		return err
	}
	slots, err := a.tickets.Slots(ctx)
	if err != nil {
		return err
	}
	zone, _ := time.Now().Zone()
	page := views.OfficeHoursPage{Zone: zone, CanEdit: a.enforcer.Capabilities(who).ManageHours}
	for _, s := range sessions {
		row := views.SessionRow{When: sessionLabel(s.StartsAt, s.EndsAt), Free: s.Booking == nil}
		if b := s.Booking; b != nil {
			row.TicketID, row.TicketTitle, row.BookedBy = b.TicketID, b.TicketTitle, b.BookedBy.Name
		}
		page.Sessions = append(page.Sessions, row)
	}
	for _, s := range slots {
		page.Slots = append(page.Slots, views.SlotRow{ID: s.ID, Label: s.Label()})
	}
	for d := time.Monday; d <= time.Saturday+1; d++ {
		page.Weekdays = append(page.Weekdays, views.Option{Value: strconv.Itoa(int(d % 7)), Label: (d % 7).String()})
	}
	return a.render(c, http.StatusOK, views.OfficeHours(page, a.viewer(c)))
}

func (a *App) addSlotForm(c echo.Context) error {
	day, _ := strconv.Atoi(c.FormValue("weekday"))
	minutes, _ := strconv.Atoi(c.FormValue("minutes"))
	if _, err := a.tickets.AddSlot(c.Request().Context(), currentUser(c), day, c.FormValue("start"), minutes); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/office-hours")
}

func (a *App) removeSlotForm(c echo.Context) error {
	if err := a.tickets.RemoveSlot(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/office-hours")
}

// healthPage shows everyone the queue's numbers; the data team also gets
// the weekly charts.
func (a *App) healthPage(c echo.Context) error {
	who := currentUser(c)
	h, err := a.tickets.Health(c.Request().Context(), who, healthWeeks)
	if err != nil {
		return err
	}
	page := views.HealthPage{Open: h.Open, Filed: h.Filed, Weeks: healthWeeks, MedianReply: duration(h.Medians.FirstReply),
		MedianAnswer: duration(h.Medians.ToAnswer), GuideShare: "–",
		Charts: a.enforcer.Capabilities(who).Triage}
	if share := h.GuideShare(); share >= 0 {
		page.GuideShare = fmt.Sprintf("%.0f%% (%d of %d)", share*100, h.ByGuide, h.Answered)
	}
	return a.render(c, http.StatusOK, views.Health(page, a.viewer(c)))
}

// duration says a wait in the unit people think of it in.
func duration(d *time.Duration) string {
	switch {
	case d == nil:
		return "–"
	case *d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case *d < 48*time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// apiHealthChart draws one of the health page's charts (data team).
func (a *App) apiHealthChart(c echo.Context) error {
	who := currentUser(c)
	if err := a.enforcer.Authorize(who, auth.ObjTicket, auth.ActTriage); err != nil {
		return err
	}
	h, err := a.tickets.Health(c.Request().Context(), who, healthWeeks)
	if err != nil {
		return err
	}
	spec, table, err := healthChart(c.Param("name"), h)
	if err != nil {
		return err
	}
	d, err := chart.Draw(spec, table)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func healthChart(name string, h *ticket.Health) (chart.Spec, chart.Table, error) {
	week := func(i int) string { return h.Weeks[i].Format(time.DateOnly) }
	var t chart.Table
	switch name {
	case "categories":
		t.Columns = []chart.Column{{Name: "week", Type: "VARCHAR"}, {Name: "category", Type: "VARCHAR"}, {Name: "requests", Type: "BIGINT"}}
		for i := range h.Weeks {
			for _, cat := range ticket.Categories {
				t.Rows = append(t.Rows, []any{week(i), cat.Label(), int64(h.PerCategory[cat][i])})
			}
		}
		return chart.Spec{Type: "stacked_bar", X: "week", Y: []string{"requests"}, Series: "category"}, t, nil
	case "backlog":
		t.Columns = []chart.Column{{Name: "week", Type: "VARCHAR"}, {Name: "open", Type: "BIGINT"}}
		for i := range h.Weeks {
			t.Rows = append(t.Rows, []any{week(i), int64(h.Backlog[i])})
		}
		return chart.Spec{Type: "line", X: "week", Y: []string{"open"}}, t, nil
	case "times":
		t.Columns = []chart.Column{{Name: "week", Type: "VARCHAR"}, {Name: "first response (h)", Type: "DOUBLE"}, {Name: "answer (h)", Type: "DOUBLE"}}
		for i := range h.Weeks {
			t.Rows = append(t.Rows, []any{week(i), floatOrNil(hours(h.FirstReply[i])), floatOrNil(hours(h.ToAnswer[i]))})
		}
		return chart.Spec{Type: "line", X: "week", Y: []string{"first response (h)", "answer (h)"}}, t, nil
	}
	return chart.Spec{}, t, pier.Errorf(pier.ENotFound, "There is no chart %q.", name)
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func (a *App) webhookPage(c echo.Context) error {
	ctx := c.Request().Context()
	cfg, err := webhook.Load(ctx, a.db)
	if err != nil {
		return err
	}
	_, zone := a.zone.get()
	page := views.WebhookPage{URL: cfg.URL, AllowPrivate: cfg.AllowPrivate, Zone: zone, ServerZone: serverZoneName()}
	switch f := a.popFlash(ctx, zoneFlash); f.What {
	case "saved":
		page.ZoneSaved = f.Text
	case "error":
		typed, said, _ := strings.Cut(f.Text, "\n")
		page.Zone, page.ZoneProblem = typed, said
	}
	if err := a.fillSettingsPage(ctx, &page); err != nil {
		return err
	}
	return a.render(c, http.StatusOK, views.WebhookSettings(page, a.viewer(c)))
}

func (a *App) fillSettingsPage(ctx context.Context, page *views.WebhookPage) error {
	recent, err := a.outbox.Recent(ctx, 20)
	if err != nil {
		return err
	}
	for _, d := range recent {
		page.Deliveries = append(page.Deliveries, views.DeliveryRow{When: a.when(d.CreatedAt), Text: d.Text, State: d.State(), Attempts: d.Attempts, Error: d.LastError})
	}
	return nil
}

// zoneForm sets the report time zone (admins).
func (a *App) zoneForm(c echo.Context) error {
	ctx := c.Request().Context()
	err := a.zone.set(ctx, c.FormValue("timezone"))
	switch {
	case pier.ErrorCode(err) == pier.EInvalid: // said beside the field, with what was typed
		a.putFlash(ctx, zoneFlash, flash{"error", c.FormValue("timezone") + "\n" + pier.ErrorMessage(err)})
	case err != nil:
		return err
	default:
		a.putFlash(ctx, zoneFlash, flash{"saved", "Saved: every time in Pier now reads in " + a.zoneName() + "."})
	}
	return c.Redirect(http.StatusSeeOther, "/settings/webhook#zone")
}

func (a *App) apiGetZone(c echo.Context) error {
	_, name := a.zone.get()
	return c.JSON(http.StatusOK, map[string]string{"timezone": name, "effective": a.zoneName()})
}

func (a *App) apiSetZone(c echo.Context) error {
	var body struct {
		Timezone string `json:"timezone"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := a.zone.set(c.Request().Context(), body.Timezone); err != nil {
		return err
	}
	return a.apiGetZone(c)
}

func (a *App) webhookForm(c echo.Context) error {
	cfg := webhook.Config{URL: c.FormValue("url"), AllowPrivate: c.FormValue("allow_private") == "true", Base: a.siteURL(c)}
	if err := webhook.Save(c.Request().Context(), a.db, cfg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/webhook")
}
