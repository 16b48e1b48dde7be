package dashboard

import (
	"context"
	"maps"

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
	Restricted(ctx context.Context) (func(table string) bool, error)
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
	owner, err := s.people.TableGrants(ctx, d.OwnerID)
	if err != nil {
		return query.Principal{}, err
	}
	viewer := owner
	if viewerID != d.OwnerID {
		if viewer, err = s.people.TableGrants(ctx, viewerID); err != nil {
			return query.Principal{}, err
		}
	}
	return runAs(d.OwnerID, owner, viewerID, viewer), nil
}

// runAs is onBehalf from grants already read.
func runAs(ownerID string, owner map[string]bool, viewerID string, viewer map[string]bool) query.Principal {
	p := query.Principal{UserID: ownerID, Grants: maps.Clone(owner)}
	if viewerID == ownerID {
		return p
	}
	for t, pii := range p.Grants {
		p.Grants[t] = pii && viewer[t]
	}
	p.UserID = viewerID
	return p
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
	grants, err := s.people.TableGrants(ctx, userID)
	if err != nil {
		return nil, err
	}
	restricted, err := s.engine.Restricted(ctx)
	if err != nil {
		return nil, err
	}
	return missingOf(restricted, grants), nil
}

// missingOf lists the restricted tables, of some, that grants do not hold.
func missingOf(restricted func(string) bool, grants map[string]bool) func(tables []string) []string {
	return func(tables []string) []string {
		var out []string
		for _, t := range tables {
			if _, granted := grants[t]; restricted(t) && !granted {
				out = append(out, t)
			}
		}
		return out
	}
}

func (s *Service) canRead(ctx context.Context, userID string, tables []string) (bool, error) {
	can, err := s.readable(ctx, userID)
	if err != nil {
		return false, err
	}
	return can(tables), nil
}
