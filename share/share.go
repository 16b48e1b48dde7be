// Package share is who else may open a notebook or a dashboard, and in
// what role: the rules notebooks and dashboards have in common, over a
// table of shares each of them owns. It imports only auth and store.
package share

import (
	"context"
	"fmt"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Role is what a person may do with a shared object.
type Role string

// The roles, least first. RoleNone sees nothing: the object does not
// exist for them.
const (
	RoleNone   Role = ""
	RoleViewer Role = "viewer"
	RoleEditor Role = "editor"
	RoleOwner  Role = "owner"
)

// CanEdit reports whether the role may change the object.
func (r Role) CanEdit() bool { return r == RoleEditor || r == RoleOwner }

// Share is one person an object is shared with.
type Share struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
}

// People finds a person by e-mail.
type People interface {
	UserByEmail(ctx context.Context, email string) (*auth.User, error)
}

// Grant is a share about to be made: of what (in words, "this notebook"),
// owned by whom, and what an editor must be allowed (an error saying why
// not, or nil).
type Grant struct {
	What    string
	OwnerID string
	MayEdit func(*auth.User) error
}

// To checks a share of the role with the person at email and returns
// them: viewer or editor, someone who uses Pier, not the owner, and for
// an editor someone whose access level lets them edit.
func (g Grant) To(ctx context.Context, people People, email string, role Role) (*auth.User, error) {
	if role != RoleViewer && role != RoleEditor {
		return nil, pier.Errorf(pier.EInvalid, "Share as viewer or editor, not %q.", role)
	}
	to, err := people.UserByEmail(ctx, email)
	if pier.ErrorCode(err) == pier.ENotFound {
		return nil, pier.Errorf(pier.EInvalid, "Nobody with the e-mail %s uses Pier.", email)
	}
	if err != nil {
		return nil, err
	}
	if to.ID == g.OwnerID {
		return nil, pier.Errorf(pier.EInvalid, "%s owns %s already.", to.Email, g.What)
	}
	if role == RoleEditor {
		if err := g.MayEdit(to); err != nil {
			return nil, pier.Errorf(pier.EInvalid, "%s's access level (%s) cannot edit %s; share as viewer instead.", to.Email, to.Tier, g.What)
		}
	}
	return to, nil
}

// Table is the shares of one kind of object: the table and the column
// that names the object (constants of the package that owns them).
type Table struct {
	DB     *store.DB
	Name   string // notebook_shares
	Object string // notebook_id
}

// Put gives the user the role on the object, or changes their role.
func (t Table) Put(ctx context.Context, objectID, userID string, role Role) error {
	q := fmt.Sprintf(`INSERT INTO %s (%s, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (%s, user_id) DO UPDATE SET role = excluded.role`, t.Name, t.Object, t.Object)
	if _, err := t.DB.ExecContext(ctx, q, objectID, userID, string(role), store.Now()); err != nil {
		return fmt.Errorf("share: %s: %w", t.Name, err)
	}
	return nil
}

// Delete takes the user's role on the object away.
func (t Table) Delete(ctx context.Context, objectID, userID string) error {
	q := fmt.Sprintf(`DELETE FROM %s WHERE %s = $1 AND user_id = $2`, t.Name, t.Object)
	if _, err := t.DB.ExecContext(ctx, q, objectID, userID); err != nil {
		return fmt.Errorf("share: %s: %w", t.Name, err)
	}
	return nil
}

// List returns whom the object is shared with, by e-mail.
func (t Table) List(ctx context.Context, objectID string) ([]Share, error) {
	q := fmt.Sprintf(`SELECT u.email, u.name, s.role FROM %s s JOIN users u ON u.id = s.user_id
		WHERE s.%s = $1 ORDER BY u.email`, t.Name, t.Object)
	rows, err := t.DB.QueryContext(ctx, q, objectID)
	if err != nil {
		return nil, fmt.Errorf("share: %s: %w", t.Name, err)
	}
	defer rows.Close()
	out := []Share{}
	for rows.Next() {
		var sh Share
		if err := rows.Scan(&sh.Email, &sh.Name, &sh.Role); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// Unshare finds whom to take a role from; nobody by that e-mail means
// there is nothing to take.
func Unshare(ctx context.Context, people People, email string) (*auth.User, error) {
	to, err := people.UserByEmail(ctx, email)
	if pier.ErrorCode(err) == pier.ENotFound {
		return nil, nil
	}
	return to, err
}
