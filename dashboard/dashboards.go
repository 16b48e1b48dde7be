package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

var errNotFound = pier.Errorf(pier.ENotFound, "There is no such dashboard, or it is not shared with you.")

// New describes a dashboard to create.
type New struct {
	Title       string
	Description string
	Doc         Doc
}

// Create makes a dashboard owned by who. Handle tier and up build from
// datasets; tiles of SQL need the analyze tier.
func (s *Service) Create(ctx context.Context, who *auth.User, in New) (*Dashboard, error) {
	if err := s.auth.Authorize(who, auth.ObjDashboard, auth.ActCreate); err != nil {
		return nil, err
	}
	return s.create(ctx, who, in, nil)
}

// create saves a new dashboard; tiles found unchanged in from (the
// dashboard it copies) keep what was learned of them.
func (s *Service) create(ctx context.Context, who *auth.User, in New, from *Dashboard) (*Dashboard, error) {
	d := &Dashboard{ID: store.NewID(), OwnerID: who.ID, Doc: in.Doc}
	var err error
	if d.Title, err = checkTitle(in.Title); err != nil {
		return nil, err
	}
	if d.Description, err = checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := d.Doc.Validate(); err != nil {
		return nil, err
	}
	if err := s.learnTiles(ctx, who, from, d); err != nil {
		return nil, err
	}
	if err := s.insert(ctx, d); err != nil {
		return nil, err
	}
	return s.Get(ctx, who, d.ID)
}

// Get returns the dashboard if who may open it: its owner, or someone it
// is shared or published to. Everyone else is told it does not exist. A
// tile over a restricted table that who (or the owner) may not read is
// locked on its own; see LockedTile.
func (s *Service) Get(ctx context.Context, who *auth.User, id string) (*Dashboard, error) {
	d, err := s.open(ctx, who, id)
	if err != nil {
		return nil, err
	}
	return d, s.redact(ctx, d, who)
}

// open is Get without the redaction of locked tiles, for the rules that
// need their whole definition.
func (s *Service) open(ctx context.Context, who *auth.User, id string) (*Dashboard, error) {
	d, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Role, err = s.role(ctx, d, who.ID); err != nil {
		return nil, err
	}
	if d.Role == RoleNone {
		return nil, errNotFound
	}
	return d, nil
}

// editable returns the dashboard if who may change it: not-found for those
// who cannot see it, forbidden for viewers.
func (s *Service) editable(ctx context.Context, who *auth.User, id string) (*Dashboard, error) {
	d, err := s.open(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if !d.Role.CanEdit() {
		return nil, pier.Errorf(pier.EForbidden, "This dashboard is shared with you to view. Duplicate it to make your own.")
	}
	return d, nil
}

// Save is what a save sends: the version it was based on, and the whole
// new title, description, tiles and filters.
type Save struct {
	Version     int
	Title       string
	Description string
	Doc         Doc
}

// Save writes a new version, refusing with a conflict if someone saved
// since in.Version, so nobody's work is overwritten.
func (s *Service) Save(ctx context.Context, who *auth.User, id string, in Save) (*Dashboard, error) {
	old, err := s.editable(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if in.Version != old.Version {
		return nil, staleVersion(old.Version)
	}
	d := *old
	if d.Title, err = checkTitle(in.Title); err != nil {
		return nil, err
	}
	if d.Description, err = checkDescription(in.Description); err != nil {
		return nil, err
	}
	d.Doc = in.Doc
	if err := s.keepLockedTiles(ctx, who, old, &d.Doc); err != nil {
		return nil, err
	}
	if err := d.Doc.Validate(); err != nil {
		return nil, err
	}
	if err := s.learnTiles(ctx, who, old, &d); err != nil {
		return nil, err
	}
	if err := s.update(ctx, &d, in.Version, who.ID); err != nil {
		return nil, err
	}
	return s.Get(ctx, who, id)
}

func staleVersion(current int) error {
	return pier.Errorf(pier.EConflict, "Someone saved this dashboard since you opened it (it is at version %d now). Reload to see their changes; nothing was overwritten.", current)
}

// AddTile appends a tile to the dashboard in the first free place, as the
// explorer's "add to dashboard" does.
func (s *Service) AddTile(ctx context.Context, who *auth.User, id string, t Tile) (*Dashboard, error) {
	d, err := s.editable(ctx, who, id)
	if err != nil {
		return nil, err
	}
	doc := d.Doc
	doc.Tiles = append(append([]Tile{}, doc.Tiles...), t)
	return s.Save(ctx, who, id, Save{Version: d.Version, Title: d.Title, Description: d.Description, Doc: doc})
}

// Duplicate copies a dashboard the caller can open into one they own,
// whose tiles then run with the caller's own rights.
func (s *Service) Duplicate(ctx context.Context, who *auth.User, id string) (*Dashboard, error) {
	if err := s.auth.Authorize(who, auth.ObjDashboard, auth.ActCreate); err != nil {
		return nil, err
	}
	d, err := s.open(ctx, who, id)
	if err != nil {
		return nil, err
	}
	doc, err := s.withoutLockedTiles(ctx, who, d)
	if err != nil {
		return nil, err
	}
	return s.create(ctx, who, New{Title: copyTitle(d.Title), Description: d.Description, Doc: doc}, d)
}

func copyTitle(t string) string {
	t = "Copy of " + t
	if utf8.RuneCountInString(t) > maxName {
		t = string([]rune(t)[:maxName])
	}
	return t
}

// Change is a change of a dashboard's standing; nil fields stay.
type Change struct {
	Published      *bool
	Certified      *bool
	RefreshMinutes *int
}

// Change publishes a dashboard to everyone (its owner, analyze tier and
// up), certifies it (the data team) or sets its refresh schedule (owner
// and editors).
func (s *Service) Change(ctx context.Context, who *auth.User, id string, c Change) (*Dashboard, error) {
	d, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayChange(who, d, c); err != nil {
		return nil, err
	}
	if c.RefreshMinutes != nil && (*c.RefreshMinutes < 0 || (*c.RefreshMinutes > 0 && *c.RefreshMinutes < MinRefreshMinutes) || *c.RefreshMinutes > 7*24*60) {
		return nil, pier.Errorf(pier.EInvalid, "Refresh every %d minutes to once a week (10080), or 0 for never.", MinRefreshMinutes)
	}
	if err := s.changeStanding(ctx, d, c, who.ID); err != nil {
		return nil, err
	}
	return s.Get(ctx, who, id)
}

// MinRefreshMinutes is the shortest refresh schedule.
const MinRefreshMinutes = 5

func (s *Service) mayChange(who *auth.User, d *Dashboard, c Change) error {
	if c.Published != nil {
		if d.Role != RoleOwner {
			return pier.Errorf(pier.EForbidden, "Only the owner publishes a dashboard.")
		}
		if err := s.auth.Authorize(who, auth.ObjDashboard, auth.ActPublish); err != nil {
			return pier.Errorf(pier.EForbidden, "Publishing to everyone needs the analyze tier; share the dashboard with people by name instead.")
		}
	}
	if c.Certified != nil && s.auth.Authorize(who, auth.ObjDashboard, auth.ActCertify) != nil {
		return pier.Errorf(pier.EForbidden, "Only the data team certifies dashboards.")
	}
	if c.RefreshMinutes != nil && !d.Role.CanEdit() {
		return pier.Errorf(pier.EForbidden, "Only the owner and editors set the refresh schedule.")
	}
	return nil
}

// Archive hides the dashboard from everyone; only its owner may.
func (s *Service) Archive(ctx context.Context, who *auth.User, id string) error {
	d, err := s.Get(ctx, who, id)
	if err != nil {
		return err
	}
	if d.Role != RoleOwner {
		return pier.Errorf(pier.EForbidden, "Only the owner can delete this dashboard.")
	}
	return s.archive(ctx, id)
}

// AddFilter adds a filter to the dashboard, with an id made from its label
// when it has none.
func (s *Service) AddFilter(ctx context.Context, who *auth.User, id string, f Filter) (*Dashboard, error) {
	d, err := s.editable(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if f.ID == "" {
		f.ID = filterID(f, d.Doc.Filters)
	}
	doc := d.Doc
	doc.Filters = append(append([]Filter{}, doc.Filters...), f)
	return s.Save(ctx, who, id, Save{Version: d.Version, Title: d.Title, Description: d.Description, Doc: doc})
}

// RemoveFilter takes a filter off the dashboard.
func (s *Service) RemoveFilter(ctx context.Context, who *auth.User, id, filterID string) (*Dashboard, error) {
	d, err := s.editable(ctx, who, id)
	if err != nil {
		return nil, err
	}
	doc := d.Doc
	doc.Filters = slices.DeleteFunc(slices.Clone(doc.Filters), func(f Filter) bool { return f.ID == filterID })
	return s.Save(ctx, who, id, Save{Version: d.Version, Title: d.Title, Description: d.Description, Doc: doc})
}

// filterID makes an id from the filter's label or column that no other
// filter has.
func filterID(f Filter, others []Filter) string {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, strings.TrimSpace(cmp.Or(f.Label, f.Column, f.Kind)))
	if len(base) > 30 || strings.Trim(base, "_") == "" {
		base = "filter"
	}
	id := base
	for n := 2; slices.ContainsFunc(others, func(o Filter) bool { return o.ID == id }); n++ {
		id = fmt.Sprintf("%s_%d", base, n)
	}
	return id
}
