package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/demolake"
)

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := app.Config{Out: stdout}
	fs := newFlags("serve", &cfg)
	fs.StringVar(&cfg.Addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&cfg.AdminAddr, "admin-addr", "", "optional private address for /metrics without sign-in")
	fs.StringVar(&cfg.LakeDir, "lake", "", "lake directory (default DATA/lake)")
	fs.BoolVar(&cfg.NoDemo, "no-demo", false, "do not write the demo lake when the lake is missing")
	fs.StringVar(&cfg.DemoScale, "demo-scale", "small", "size of the demo lake written on first start")
	fs.DurationVar(&cfg.QueryTimeout, "query-timeout", 0, "deadline of one query (default 5m)")
	fs.IntVar(&cfg.MaxBookings, "max-bookings", 2, "upcoming office hours one person outside the data team may hold")
	proxies := fs.String("trusted-proxies", "", "addresses or CIDR ranges of reverse proxies whose X-Forwarded-For and -Proto are believed")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "where people reach Pier, e.g. https://pier.example.com (default: the address each request came to)")
	fs.BoolVar(&cfg.NoPasswordSignIn, "no-password-sign-in", false, "only single sign-on (and API tokens) sign people in")
	fs.StringVar(&cfg.FlightAddr, "flight-addr", "", "address to serve Arrow Flight SQL on, e.g. :32010 (default: not served)")
	fs.StringVar(&cfg.FlightCert, "flight-cert", "", "TLS certificate (PEM) for Flight SQL; without it Flight SQL is plain gRPC")
	fs.StringVar(&cfg.FlightKey, "flight-key", "", "the certificate's private key (PEM)")
	sso := ssoFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	var err error
	if cfg.TrustedProxies, err = app.ParseProxies(*proxies); err != nil {
		return err
	}
	if cfg.SSO, err = sso.config(); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return app.Serve(ctx, cfg, log)
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	if err := parse(newFlags("migrate", &cfg), args); err != nil {
		return err
	}
	db, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "The metadata store is up to date.")
	return nil
}

func demo(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := newFlags("demo", &cfg)
	fs.StringVar(&cfg.LakeDir, "lake", "", "lake directory (default DATA/lake)")
	scale := fs.String("scale", "small", "small, medium or large")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, ok := demolake.Scales[*scale]
	if !ok {
		return usageError(fmt.Sprintf("--scale must be small, medium or large, not %q", *scale))
	}
	fmt.Fprintf(stdout, "Writing the %s demo lake to %s …\n", *scale, cfg.Lake())
	if err := demolake.Write(ctx, cfg.Lake(), s); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Done.")
	return nil
}
