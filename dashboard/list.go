package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/share"
	"github.com/pier-analytics/pier/store"
)

// Summary is a dashboard as a list shows it.
type Summary struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Certified   bool      `json:"certified"`
	Published   bool      `json:"published"`
	Tiles       int       `json:"tiles"`
	Views       int64     `json:"views"`
	Role        Role      `json:"role"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Locked: some tiles read restricted tables the caller may not read.
	Locked bool `json:"locked,omitempty"`
	// Pinned to the caller's home page; LastViewed by the caller (zero if never).
	Pinned     bool      `json:"pinned"`
	LastViewed time.Time `json:"last_viewed,omitzero"`
	// Tables are the lake tables its tiles read, for "used by" on a table.
	Tables []string `json:"-"`
	// Readable are those of its tables the caller may read: what a list
	// may say anything of (such as that one is late) to them.
	Readable []string `json:"-"`
}

// List returns the dashboards who may open, certified first, then the
// most recently changed.
func (s *Service) List(ctx context.Context, who *auth.User) ([]Summary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.title, d.description, o.email, d.certified_by IS NOT NULL, d.published,
		d.doc, d.tables, d.view_count, d.updated_at, d.owner_id = $1, COALESCE(s.role, ''),
		p.user_id IS NOT NULL, COALESCE(v.last_at, 0)
		FROM dashboards d JOIN users o ON o.id = d.owner_id
		LEFT JOIN dashboard_shares s ON s.dashboard_id = d.id AND s.user_id = $1
		LEFT JOIN dashboard_pins p ON p.dashboard_id = d.id AND p.user_id = $1
		LEFT JOIN dashboard_visits v ON v.dashboard_id = d.id AND v.user_id = $1
		WHERE d.archived_at IS NULL AND (d.owner_id = $1 OR s.role IS NOT NULL OR d.published)
		ORDER BY d.certified_by IS NULL, d.updated_at DESC`, who.ID)
	if err != nil {
		return nil, fmt.Errorf("dashboard: list: %w", err)
	}
	defer rows.Close()
	missing, err := s.missingFor(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	out := []Summary{}
	for rows.Next() {
		sm, tables, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		closed := missing(tables)
		sm.Locked = len(closed) > 0
		sm.Tables = tables
		sm.Readable = slices.DeleteFunc(slices.Clone(tables), func(t string) bool { return slices.Contains(closed, t) })
		out = append(out, sm)
	}
	return out, rows.Err()
}

func scanSummary(rows interface{ Scan(...any) error }) (Summary, []string, error) {
	var sm Summary
	var doc, tables, shared string
	var updated, viewed int64
	var owner bool
	if err := rows.Scan(&sm.ID, &sm.Title, &sm.Description, &sm.Owner, &sm.Certified, &sm.Published,
		&doc, &tables, &sm.Views, &updated, &owner, &shared, &sm.Pinned, &viewed); err != nil {
		return sm, nil, fmt.Errorf("dashboard: list: %w", err)
	}
	var d Doc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return sm, nil, fmt.Errorf("dashboard %s: stored document: %w", sm.ID, err)
	}
	sm.Tiles, sm.UpdatedAt = len(d.Tiles), ms(updated)
	if viewed > 0 {
		sm.LastViewed = ms(viewed)
	}
	switch {
	case owner:
		sm.Role = RoleOwner
	case shared != "":
		sm.Role = Role(shared)
	default:
		sm.Role = RoleViewer
	}
	return sm, splitList(tables), nil
}

// Share is one person a dashboard is shared with.
type Share = share.Share

func shareTable(db *store.DB) share.Table {
	return share.Table{DB: db, Name: "dashboard_shares", Object: "dashboard_id"}
}

// Share gives a person a role on the dashboard; only its owner may. Editors
// build tiles, so they need the handle tier.
func (s *Service) Share(ctx context.Context, who *auth.User, id, email string, role Role) error {
	d, err := s.owned(ctx, who, id)
	if err != nil {
		return err
	}
	g := share.Grant{What: "this dashboard", OwnerID: d.OwnerID, MayEdit: func(u *auth.User) error {
		return s.auth.Authorize(u, auth.ObjDashboard, auth.ActCreate)
	}}
	to, err := g.To(ctx, s.people, email, role)
	if err != nil {
		return err
	}
	return shareTable(s.db).Put(ctx, id, to.ID, role)
}

// Unshare takes a person's role away; only the owner may.
func (s *Service) Unshare(ctx context.Context, who *auth.User, id, email string) error {
	if _, err := s.owned(ctx, who, id); err != nil {
		return err
	}
	to, err := share.Unshare(ctx, s.people, email)
	if to == nil || err != nil {
		return err
	}
	return shareTable(s.db).Delete(ctx, id, to.ID)
}

// Shares lists whom the dashboard is shared with, for anyone who may open it.
func (s *Service) Shares(ctx context.Context, who *auth.User, id string) ([]Share, error) {
	if _, err := s.Get(ctx, who, id); err != nil {
		return nil, err
	}
	return shareTable(s.db).List(ctx, id)
}

func (s *Service) owned(ctx context.Context, who *auth.User, id string) (*Dashboard, error) {
	d, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if d.Role != RoleOwner {
		return nil, pier.Errorf(pier.EForbidden, "Only the owner shares this dashboard.")
	}
	return d, nil
}
