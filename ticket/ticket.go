package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
)

// Ticket is a data request and everything that happened to it.
type Ticket struct {
	ID          int64
	Title       string
	Body        string
	Category    Category
	Urgency     string
	WantedBy    string // YYYY-MM-DD, or empty
	Status      Status
	Priority    string
	RequesterID string
	Requester   Person
	Assignee    *Person
	Links       []Link
	Access      *AccessRequest // for the data access category

	Answer       string
	AnswerLinks  []Link
	AnsweredBy   *Person
	AnsweredAt   time.Time
	Guide        bool  // the data team marked the answer as a guide entry
	SolvedBy     int64 // the guide entry that answered it, if one did
	MergedInto   int64
	FirstReplyAt time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time

	Comments []Comment
	History  []Change
	Watchers []Person
	Booking  *Booking
}

// Person is a user as a ticket names them.
type Person struct {
	ID    string `json:"-"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// Category is what a request is about.
type Category string

// Categories, in the order the filing form offers them.
const (
	CatNewSource  Category = "new_data_source"
	CatDashboard  Category = "dashboard"
	CatAnalysis   Category = "analysis"
	CatDataAccess Category = "data_access"
	CatDataWrong  Category = "data_looks_wrong"
	CatOther      Category = "other"
)

// Categories lists every category.
var Categories = []Category{CatNewSource, CatDashboard, CatAnalysis, CatDataAccess, CatDataWrong, CatOther}

var categoryLabels = map[Category]string{
	CatNewSource: "New data source", CatDashboard: "Dashboard", CatAnalysis: "Analysis",
	CatDataAccess: "Data access", CatDataWrong: "Data looks wrong", CatOther: "Other",
}

// Label is the category in words.
func (c Category) Label() string { return categoryLabels[c] }

// Status is where a ticket is in the queue.
type Status string

// Statuses, in the order a ticket moves through them.
const (
	StatusNew        Status = "new"
	StatusTriaged    Status = "triaged"
	StatusInProgress Status = "in_progress"
	StatusAnswered   Status = "answered"
	StatusClosed     Status = "closed"
)

// Statuses lists every status, in order.
var Statuses = []Status{StatusNew, StatusTriaged, StatusInProgress, StatusAnswered, StatusClosed}

var statusLabels = map[Status]string{
	StatusNew: "New", StatusTriaged: "Triaged", StatusInProgress: "In progress", StatusAnswered: "Answered", StatusClosed: "Closed",
}

// Label is the status in words.
func (s Status) Label() string { return statusLabels[s] }

// Open reports whether the ticket still waits for the data team.
func (s Status) Open() bool { return s != StatusAnswered && s != StatusClosed }

// Urgencies are how soon the requester needs an answer; priorities are the
// data team's own ranking, on the same scale.
var (
	Urgencies  = []string{"low", "normal", "high", "urgent"}
	Priorities = Urgencies
)

// Link points at something in Pier: a dashboard, dataset or notebook by
// id, or a table by name. Title is filled in for the reader, if they may
// see it.
type Link struct {
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Title string `json:"title,omitempty"`
}

// Link kinds.
const (
	LinkDashboard = "dashboard"
	LinkDataset   = "dataset"
	LinkNotebook  = "notebook"
	LinkTable     = "table"
)

// AccessRequest is what a data access ticket asks for, and what an admin
// decided.
type AccessRequest struct {
	Table    string `json:"table"`
	PII      bool   `json:"pii"`
	Decision string `json:"decision,omitempty"` // approved, denied, or empty while pending
}

// Comment is one message on a ticket.
type Comment struct {
	ID        string
	Author    Person
	Body      string
	CreatedAt time.Time
}

// Change is one line of a ticket's history.
type Change struct {
	Actor     Person
	Field     string
	Old, New  string
	CreatedAt time.Time
}

// Limits on what people type, so that the queue stays readable.
const (
	maxTitle   = 200
	maxText    = 20000
	maxLinks   = 10
	maxSearch  = 200
	dateLayout = "2006-01-02"
)

func parseCategory(s string) (Category, error) {
	c := Category(strings.TrimSpace(s))
	if slices.Contains(Categories, c) {
		return c, nil
	}
	return "", pier.Errorf(pier.EInvalid, "%q is not a category; use one of %s.", s, joinAll(Categories))
}

func parseStatus(s string) (Status, error) {
	st := Status(strings.TrimSpace(s))
	if slices.Contains(Statuses, st) {
		return st, nil
	}
	return "", pier.Errorf(pier.EInvalid, "%q is not a status; use one of %s.", s, joinAll(Statuses))
}

func parseLevel(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	if slices.Contains(Urgencies, s) {
		return s, nil
	}
	return "", pier.Errorf(pier.EInvalid, "%q is not a %s; use one of %s.", s, what, strings.Join(Urgencies, ", "))
}

func joinAll[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

// Message says what happened in one line, for a chat channel.
func (e Event) Message() string {
	t := e.Ticket
	if e.Old == "" {
		return fmt.Sprintf("New data request #%d from %s (%s, %s urgency): %s", t.ID, t.Requester.Name, t.Category.Label(), t.Urgency, t.Title)
	}
	return fmt.Sprintf("Request #%d is now %s (was %s), by %s: %s", t.ID, t.Status.Label(), e.Old.Label(), e.Actor.Name, t.Title)
}
