package app

import (
	"context"
	"fmt"
	"os"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/demolake"
)

// FirstAdminEmail is the account made on first start with an empty store.
const FirstAdminEmail = "admin@pier.local"

// prepareLake writes the demo lake when the lake is missing (unless told
// not to) and tags its PII columns once.
func (a *App) prepareLake(ctx context.Context) error {
	lake := a.cfg.Lake()
	if a.cfg.NoDemo || demolake.Exists(lake) {
		if err := os.MkdirAll(lake, 0o755); err != nil {
			return fmt.Errorf("app: lake: %w", err)
		}
		return a.tagDemoPII(ctx, lake)
	}
	scale := a.cfg.DemoScale
	if scale == "" {
		scale = "small"
	}
	s, ok := demolake.Scales[scale]
	if !ok {
		return pier.Errorf(pier.EInvalid, "--demo-scale must be small, medium or large, not %q", scale)
	}
	a.printf("Writing the %s demo lake to %s …\n", scale, lake)
	if err := demolake.Write(ctx, lake, s); err != nil {
		return err
	}
	return a.tagDemoPII(ctx, lake)
}

func (a *App) tagDemoPII(ctx context.Context, lake string) error {
	if !demolake.Exists(lake) {
		return nil
	}
	return a.props.TagPIIOnce(ctx, demolake.PIIColumns)
}

// firstAdmin creates the admin account on first start and prints its
// one-time password; nothing else is ever created with a default secret.
func (a *App) firstAdmin(ctx context.Context) error {
	n, err := a.users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := auth.RandomPassword()
	_, err = a.users.CreateUser(ctx, auth.NewUser{Email: FirstAdminEmail, Name: "Admin", Tier: auth.TierAdmin, Password: password, OneTime: true})
	if pier.ErrorCode(err) == pier.EConflict {
		return nil // another replica made it first
	}
	if err != nil {
		return err
	}
	a.printf("\nCreated the first admin. Sign in with this one-time password; Pier then asks you to choose your own.\n  e-mail:   %s\n  password: %s\n\n", FirstAdminEmail, password)
	return nil
}
