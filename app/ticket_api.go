package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/ticket"
)

// ticketRoutes are open to anyone signed in: the queue is public. The
// ticket service decides who may triage, answer and grant.
func (a *App) ticketRoutes(g *echo.Group) {
	h := a.ticketsHandlers()
	g.GET("", h.apiListTickets)
	g.POST("", h.apiFileTicket)
	g.GET("/similar", h.apiSimilar)
	g.GET("/health", h.apiTicketHealth)
	g.GET("/health/charts/:name", h.apiHealthChart)
	g.GET("/:id", h.apiGetTicket)
	g.PATCH("/:id", h.apiTriageTicket)
	g.PUT("/:id", h.apiEditTicket)
	g.POST("/:id/comments", h.apiCommentTicket)
	g.POST("/:id/answer", h.apiAnswerTicket)
	g.POST("/:id/guide", h.apiGuideTicket)
	g.POST("/:id/merge", h.apiMergeTicket)
	g.POST("/:id/access", h.apiDecideAccess)
	g.POST("/:id/watch", h.apiWatchTicket)
	g.DELETE("/:id/watch", h.apiWatchTicket)
	g.POST("/:id/booking", h.apiBookTicket)
	g.DELETE("/:id/booking", h.apiCancelBooking)
}

func ticketID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, pier.Errorf(pier.ENotFound, "There is no such request.")
	}
	return id, nil
}

type fileBody struct {
	Title    string                `json:"title"`
	Body     string                `json:"body"`
	Category string                `json:"category"`
	Urgency  string                `json:"urgency"`
	WantedBy string                `json:"wanted_by"`
	Links    []ticket.Link         `json:"links"`
	Access   *ticket.AccessRequest `json:"access"`
}

func (h *ticketHandlers) apiFileTicket(c echo.Context) error {
	var b fileBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.File(c.Request().Context(), currentUser(c), ticket.New{Title: b.Title, Body: b.Body, Category: b.Category,
		Urgency: b.Urgency, WantedBy: b.WantedBy, Links: b.Links, Access: b.Access})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPITicketFull(t))
}

func (h *ticketHandlers) apiListTickets(c echo.Context) error {
	q := c.QueryParams()
	list, err := h.tickets.List(c.Request().Context(), currentUser(c), ticket.Query{Status: q.Get("status"), Category: q.Get("category"),
		Assignee: q.Get("assignee"), Requester: q.Get("requester"), Text: q.Get("q")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"tickets": toAPISummaries(list)})
}

func (h *ticketHandlers) apiAnswers(c echo.Context) error {
	list, err := h.tickets.Answers(c.Request().Context(), currentUser(c), c.QueryParam("q"), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"answers": toAPISummaries(list)})
}

func (h *ticketHandlers) apiGetTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	t, err := h.tickets.Get(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

type triageBody struct {
	Status   *string `json:"status"`
	Assignee *string `json:"assignee"`
	Priority *string `json:"priority"`
}

func (h *ticketHandlers) apiTriageTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b triageBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.Triage(c.Request().Context(), currentUser(c), id, ticket.Patch{Status: b.Status, Assignee: b.Assignee, Priority: b.Priority})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

type editBody struct {
	Title    *string        `json:"title"`
	Body     *string        `json:"body"`
	Urgency  *string        `json:"urgency"`
	WantedBy *string        `json:"wanted_by"`
	Links    *[]ticket.Link `json:"links"`
}

func (h *ticketHandlers) apiEditTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b editBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.Edit(c.Request().Context(), currentUser(c), id, ticket.Edit(b))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

func (h *ticketHandlers) apiCommentTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cm, err := h.tickets.Comment(c.Request().Context(), currentUser(c), id, b.Body)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIComment(*cm))
}

type answerBody struct {
	Text     string        `json:"text"`
	Links    []ticket.Link `json:"links"`
	SolvedBy int64         `json:"solved_by"`
}

func (h *ticketHandlers) apiAnswerTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b answerBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.Answer(c.Request().Context(), currentUser(c), id, ticket.Answer(b))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

func (h *ticketHandlers) apiGuideTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b struct {
		Guide bool `json:"guide"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.SetGuide(c.Request().Context(), currentUser(c), id, b.Guide)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

func (h *ticketHandlers) apiMergeTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b struct {
		Into int64 `json:"into"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.tickets.Merge(c.Request().Context(), currentUser(c), id, b.Into)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

func (h *ticketHandlers) apiDecideAccess(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b struct {
		Approve     *bool    `json:"approve"`
		Note        string   `json:"note"`
		GrantOwners []string `json:"grant_owners"` // also grant these owners of dashboards it concerns who lack the table
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if b.Approve == nil {
		return pier.Errorf(pier.EInvalid, `Say "approve": true or false.`)
	}
	t, err := h.decideAccess(c.Request().Context(), currentUser(c), id, ticket.Decision{Approve: *b.Approve, Note: b.Note}, b.GrantOwners)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPITicketFull(t))
}

func (h *ticketHandlers) apiWatchTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	on := c.Request().Method == http.MethodPost
	if err := h.tickets.Watch(c.Request().Context(), currentUser(c), id, on); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"watching": on})
}

func (h *ticketHandlers) apiBookTicket(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	var b struct {
		Slot     string    `json:"slot"`
		StartsAt time.Time `json:"starts_at"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	bk, err := h.tickets.Book(c.Request().Context(), currentUser(c), id, b.Slot, b.StartsAt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIBooking(bk))
}

func (h *ticketHandlers) apiCancelBooking(c echo.Context) error {
	id, err := ticketID(c)
	if err != nil {
		return err
	}
	if err := h.tickets.CancelBooking(c.Request().Context(), currentUser(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
