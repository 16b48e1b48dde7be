package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"slices"
	"strings"

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
}

// Store reads and writes users, grants and tokens.
type Store struct {
	db *store.DB
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

// NewUser is what it takes to create a user.
type NewUser struct {
	Email    string
	Name     string
	Tier     Tier
	Password string
}

// CreateUser validates u, hashes its password and saves it.
func (s *Store) CreateUser(ctx context.Context, u NewUser) (*User, error) {
	email, err := normalEmail(u.Email)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(u.Name) == "" {
		return nil, pier.Errorf(pier.EInvalid, "a user needs a name")
	}
	if _, err := ParseTier(string(u.Tier)); err != nil {
		return nil, err
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return nil, err
	}
	user := &User{ID: store.NewID(), Email: email, Name: strings.TrimSpace(u.Name), Tier: u.Tier}
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (id, email, name, tier, password_hash, disabled, created_at)
		VALUES ($1, $2, $3, $4, $5, FALSE, $6)`, user.ID, user.Email, user.Name, string(user.Tier), hash, store.Now())
	if store.IsUniqueViolation(err) {
		return nil, pier.Errorf(pier.EConflict, "a user with the e-mail %s already exists", email)
	}
	if err != nil {
		return nil, err
	}
	return user, nil
}

func normalEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", pier.Errorf(pier.EInvalid, "%q is not an e-mail address", s)
	}
	return s, nil
}

const userColumns = `id, email, name, tier, disabled`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var tier string
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &tier, &u.Disabled); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, pier.Errorf(pier.ENotFound, "no such user")
		}
		return nil, err
	}
	u.Tier = Tier(tier)
	return &u, nil
}

// UserByEmail returns the user with that e-mail address.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`,
		strings.ToLower(strings.TrimSpace(email)))
	u, err := scanUser(row)
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
	Tier     *Tier
	Disabled *bool
}

// UpdateUser applies c to the user with that e-mail.
func (s *Store) UpdateUser(ctx context.Context, email string, c UserChange) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if c.Tier != nil {
		if _, err := ParseTier(string(*c.Tier)); err != nil {
			return nil, err
		}
		u.Tier = *c.Tier
	}
	if c.Disabled != nil {
		u.Disabled = *c.Disabled
	}
	_, err = s.db.ExecContext(ctx, `UPDATE users SET tier = $1, disabled = $2 WHERE id = $3`,
		string(u.Tier), u.Disabled, u.ID)
	return u, err
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
