package ticket

import (
	"context"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Authorizer decides what a tier may do.
type Authorizer interface {
	Authorize(who *auth.User, obj, act string) error
}

// People finds users by e-mail, for assignees.
type People interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
}

// Linker looks up what a link points to with the rights of who: its title,
// and whether who may see it at all. Tables are looked up in the lake.
type Linker interface {
	Resolve(ctx context.Context, who *auth.User, l Link) (title string, ok bool, err error)
}

// Notifier hears of new tickets and status changes; it must not block.
type Notifier interface {
	Notify(ctx context.Context, e Event)
}

// Event is a change others may want to hear of.
type Event struct {
	Ticket *Ticket
	Actor  *auth.User
	Old    Status // empty for a new ticket
}

// Service holds the rules of the request queue.
type Service struct {
	db     *store.DB
	auth   Authorizer
	people People
	links  Linker
	notify Notifier
	loc    *time.Location
	now    func() time.Time
	most   int // upcoming office hours one person may hold
}

// DefaultMaxBookings is how many upcoming office hours one person may hold
// unless configured otherwise: enough for two requests, too few to take
// every session.
const DefaultMaxBookings = 2

// Config is what a Service needs besides the store.
type Config struct {
	Auth   Authorizer
	People People
	Links  Linker
	Notify Notifier       // nil: nobody is told
	Zone   *time.Location // office hours' clock; nil: the server's
	Now    func() time.Time
	// MaxBookings is how many upcoming office hours one person outside the
	// data team may hold; 0 means DefaultMaxBookings.
	MaxBookings int
}

// NewService returns the ticket service over the metadata store.
func NewService(db *store.DB, cfg Config) *Service {
	s := &Service{db: db, auth: cfg.Auth, people: cfg.People, links: cfg.Links, notify: cfg.Notify, loc: cfg.Zone, now: cfg.Now, most: cfg.MaxBookings}
	if s.most <= 0 {
		s.most = DefaultMaxBookings
	}
	if s.loc == nil {
		s.loc = time.Local
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.notify == nil {
		s.notify = quiet{}
	}
	return s
}

type quiet struct{}

func (quiet) Notify(context.Context, Event) {}

var errNotFound = pier.Errorf(pier.ENotFound, "There is no such request.")

// canTriage reports whether who is on the data team.
func (s *Service) canTriage(who *auth.User) bool {
	return s.auth.Authorize(who, auth.ObjTicket, auth.ActTriage) == nil
}

// require is Authorize with the refusal said in terms of what was tried;
// not being signed in stays a 401.
func (s *Service) require(who *auth.User, obj, act, refusal string) error {
	err := s.auth.Authorize(who, obj, act)
	if pier.ErrorCode(err) == pier.EForbidden {
		return pier.Errorf(pier.EForbidden, "%s", refusal)
	}
	return err
}

func (s *Service) stamp() int64 { return s.now().UnixMilli() }
