package app

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/flightsrv"
	"github.com/pier-analytics/pier/query"
)

// flightAccess gives the Flight SQL endpoint what it may ask of Pier: the
// same accounts, throttles, capabilities and query path as the HTTP API.
type flightAccess struct{ a *App }

func (f flightAccess) UserByToken(ctx context.Context, token string) (*auth.User, error) {
	u, err := f.a.users.UserByToken(ctx, token)
	if err == nil {
		f.a.accounts.Seen(ctx, u)
	}
	return u, err
}

func (f flightAccess) UserByID(ctx context.Context, id string) (*auth.User, error) {
	return f.a.users.UserByID(ctx, id)
}

// SignIn is the web sign-in's check, throttles and audit line.
func (f flightAccess) SignIn(ctx context.Context, email, password, client string) (*auth.User, error) {
	if f.a.cfg.NoPasswordSignIn {
		return nil, pier.Errorf(pier.EUnauthorized, "Password sign-in is turned off here: use a Pier API token as the bearer token.")
	}
	u, err := f.a.session().signInFrom(ctx, email, password, client)
	if err != nil {
		return nil, err
	}
	if err := f.a.accounts.SignedIn(ctx, u, viaFlight, client); err != nil {
		return nil, err
	}
	return u, nil
}

func (f flightAccess) Can(u *auth.User) auth.Capabilities { return f.a.enforcer.Capabilities(u) }

func (f flightAccess) Query(ctx context.Context, who *auth.User, req query.Request) (*query.Rows, error) {
	p, err := f.a.principal(ctx, who)
	if err != nil {
		return nil, err
	}
	return f.a.engine.Query(ctx, p, req)
}

func (f flightAccess) Tables(ctx context.Context, who *auth.User) ([]query.Visible, error) {
	return f.a.visibleTables(ctx, who)
}

// flightServer builds the Flight SQL endpoint, with TLS when a
// certificate is configured.
func (a *App) flightServer() (*flightsrv.Server, error) {
	var tlsCfg *tls.Config
	if a.cfg.FlightCert != "" {
		cert, err := tls.LoadX509KeyPair(a.cfg.FlightCert, a.cfg.FlightKey)
		if err != nil {
			return nil, pier.Errorf(pier.EInvalid, "The Flight SQL certificate could not be read: %v", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	return flightsrv.New(flightsrv.Config{Accounts: flightAccess{a}, Engine: flightAccess{a}, Key: a.flightKey, TLS: tlsCfg, Log: a.log,
		ClientIP: a.clientIP})
}

// listenFlight serves Flight SQL at the configured address until stop.
func (a *App) listenFlight() (stop func(), err error) {
	ln, err := net.Listen("tcp", a.cfg.FlightAddr)
	if err != nil {
		return nil, err
	}
	if stop, err = a.ServeFlight(ln); err != nil {
		ln.Close()
		return nil, err
	}
	scheme := "grpc"
	if a.cfg.FlightCert != "" {
		scheme = "grpc+tls"
	}
	a.printf("Arrow Flight SQL is served at %s://%s\n", scheme, displayAddr(ln.Addr()))
	return stop, nil
}

// ServeFlight answers Flight SQL on ln until stop, for benchmarks and
// tests that start Pier in-process.
func (a *App) ServeFlight(ln net.Listener) (stop func(), err error) {
	srv, err := a.flightServer()
	if err != nil {
		return nil, err
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			a.log.Error("flight sql stopped serving", "err", err)
		}
	}()
	return srv.Stop, nil
}

// clientIP is who a Flight SQL call comes from, by the same rules as a web
// request: x-forwarded-for is believed only from --trusted-proxies.
func (a *App) clientIP(remoteAddr string, forwardedFor []string) string {
	r := &http.Request{RemoteAddr: remoteAddr, Header: http.Header{}}
	for _, v := range forwardedFor {
		r.Header.Add(echo.HeaderXForwardedFor, v)
	}
	return a.ipExtractor()(r)
}
