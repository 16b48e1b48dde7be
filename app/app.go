package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/search"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/ticket"
	"github.com/pier-analytics/pier/webhook"
)

// App is a running Pier: its store, engine and HTTP handler.
type App struct {
	cfg        Config
	log        *slog.Logger
	db         *store.DB
	users      *auth.Store
	enforcer   *auth.Enforcer
	sessions   *scs.SessionManager
	accounts   *auth.Accounts
	sso        *sso           // nil without single sign-on
	throttle   *auth.Throttle // per account
	addrs      *auth.Throttle // per client address, across accounts
	props      *query.PropStore
	catalog    *query.Catalog
	engine     *query.Engine
	qlog       *query.QueryLog
	nbs        *notebook.Service
	dashboards *dashboard.Service
	tickets    *ticket.Service
	index      *search.Index
	reindexNow chan struct{} // a write asks for the search index to catch up
	lineage    graphCache
	outbox     *webhook.Outbox
	metrics    *metrics
	zone       *reportZone
	echo       *echo.Echo
	flightKey  []byte // signs the Flight SQL handshake's bearer tokens
}

// OpenStore opens the metadata store the configuration names and migrates
// it; the command line's admin commands use it alone.
func OpenStore(ctx context.Context, cfg Config) (*store.DB, error) {
	return store.Open(ctx, cfg.DBURL, cfg.DataDir)
}

func usersOf(db *store.DB, cfg Config) *auth.Store {
	if cfg.PasswordCost != nil {
		return auth.NewStore(db).WithPasswordCost(*cfg.PasswordCost)
	}
	return auth.NewStore(db)
}

// Open builds an App: store, secret key, demo lake, first admin, catalog and
// engine. It does not listen; Handler returns the routes.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	db, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, db: db, users: usersOf(db, cfg), throttle: auth.NewThrottle(), addrs: auth.NewAddressThrottle(), props: query.NewPropStore(db),
		zone: &reportZone{db: db}}
	if err := a.build(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	key, err := auth.LoadOrCreateKey(ctx, a.db)
	if err != nil {
		return err
	}
	a.flightKey = key.Derive("flight-sql-sessions")
	if a.enforcer, err = auth.NewEnforcer(); err != nil {
		return err
	}
	a.accounts = auth.NewAccounts(a.users, a.enforcer)
	if a.cfg.NoPasswordSignIn && a.cfg.SSO == nil {
		return pier.Errorf(pier.EInvalid, "--no-password-sign-in needs single sign-on (--oidc-issuer), or nobody could sign in")
	}
	a.sso = newSSO(a.cfg.SSO)
	if err := a.prepareLake(ctx); err != nil {
		return err
	}
	if err := a.firstAdmin(ctx); err != nil {
		return err
	}
	if a.catalog, err = query.OpenCatalog(ctx, a.cfg.Lake(), a.log); err != nil {
		return err
	}
	a.qlog = query.NewQueryLog(a.db, a.log)
	a.metrics = newMetrics()
	a.engine = query.NewEngine(query.EngineConfig{
		Catalog: a.catalog, Props: a.props, Log: a.qlog, Logger: a.log,
		Limits: query.Limits{Timeout: a.cfg.QueryTimeout},
		PIIKey: key.Derive("pii-hash"), TempDir: a.tempDir(), Observe: a.metrics.observeQuery,
	})
	a.metrics.register(a.engine)
	a.nbs = notebook.NewService(a.db, a.enforcer, a.users, tableAccess{a})
	a.dashboards = dashboard.NewService(a.db, a.enforcer, a.users, a.engine)
	a.outbox = webhook.New(a.db, a.log, a.cfg.Webhook)
	a.index, a.reindexNow = search.New(a.db), make(chan struct{}, 1)
	a.tickets = ticket.NewService(a.db, ticket.Config{Auth: a.enforcer, People: a.users, Links: ticketLinks{a}, Notify: ticketNotifier{a}, MaxBookings: a.cfg.MaxBookings})
	if err := a.tickets.EnsureOfficeHours(ctx); err != nil {
		return err
	}
	if err := a.demoContent(ctx); err != nil {
		return err
	}
	a.sessions = newSessions(a.db)
	a.echo = a.routes()
	return nil
}

// tempDir is where sandboxes spill; it is emptied at start because nothing
// in it outlives a process.
func (a *App) tempDir() string {
	dir := filepath.Join(a.cfg.DataDir, "tmp")
	if a.cfg.DataDir == "" {
		dir = filepath.Join(os.TempDir(), "pier-tmp")
	}
	os.RemoveAll(dir)
	return dir
}

func newSessions(db *store.DB) *scs.SessionManager {
	sm := scs.New()
	sm.Store = auth.NewSessionStore(db)
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "pier_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	return sm
}

func (a *App) sessionStore() *auth.SessionStore { return a.sessions.Store.(*auth.SessionStore) }

// Handler returns the HTTP handler with every route.
func (a *App) Handler() http.Handler { return a.echo }

// Engine returns the query engine, for benchmarks and tests.
func (a *App) Engine() *query.Engine { return a.engine }

// Close releases everything Open acquired.
func (a *App) Close() {
	if a.engine != nil {
		a.engine.Close()
	}
	if a.qlog != nil {
		a.qlog.Close()
	}
	if a.catalog != nil {
		a.catalog.Close()
	}
	if a.db != nil {
		a.db.Close()
	}
}

func (a *App) printf(format string, args ...any) {
	if a.cfg.Out != nil {
		fmt.Fprintf(a.cfg.Out, format, args...)
	}
}
