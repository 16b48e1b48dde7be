package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
)

// withStore opens the configured store for one admin command.
func withStore(ctx context.Context, cfg app.Config, fn func(db *store.DB) error) error {
	db, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

func usersAdd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	var cfg app.Config
	var u auth.NewUser
	var tier string
	fs := newFlags("users add", &cfg)
	fs.StringVar(&u.Email, "email", "", "e-mail address")
	fs.StringVar(&u.Name, "name", "", "display name")
	fs.StringVar(&tier, "tier", "", "view, handle, analyze, data or admin")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	for flag, v := range map[string]string{"email": u.Email, "name": u.Name, "tier": tier} {
		if err := required("users add", flag, v); err != nil {
			return err
		}
	}
	if !*fromStdin {
		return pier.Errorf(pier.EInvalid, "users add needs --password-stdin, so the password stays out of the shell history")
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return err
	}
	u.Password, u.Tier = strings.TrimRight(password, "\r\n"), auth.Tier(tier)
	return withStore(ctx, cfg, func(db *store.DB) error {
		user, err := auth.NewStore(db).CreateUser(ctx, u)
		if err == nil {
			fmt.Fprintf(stdout, "Added %s (%s).\n", user.Email, user.Tier)
		}
		return err
	})
}

func usersSet(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var email string
	var tier optString
	var disabled optBool
	fs := newFlags("users set", &cfg)
	fs.StringVar(&email, "email", "", "e-mail address")
	fs.Var(&tier, "tier", "new tier")
	fs.Var(&disabled, "disabled", "true to stop the user signing in and using tokens")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("users set", "email", email); err != nil {
		return err
	}
	change := auth.UserChange{Disabled: disabled.v}
	if tier.v != nil {
		t := auth.Tier(*tier.v)
		change.Tier = &t
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		u, err := auth.NewStore(db).UpdateUser(ctx, email, change)
		if err == nil {
			fmt.Fprintf(stdout, "%s is now %s%s.\n", u.Email, u.Tier, map[bool]string{true: ", disabled"}[u.Disabled])
		}
		return err
	})
}

func grantsAdd(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var email, table string
	fs := newFlags("grants add", &cfg)
	fs.StringVar(&email, "email", "", "e-mail address")
	fs.StringVar(&table, "table", "", "lake table")
	pii := fs.Bool("pii", false, "also show the table's PII columns unhashed")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("grants add", "email", email); err != nil {
		return err
	}
	if err := required("grants add", "table", table); err != nil {
		return err
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		err := auth.NewStore(db).AddGrant(ctx, email, table, *pii)
		if err == nil {
			fmt.Fprintf(stdout, "Granted %s to %s%s.\n", table, email, map[bool]string{true: " with PII"}[*pii])
		}
		return err
	})
}

func tablesSet(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var table string
	var restricted optBool
	var pii, desc, owner, every optString
	fs := newFlags("tables set", &cfg)
	fs.StringVar(&table, "table", "", "lake table")
	fs.Var(&restricted, "restricted", "true if only users with a grant may read it")
	fs.Var(&pii, "pii", "comma-separated PII columns (empty to clear)")
	fs.Var(&desc, "description", "what the table holds")
	fs.Var(&owner, "owner", "e-mail of the person who answers for it")
	fs.Var(&every, "expect-every", "how often new data should arrive, such as 26h or 1d (empty for no expectation)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("tables set", "table", table); err != nil {
		return err
	}
	change := query.PropChange{Restricted: restricted.v, Description: desc.v, Owner: owner.v}
	if every.v != nil {
		d, err := query.ParseEvery(*every.v)
		if err != nil {
			return err
		}
		change.ExpectEvery = &d
	}
	if pii.v != nil {
		cols := strings.Split(*pii.v, ",")
		change.PII = &cols
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		err := query.NewPropStore(db).Set(ctx, table, change)
		if err == nil {
			fmt.Fprintf(stdout, "Updated %s.\n", table)
		}
		return err
	})
}

func tokensCreate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var email, name string
	fs := newFlags("tokens create", &cfg)
	fs.StringVar(&email, "email", "", "e-mail address of the token's user")
	fs.StringVar(&name, "name", "", "what the token is for")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("tokens create", "email", email); err != nil {
		return err
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		token, err := auth.NewStore(db).CreateToken(ctx, email, name)
		if err == nil {
			fmt.Fprintln(stdout, token)
		}
		return err
	})
}

func usersResetPassword(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var email string
	fs := newFlags("users reset-password", &cfg)
	fs.StringVar(&email, "email", "", "e-mail address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("users reset-password", "email", email); err != nil {
		return err
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		password, err := auth.NewStore(db).ResetPassword(ctx, email)
		if err == nil {
			fmt.Fprintf(stdout, "One-time password for %s (they choose their own at sign-in; their sessions have ended):\n%s\n", email, password)
		}
		return err
	})
}

func tokensList(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var email string
	fs := newFlags("tokens list", &cfg)
	fs.StringVar(&email, "email", "", "e-mail address of the tokens' user")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("tokens list", "email", email); err != nil {
		return err
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		users := auth.NewStore(db)
		if _, err := users.UserByEmail(ctx, email); err != nil {
			return err
		}
		tokens, err := users.Tokens(ctx, email)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
		for _, t := range tokens {
			used := "never"
			if !t.LastUsed.IsZero() {
				used = t.LastUsed.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Created.Format(time.RFC3339), used)
		}
		return tw.Flush()
	})
}

func tokensRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	var id string
	fs := newFlags("tokens revoke", &cfg)
	fs.StringVar(&id, "id", "", "the token's id, from `pier tokens list`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("tokens revoke", "id", id); err != nil {
		return err
	}
	return withStore(ctx, cfg, func(db *store.DB) error {
		err := auth.NewStore(db).RevokeToken(ctx, id)
		if err == nil {
			fmt.Fprintf(stdout, "Revoked %s; it stops working at once.\n", id)
		}
		return err
	})
}
