package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// User is a person (or a script acting for one) known to Pier.
type User struct {
	ID       string
	Email    string
	Name     string
	Tier     Tier
	Disabled bool
	// MustChangePassword is set while the password is one Pier made (the
	// first admin's, a reset, a new person's): until it is replaced the
	// user may do nothing but change it.
	MustChangePassword bool
	// SessionEpoch moves on when the user's browser sessions must end (a
	// new password); a session from an earlier epoch is void.
	SessionEpoch int64
	LastSeen     time.Time // zero if never; written at most once a minute
}

// Store reads and writes users, grants and tokens.
type Store struct {
	db     *store.DB
	hasher *hasher
}

// NewStore returns a Store over db that hashes passwords at
// DefaultPasswordCost.
func NewStore(db *store.DB) *Store { return &Store{db: db, hasher: defaultHasher} }

// WithPasswordCost returns a Store over the same database that hashes new
// passwords at cost.
func (s *Store) WithPasswordCost(cost PasswordCost) *Store {
	return &Store{db: s.db, hasher: &hasher{cost: cost}}
}

// NewUser is what it takes to create a user. A OneTime password is one
// Pier made, to be replaced at the first sign-in; any other must pass
// CheckStrength.
type NewUser struct {
	Email    string
	Name     string
	Tier     Tier
	Password string
	OneTime  bool
}

// CreateUser validates u, hashes its password and saves it.
func (s *Store) CreateUser(ctx context.Context, u NewUser) (*User, error) {
	hash, err := s.checkNewUser(&u)
	if err != nil {
		return nil, err
	}
	return s.createUser(ctx, s.db, u, hash)
}

// checkNewUser validates u, normalising its e-mail and name, and hashes
// its password: outside any transaction, as hashing may wait its turn.
func (s *Store) checkNewUser(u *NewUser) (string, error) {
	email, err := normalEmail(u.Email)
	if err != nil {
		return "", err
	}
	name, err := checkName(u.Name)
	if err != nil {
		return "", err
	}
	if _, err := ParseTier(string(u.Tier)); err != nil {
		return "", err
	}
	if err := CheckStrength(u.Password, email, name); err != nil {
		return "", err
	}
	u.Email, u.Name = email, name
	return s.hasher.hash(u.Password)
}

func (s *Store) createUser(ctx context.Context, db execer, u NewUser, hash string) (*User, error) {
	email, name := u.Email, u.Name
	user := &User{ID: store.NewID(), Email: email, Name: name, Tier: u.Tier, MustChangePassword: u.OneTime}
	_, err := db.ExecContext(ctx, `INSERT INTO users (id, email, name, tier, password_hash, disabled, created_at, must_change_password)
		VALUES ($1, $2, $3, $4, $5, FALSE, $6, $7)`, user.ID, user.Email, user.Name, string(user.Tier), hash, store.Now(), u.OneTime)
	if store.IsUniqueViolation(err) {
		return nil, pier.Errorf(pier.EConflict, "a user with the e-mail %s already exists", email)
	}
	if err != nil {
		return nil, err
	}
	return user, nil
}

// execer is a database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// checkName returns a person's name trimmed, or why it cannot be one.
func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || !plainText(name) || len(name) > 200 {
		return "", pier.Errorf(pier.EInvalid, "A person needs a name: plain text, at most 200 characters.")
	}
	return name, nil
}

func normalEmail(s string) (string, error) {
	s = foldEmail(s)
	if len(s) > MaxEmailLength || !plainText(s) {
		return "", pier.Errorf(pier.EInvalid, "That is not an e-mail address.")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", pier.Errorf(pier.EInvalid, "%q is not an e-mail address", s)
	}
	return s, nil
}

const userColumns = `id, email, name, tier, disabled, must_change_password, session_epoch, last_seen_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var tier string
	var seen sql.NullInt64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &tier, &u.Disabled, &u.MustChangePassword, &u.SessionEpoch, &seen); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pier.Errorf(pier.ENotFound, "no such user")
		}
		return nil, err
	}
	u.Tier = Tier(tier)
	if seen.Valid {
		u.LastSeen = time.UnixMilli(seen.Int64).UTC()
	}
	return &u, nil
}

// UserByEmail returns the user with that e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return userByEmail(ctx, s.db, email)
}

func userByEmail(ctx context.Context, db execer, email string) (*User, error) {
	if len(email) > MaxEmailLength || !plainText(email) {
		return nil, pier.Errorf(pier.ENotFound, "there is no user with that e-mail")
	}
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, foldEmail(email)))
	if pier.ErrorCode(err) == pier.ENotFound {
		return nil, pier.Errorf(pier.ENotFound, "there is no user with the e-mail %s", email)
	}
	return u, err
}

// UserByID returns the user with that id.
func (s *Store) UserByID(ctx context.Context, id string) (*User, error) {
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// UserChange lists the properties to change; nil fields stay as they are.
type UserChange struct {
	Name     *string
	Tier     *Tier
	Disabled *bool
}

// UpdateUser applies c to the user with that e-mail.
func (s *Store) UpdateUser(ctx context.Context, email string, c UserChange) (*User, error) {
	var u *User
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = s.updateUser(ctx, tx, email, c)
		return err
	})
	return u, err
}

func (s *Store) updateUser(ctx context.Context, db execer, email string, c UserChange) (*User, error) {
	u, err := userByEmail(ctx, db, email)
	if err != nil {
		return nil, err
	}
	if c.Name != nil {
		if u.Name, err = checkName(*c.Name); err != nil {
			return nil, err
		}
	}
	if c.Tier != nil {
		if _, err := ParseTier(string(*c.Tier)); err != nil {
			return nil, err
		}
		u.Tier = *c.Tier
	}
	ending := 0
	if c.Disabled != nil {
		if *c.Disabled && !u.Disabled {
			ending = 1 // a disabled person's sessions end, not just pause
		}
		u.Disabled = *c.Disabled
	}
	// The epoch is moved on in SQL, never written back as read, so a
	// password change committed meanwhile keeps its effect.
	return scanUser(db.QueryRowContext(ctx, `UPDATE users SET name = $1, tier = $2, disabled = $3,
		session_epoch = session_epoch + $4 WHERE id = $5 RETURNING `+userColumns,
		u.Name, string(u.Tier), u.Disabled, ending, u.ID))
}

// UsersOfTiers returns the enabled users of the given tiers, by name.
func (s *Store) UsersOfTiers(ctx context.Context, tiers ...Tier) ([]*User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE NOT disabled ORDER BY name, email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		if slices.Contains(tiers, u.Tier) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// plainText reports whether s is valid UTF-8 without control characters
// such as NUL, which PostgreSQL refuses in text.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// foldEmail trims an e-mail and lowercases its ASCII letters, as the
// store keeps them. Only ASCII: Unicode lowercasing would fold the Kelvin
// sign onto k and make kate@ and \u212Aate@ one account.
func foldEmail(email string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, strings.TrimSpace(email))
}
