package app

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/ticket"
)

type apiHealth struct {
	Weeks             []string                  `json:"weeks"`
	PerCategory       map[ticket.Category][]int `json:"per_category"`
	Backlog           []int                     `json:"backlog"`
	Open              int                       `json:"open"`
	Filed             int                       `json:"filed"`
	Answered          int                       `json:"answered"`
	AnsweredByGuide   int                       `json:"answered_by_guide"`
	MedianFirstReplyH *float64                  `json:"median_first_response_hours"`
	MedianToAnswerH   *float64                  `json:"median_answer_hours"`
	FirstReplyWeeklyH []*float64                `json:"first_response_hours_by_week"`
	ToAnswerWeeklyH   []*float64                `json:"answer_hours_by_week"`
}

// healthWeeks is how far back the queue health page looks.
const healthWeeks = 12

func (h *ticketHandlers) apiTicketHealth(c echo.Context) error {
	health, err := h.tickets.Health(c.Request().Context(), currentUser(c), healthWeeks)
	if err != nil {
		return err
	}
	out := apiHealth{PerCategory: health.PerCategory, Backlog: health.Backlog, Open: health.Open, Filed: health.Filed, Answered: health.Answered,
		AnsweredByGuide: health.ByGuide, MedianFirstReplyH: hours(health.Medians.FirstReply), MedianToAnswerH: hours(health.Medians.ToAnswer)}
	for i, w := range health.Weeks {
		out.Weeks = append(out.Weeks, w.Format(time.DateOnly))
		out.FirstReplyWeeklyH = append(out.FirstReplyWeeklyH, hours(health.FirstReply[i]))
		out.ToAnswerWeeklyH = append(out.ToAnswerWeeklyH, hours(health.ToAnswer[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func hours(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	h := math.Round(d.Hours()*10) / 10
	return &h
}

// healthPage shows everyone the queue's numbers; the data team also gets
// the weekly charts.
func (h *ticketHandlers) healthPage(c echo.Context) error {
	who := currentUser(c)
	health, err := h.tickets.Health(c.Request().Context(), who, healthWeeks)
	if err != nil {
		return err
	}
	page := views.HealthPage{Open: health.Open, Filed: health.Filed, Weeks: healthWeeks, MedianReply: duration(health.Medians.FirstReply),
		MedianAnswer: duration(health.Medians.ToAnswer), GuideShare: "–",
		Charts: h.can(who).Triage}
	if share := health.GuideShare(); share >= 0 {
		page.GuideShare = fmt.Sprintf("%.0f%% (%d of %d)", share*100, health.ByGuide, health.Answered)
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Health(page, v) })
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
func (h *ticketHandlers) apiHealthChart(c echo.Context) error {
	who := currentUser(c)
	if err := h.authorize(who, auth.ObjTicket, auth.ActTriage); err != nil {
		return err
	}
	health, err := h.tickets.Health(c.Request().Context(), who, healthWeeks)
	if err != nil {
		return err
	}
	spec, table, err := healthChart(c.Param("name"), health)
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
