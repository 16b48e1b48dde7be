package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// Audit actions of account changes.
const (
	AuditUserAdded     = "user.added"
	AuditUserChanged   = "user.changed"
	AuditPasswordReset = "password.reset"
	AuditTokenRevoked  = "token.revoked"
	// A person's own changes: new credentials are worth a line too.
	AuditPasswordChanged = "password.changed"
	AuditTokenCreated    = "token.created"
	// Successful sign-ins only: failures are counted by the throttles, and
	// logging them would let anyone fill the log.
	AuditSignIn = "sign_in"
)

// Accounts says what a person may do with accounts, passwords and tokens,
// and records in the audit log what admins do to other people's accounts
// and the credentials people give themselves.
type Accounts struct {
	store   *Store
	enf     *Enforcer
	changes *Throttle // password changes per user: each one checks the current password
}

// NewAccounts returns the account service over s.
func NewAccounts(s *Store, enf *Enforcer) *Accounts {
	return &Accounts{store: s, enf: enf, changes: NewThrottle()}
}

// MayManagePeople reports whether u may see and change other people's
// accounts (the People page).
func (a *Accounts) MayManagePeople(u *User) bool {
	return a.enf.Authorize(u, ObjUsers, ActManage) == nil
}

func (a *Accounts) requireManager(u *User) error { return a.enf.Authorize(u, ObjUsers, ActManage) }

// ChangePassword replaces u's password after checking the current one, and
// ends u's other browser sessions. It returns the user as now stored, whose
// SessionEpoch the caller's own session should carry on with.
func (a *Accounts) ChangePassword(ctx context.Context, u *User, current, next string) (*User, error) {
	// Limited like sign-ins, or a stolen session or token could guess the
	// current password here at full speed.
	if err := a.changes.Allow(u.ID); err != nil {
		return nil, pier.Errorf(pier.ETooMany, "Too many attempts to change your password. Wait a minute and try again.")
	}
	if _, err := a.store.CheckPassword(ctx, u.Email, current); err != nil {
		if pier.ErrorCode(err) == pier.EUnauthorized {
			return nil, pier.Errorf(pier.EInvalid, "Your current password is not right. Type it again.")
		}
		return nil, err
	}
	if next == current {
		return nil, pier.Errorf(pier.EInvalid, "Choose a password different from the one you have now.")
	}
	if err := CheckStrength(next, u.Email, u.Name); err != nil {
		return nil, err
	}
	return a.store.setPassword(ctx, u.Email, next, false, &AuditEntry{Actor: u.ID, Action: AuditPasswordChanged, Subject: u.Email})
}

// setPassword stores a new password for email, moves its session epoch on
// and, inside the same transaction, writes audit if given.
func (s *Store) setPassword(ctx context.Context, email, password string, oneTime bool, audit *AuditEntry) (*User, error) {
	hash, err := s.hasher.hash(password)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err = scanUser(tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2,
			session_epoch = session_epoch + 1 WHERE email = $3 RETURNING `+userColumns, hash, oneTime, email))
		if pier.ErrorCode(err) == pier.ENotFound {
			return pier.Errorf(pier.ENotFound, "there is no user with the e-mail %s", email)
		}
		if err != nil || audit == nil {
			return err
		}
		return WriteAudit(ctx, tx, *audit)
	})
	return u, err
}

// ResetPassword gives the user with that e-mail a new one-time password,
// which they must replace at their next sign-in, and ends their sessions.
// It is the command line's reset; admins in the app use Accounts.
func (s *Store) ResetPassword(ctx context.Context, email string) (string, error) {
	return s.resetPassword(ctx, email, nil)
}

// ResetPassword is an admin's reset of someone's password, audited.
func (a *Accounts) ResetPassword(ctx context.Context, actor *User, email string) (string, error) {
	if err := a.requireManager(actor); err != nil {
		return "", err
	}
	return a.store.resetPassword(ctx, email, actor)
}

// resetPassword sets a new one-time password; an actor is audited.
func (s *Store) resetPassword(ctx context.Context, email string, actor *User) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	var audit *AuditEntry
	if actor != nil {
		audit = &AuditEntry{Actor: actor.ID, Action: AuditPasswordReset, Subject: u.Email}
	}
	password := RandomPassword()
	_, err = s.setPassword(ctx, u.Email, password, true, audit)
	return password, err
}

// People lists every account, for admins.
func (a *Accounts) People(ctx context.Context, actor *User) ([]*User, error) {
	if err := a.requireManager(actor); err != nil {
		return nil, err
	}
	rows, err := a.store.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name), email`)
	if err != nil {
		return nil, fmt.Errorf("auth: people: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AddPerson creates an account with a one-time password, which it returns
// to be passed on to the person; audited.
func (a *Accounts) AddPerson(ctx context.Context, actor *User, email, name string, tier Tier) (*User, string, error) {
	if err := a.requireManager(actor); err != nil {
		return nil, "", err
	}
	password := RandomPassword()
	nu := NewUser{Email: email, Name: name, Tier: tier, Password: password, OneTime: true}
	hash, err := a.store.checkNewUser(&nu)
	if err != nil {
		return nil, "", err
	}
	var u *User
	err = a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = a.store.createUser(ctx, tx, nu, hash)
		if err != nil {
			return err
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: actor.ID, Action: AuditUserAdded, Subject: u.Email, Detail: "tier " + string(u.Tier)})
	})
	if err != nil {
		return nil, "", err
	}
	return u, password, nil
}

// ChangePerson changes someone's name, tier or disabled state; audited,
// and in effect at the next request. An admin cannot disable or demote
// themselves, so the last admin cannot lock everyone out.
func (a *Accounts) ChangePerson(ctx context.Context, actor *User, email string, c UserChange) (*User, error) {
	if err := a.requireManager(actor); err != nil {
		return nil, err
	}
	self := foldEmail(email) == actor.Email
	if self && c.Disabled != nil && *c.Disabled {
		return nil, pier.Errorf(pier.EInvalid, "You cannot disable your own account. Ask another admin.")
	}
	if self && c.Tier != nil && *c.Tier != actor.Tier {
		return nil, pier.Errorf(pier.EInvalid, "You cannot change your own tier. Ask another admin.")
	}
	var u *User
	err := a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		admins, err := a.store.lockAdmins(ctx, tx)
		if err != nil {
			return err
		}
		// The actor was read before this transaction; another admin may
		// have demoted them since. Two admins demoting each other at once
		// would otherwise leave nobody to manage Pier.
		if !admins[actor.ID] {
			return pier.Errorf(pier.EForbidden, "You are no longer an admin, so you cannot change people's accounts.")
		}
		if u, err = a.store.updateUser(ctx, tx, email, c); err != nil {
			return err
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: actor.ID, Action: AuditUserChanged, Subject: u.Email, Detail: c.describe()})
	})
	return u, err
}

// lockAdmins returns the ids of the enabled admins and, on PostgreSQL,
// holds their rows until tx ends, so that concurrent changes to admins
// are decided one after the other.
func (s *Store) lockAdmins(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE tier = 'admin' AND NOT disabled`+s.db.ForUpdate())
	if err != nil {
		return nil, fmt.Errorf("auth: admins: %w", err)
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return ids, rows.Err()
}

// SignedIn records a sign-in in the audit log: how, and from which
// address, so an admin can tell a person's own sign-ins from someone else's.
func (a *Accounts) SignedIn(ctx context.Context, u *User, via, address string) error {
	return a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		return WriteAudit(ctx, tx, AuditEntry{Actor: u.ID, Action: AuditSignIn, Subject: u.Email, Detail: via + " from " + address})
	})
}

func (c UserChange) describe() string {
	var parts []string
	if c.Name != nil {
		parts = append(parts, "name "+*c.Name)
	}
	if c.Tier != nil {
		parts = append(parts, "tier "+string(*c.Tier))
	}
	if c.Disabled != nil {
		parts = append(parts, map[bool]string{true: "disabled", false: "enabled"}[*c.Disabled])
	}
	return strings.Join(parts, ", ")
}

// Seen records that u made a request now, at most once a minute per user,
// so that a busy person does not turn every request into a write.
func (a *Accounts) Seen(ctx context.Context, u *User) {
	now := time.Now()
	if now.Sub(u.LastSeen) < time.Minute {
		return
	}
	a.store.db.ExecContext(ctx, `UPDATE users SET last_seen_at = $1 WHERE id = $2`, store.Now(), u.ID)
}
