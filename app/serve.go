package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Serve runs Pier until ctx ends, then shuts down gracefully: running
// queries are interrupted, requests get a few seconds to finish, and the
// query log is written out.
func Serve(ctx context.Context, cfg Config, log *slog.Logger) error {
	a, err := Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	a.printf("Pier is listening on http://%s\n", displayAddr(ln.Addr()))
	return a.serveOn(ctx, ln)
}

func (a *App) serveOn(ctx context.Context, ln net.Listener) error {
	// Requests derive from base, so cancelling it interrupts every query.
	base, stopQueries := context.WithCancel(context.Background())
	defer stopQueries()
	srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return base }}
	servers := []*http.Server{srv}
	errs := make(chan error, 2)
	if a.cfg.FlightAddr != "" {
		stop, err := a.listenFlight()
		if err != nil {
			return err
		}
		defer stop()
	}
	go func() { errs <- srv.Serve(ln) }()
	if a.cfg.AdminAddr != "" {
		admin := &http.Server{Addr: a.cfg.AdminAddr, Handler: a.adminRoutes(), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, admin)
		go func() { errs <- admin.ListenAndServe() }()
	}
	go a.catalog.Watch(base, 30*time.Second)
	go a.engine.Warm()
	go a.sweepSessions(base)
	go a.refreshDashboards(base)
	go a.outbox.Run(base)
	go a.watchFreshness(base)
	go a.keepIndexed(base)
	select {
	case <-ctx.Done():
	case err := <-errs:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	a.log.Info("shutting down")
	stopQueries()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(shutdownCtx)
	}
	return nil
}

func (a *App) sweepSessions(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.sessionStore().DeleteExpired(ctx); err != nil && ctx.Err() == nil {
				a.log.Warn("expired session sweep failed", "err", err)
			}
		}
	}
}

func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

// refreshDashboards runs the dashboards' refresh schedules.
func (a *App) refreshDashboards(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if _, err := a.dashboards.RefreshDue(ctx, now); err != nil && ctx.Err() == nil {
				a.log.Warn("scheduled dashboard refresh failed", "err", err)
			}
		}
	}
}
