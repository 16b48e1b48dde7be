package dashboard

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

// LockedTile is why a tile shows no data: it reads restricted tables that
// its viewer, or the owner whose access tiles run with, holds no grant
// for. A dashboard stays open when some of its tiles are locked, so that a
// table restricted later breaks a tile in words, not the whole dashboard
// in silence.
type LockedTile struct {
	Dashboard   *Dashboard
	Tile        Tile
	Tables      []string // the restricted tables someone lacks
	ViewerLacks bool     // the person looking holds no grant for them
	OwnerLacks  bool     // the dashboard's owner holds none
	IsOwner     bool     // the person looking owns the dashboard
}

func (l *LockedTile) Error() string { return l.message() }

// Unwrap makes a locked tile a plain forbidden error to everything that
// does not look closer.
func (l *LockedTile) Unwrap() error { return pier.Errorf(pier.EForbidden, "%s", l.message()) }

func (l *LockedTile) message() string {
	tables := strings.Join(l.Tables, ", ")
	what := fmt.Sprintf("This tile reads %s, which is restricted", tables)
	switch {
	case l.IsOwner:
		return what + ", and you have no access to it. Tiles run with their owner's access, so nobody sees this tile until you are granted it."
	case l.ViewerLacks && l.OwnerLacks:
		return fmt.Sprintf("%s, and neither you nor the dashboard's owner, %s, has access to it.", what, l.Dashboard.Owner)
	case l.OwnerLacks:
		return fmt.Sprintf("%s. Tiles run with the access of the dashboard's owner, %s, who has no access to it; ask them or the data team.", what, l.Dashboard.Owner)
	}
	return what + ", and you have no access to it."
}

// MayRequest reports whether the person looking is offered the access
// request: whenever they lack access themselves. When the owner lacks it
// too, the request says so, for whoever approves it.
func (l *LockedTile) MayRequest() bool { return l.ViewerLacks }

// tileGate decides which of a dashboard's tiles who may see: a tile runs
// with the owner's access, so both must be able to read its restricted
// tables. Both people's access is read once, for every tile.
type tileGate struct {
	d                       *Dashboard
	who                     *auth.User
	ownerGrants, viewGrants map[string]bool
	owner, viewer           func(tables []string) []string
}

func (s *Service) gate(ctx context.Context, d *Dashboard, who *auth.User) (*tileGate, error) {
	g := &tileGate{d: d, who: who}
	var err error
	if g.ownerGrants, err = s.people.TableGrants(ctx, d.OwnerID); err != nil {
		return nil, err
	}
	g.viewGrants = g.ownerGrants
	if who.ID != d.OwnerID {
		if g.viewGrants, err = s.people.TableGrants(ctx, who.ID); err != nil {
			return nil, err
		}
	}
	restricted, err := s.engine.Restricted(ctx)
	if err != nil {
		return nil, err
	}
	g.owner, g.viewer = missingOf(restricted, g.ownerGrants), missingOf(restricted, g.viewGrants)
	return g, nil
}

// principal is whom the tiles run as for who; see onBehalf.
func (g *tileGate) principal() query.Principal {
	return runAs(g.d.OwnerID, g.ownerGrants, g.who.ID, g.viewGrants)
}

// check returns why t is locked, or nil when who may see its data.
func (g *tileGate) check(t Tile) *LockedTile {
	if t.Type == chart.KindMarkdown {
		return nil
	}
	tables := g.d.Meta[t.ID].Tables
	ownerMissing, viewerMissing := g.owner(tables), g.viewer(tables)
	if len(ownerMissing) == 0 && len(viewerMissing) == 0 {
		return nil
	}
	return &LockedTile{Dashboard: g.d, Tile: t, Tables: union(viewerMissing, ownerMissing),
		ViewerLacks: len(viewerMissing) > 0, OwnerLacks: len(ownerMissing) > 0, IsOwner: g.who.ID == g.d.OwnerID}
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, t := range b {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// lockedFor returns the ids of d's tiles whose data who may not see.
func (s *Service) lockedFor(ctx context.Context, d *Dashboard, who *auth.User) (map[string]bool, error) {
	g, err := s.gate(ctx, d, who)
	if err != nil {
		return nil, err
	}
	locked := map[string]bool{}
	for _, t := range d.Doc.Tiles {
		if g.check(t) != nil {
			locked[t.ID] = true
		}
	}
	return locked, nil
}

// redact leaves out of d what who may not read of its locked tiles: their
// SQL, measures, filters and columns, which name and quote the data. They
// keep their place, title and type, and the tables they read.
func (s *Service) redact(ctx context.Context, d *Dashboard, who *auth.User) error {
	// A failed refresh's message can quote values of any tile's tables;
	// it is for the owner and the data team, who mend it.
	if d.Role != RoleOwner && s.auth.Authorize(who, auth.ObjDashboard, auth.ActCertify) != nil {
		d.LastRefreshError = ""
	}
	g, err := s.gate(ctx, d, who)
	if err != nil {
		return err
	}
	*d = *g.redacted()
	return nil
}

// redacted is the dashboard as who may read it. Its tables, which also
// date the dashboard's "data as of", are those of the tiles who may see.
func (g *tileGate) redacted() *Dashboard {
	d := *g.d
	d.Doc.Tiles = make([]Tile, len(g.d.Doc.Tiles))
	d.Meta = maps.Clone(g.d.Meta)
	tables := map[string]bool{}
	for i, t := range g.d.Doc.Tiles {
		if g.check(t) != nil {
			t = Tile{ID: t.ID, Title: t.Title, Type: t.Type, Layout: t.Layout, Locked: true}
			d.Meta[t.ID] = TileMeta{Tables: g.d.Meta[t.ID].Tables}
		} else {
			for _, name := range g.d.Meta[t.ID].Tables {
				tables[name] = true
			}
		}
		d.Doc.Tiles[i] = t
	}
	d.Tables = slices.Sorted(maps.Keys(tables))
	return &d
}

// keepLockedTiles keeps what an editor saves of a tile they may not see
// from changing what it reads: its place and title are theirs to change,
// its definition stays as stored (their page never had it).
func (s *Service) keepLockedTiles(ctx context.Context, who *auth.User, old *Dashboard, doc *Doc) error {
	locked, err := s.lockedFor(ctx, old, who)
	if err != nil || len(locked) == 0 {
		return err
	}
	tiles := slices.Clone(doc.Tiles)
	for i, t := range tiles {
		if prev, ok := old.Tile(t.ID); ok && locked[t.ID] {
			prev.Layout, prev.Title = t.Layout, t.Title
			tiles[i] = prev
		}
	}
	doc.Tiles = tiles
	return nil
}

// withoutLockedTiles is d's document without the tiles who may not see,
// for a copy: a copy runs with its new owner's access, and must not carry
// definitions its owner could not read.
func (s *Service) withoutLockedTiles(ctx context.Context, who *auth.User, d *Dashboard) (Doc, error) {
	locked, err := s.lockedFor(ctx, d, who)
	if err != nil {
		return Doc{}, err
	}
	doc := d.Doc
	doc.Tiles = slices.DeleteFunc(slices.Clone(doc.Tiles), func(t Tile) bool { return locked[t.ID] })
	return doc, nil
}
