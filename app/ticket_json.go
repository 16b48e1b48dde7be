package app

import (
	"time"

	"github.com/pier-analytics/pier/ticket"
)

// apiTicket is a ticket as the API shows it. Text is as typed (markdown);
// whoever shows it renders and sanitises it, as Pier's pages do.
type apiTicket struct {
	ID           int64                 `json:"id"`
	Title        string                `json:"title"`
	Body         string                `json:"body"`
	Category     ticket.Category       `json:"category"`
	Urgency      string                `json:"urgency"`
	WantedBy     string                `json:"wanted_by,omitempty"`
	Status       ticket.Status         `json:"status"`
	Priority     string                `json:"priority,omitempty"`
	Requester    ticket.Person         `json:"requester"`
	Assignee     *ticket.Person        `json:"assignee"`
	Links        []ticket.Link         `json:"links"`
	Access       *ticket.AccessRequest `json:"access,omitempty"`
	Answer       *apiAnswer            `json:"answer,omitempty"`
	MergedInto   int64                 `json:"merged_into,omitempty"`
	CommentCount *int                  `json:"comment_count,omitempty"`
	Booking      *apiBooking           `json:"booking,omitempty"`
	FirstReplyAt *time.Time            `json:"first_response_at,omitempty"`
	CreatedAt    time.Time             `json:"created_at"`
	UpdatedAt    time.Time             `json:"updated_at"`
}

// apiTicketFull is a ticket with everything that happened to it.
type apiTicketFull struct {
	apiTicket
	Comments []apiComment    `json:"comments"`
	History  []apiChange     `json:"history"`
	Watchers []ticket.Person `json:"watchers"`
}

type apiAnswer struct {
	Text     string        `json:"text"`
	Links    []ticket.Link `json:"links"`
	By       ticket.Person `json:"by"`
	At       time.Time     `json:"at"`
	Guide    bool          `json:"guide"`
	SolvedBy int64         `json:"solved_by,omitempty"`
}

type apiComment struct {
	ID        string        `json:"id"`
	Author    ticket.Person `json:"author"`
	Body      string        `json:"body"`
	CreatedAt time.Time     `json:"created_at"`
}

type apiChange struct {
	Actor ticket.Person `json:"actor"`
	Field string        `json:"field"`
	Old   string        `json:"old"`
	New   string        `json:"new"`
	At    time.Time     `json:"at"`
}

type apiBooking struct {
	Slot     string        `json:"slot"`
	StartsAt time.Time     `json:"starts_at"`
	EndsAt   time.Time     `json:"ends_at"`
	Ticket   int64         `json:"ticket"`
	BookedBy ticket.Person `json:"booked_by"`
}

func toAPIBooking(b *ticket.Booking) *apiBooking {
	if b == nil {
		return nil
	}
	return &apiBooking{Slot: b.SlotID, StartsAt: b.StartsAt, EndsAt: b.EndsAt, Ticket: b.TicketID, BookedBy: b.BookedBy}
}

func toAPITicket(t *ticket.Ticket) apiTicket {
	out := apiTicket{ID: t.ID, Title: t.Title, Body: t.Body, Category: t.Category, Urgency: t.Urgency, WantedBy: t.WantedBy,
		Status: t.Status, Priority: t.Priority, Requester: t.Requester, Assignee: t.Assignee, Links: t.Links, Access: t.Access,
		MergedInto: t.MergedInto, Booking: toAPIBooking(t.Booking), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	if !t.FirstReplyAt.IsZero() {
		out.FirstReplyAt = &t.FirstReplyAt
	}
	if t.AnsweredBy != nil {
		out.Answer = &apiAnswer{Text: t.Answer, Links: t.AnswerLinks, By: *t.AnsweredBy, At: t.AnsweredAt, Guide: t.Guide, SolvedBy: t.SolvedBy}
	}
	return out
}

func toAPITicketFull(t *ticket.Ticket) apiTicketFull {
	out := apiTicketFull{apiTicket: toAPITicket(t), Comments: []apiComment{}, History: []apiChange{}, Watchers: t.Watchers}
	for _, c := range t.Comments {
		out.Comments = append(out.Comments, toAPIComment(c))
	}
	for _, h := range t.History {
		out.History = append(out.History, apiChange{Actor: h.Actor, Field: h.Field, Old: h.Old, New: h.New, At: h.CreatedAt})
	}
	return out
}

func toAPIComment(c ticket.Comment) apiComment {
	return apiComment{ID: c.ID, Author: c.Author, Body: c.Body, CreatedAt: c.CreatedAt}
}

func toAPISummaries(list []ticket.Summary) []apiTicket {
	out := make([]apiTicket, 0, len(list))
	for _, s := range list {
		t := toAPITicket(s.Ticket)
		n := s.Comments
		t.CommentCount = &n
		out = append(out, t)
	}
	return out
}
