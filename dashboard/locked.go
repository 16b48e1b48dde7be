package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
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

// MayRequest reports whether the person looking can mend the tile by
// asking for access themselves: when they lack it, and the owner does not
// (or they are the owner).
func (l *LockedTile) MayRequest() bool {
	return l.IsOwner || (l.ViewerLacks && !l.OwnerLacks)
}

// tileAccess says whether who may see tile t's data: the tile runs with
// the owner's access, so both must be able to read its restricted tables.
func (s *Service) tileAccess(ctx context.Context, d *Dashboard, t Tile, who *auth.User) error {
	tables := d.Meta[t.ID].Tables
	ownerMissing, err := s.missing(ctx, d.OwnerID, tables)
	if err != nil {
		return err
	}
	viewerMissing := ownerMissing
	if who.ID != d.OwnerID {
		if viewerMissing, err = s.missing(ctx, who.ID, tables); err != nil {
			return err
		}
	}
	if len(ownerMissing) == 0 && len(viewerMissing) == 0 {
		return nil
	}
	return &LockedTile{Dashboard: d, Tile: t, Tables: union(viewerMissing, ownerMissing),
		ViewerLacks: len(viewerMissing) > 0, OwnerLacks: len(ownerMissing) > 0, IsOwner: who.ID == d.OwnerID}
}

func (s *Service) missing(ctx context.Context, userID string, tables []string) ([]string, error) {
	missing, err := s.missingFor(ctx, userID)
	if err != nil {
		return nil, err
	}
	return missing(tables), nil
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
