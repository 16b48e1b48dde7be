package dashboard

import (
	"context"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// Authorizer decides what a tier may do.
type Authorizer interface {
	Authorize(who *auth.User, obj, act string) error
}

// People finds users: those a dashboard is shared with, and owners.
type People interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
	UserByID(ctx context.Context, id string) (*auth.User, error)
	TableGrants(ctx context.Context, userID string) (map[string]bool, error)
}

// Engine is what the service needs of the query engine.
type Engine interface {
	Describe(ctx context.Context, p query.Principal, req query.Request) (*query.Description, error)
	QueryCached(ctx context.Context, p query.Principal, req query.Request) (*query.Cached, error)
	Missing(ctx context.Context, p query.Principal) (func(tables []string) []string, error)
}

// Service holds the rules of datasets and dashboards.
type Service struct {
	db     *store.DB
	auth   Authorizer
	people People
	engine Engine
}

// NewService returns the dashboard service over the metadata store.
func NewService(db *store.DB, a Authorizer, people People, engine Engine) *Service {
	return &Service{db: db, auth: a, people: people, engine: engine}
}

// principal is userID with their own grants.
func (s *Service) principal(ctx context.Context, userID string) (query.Principal, error) {
	grants, err := s.people.TableGrants(ctx, userID)
	if err != nil {
		return query.Principal{}, err
	}
	return query.Principal{UserID: userID, Grants: grants}, nil
}

// onBehalf is whom a dashboard's tiles run as when viewer looks at them:
// the owner's tables, so the viewer needs no grants of their own, but PII
// unhashed only where both the owner and the viewer may see it. The
// viewer is named, so the query log says who looked.
func (s *Service) onBehalf(ctx context.Context, d *Dashboard, viewerID string) (query.Principal, error) {
	p, err := s.principal(ctx, d.OwnerID)
	if err != nil || viewerID == d.OwnerID {
		return p, err
	}
	own, err := s.people.TableGrants(ctx, viewerID)
	if err != nil {
		return query.Principal{}, err
	}
	for t, pii := range p.Grants {
		p.Grants[t] = pii && own[t]
	}
	p.UserID = viewerID
	return p, nil
}

// readable returns whether userID may read every restricted table of a
// list of tables.
func (s *Service) readable(ctx context.Context, userID string) (func(tables []string) bool, error) {
	missing, err := s.missingFor(ctx, userID)
	if err != nil {
		return nil, err
	}
	return func(tables []string) bool { return len(missing(tables)) == 0 }, nil
}

// missingFor returns a function that lists the restricted tables, of
// some, that userID holds no grant for.
func (s *Service) missingFor(ctx context.Context, userID string) (func(tables []string) []string, error) {
	p, err := s.principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.engine.Missing(ctx, p)
}

func (s *Service) canRead(ctx context.Context, userID string, tables []string) (bool, error) {
	can, err := s.readable(ctx, userID)
	if err != nil {
		return false, err
	}
	return can(tables), nil
}
