// Package flightsrv serves the lake over Arrow Flight SQL to analysts' own
// tools (ADBC, JDBC, DBeaver, pandas, polars, Go) under the same rules as
// POST /api/v1/query. It only speaks the protocol: who the caller is comes
// from Pier's accounts, and every statement runs through the query engine
// as that person, with their tier, grants, PII hashing, sandbox, deadlines
// and query log.
package flightsrv

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// Accounts is what the endpoint asks of Pier's accounts.
type Accounts interface {
	// UserByToken is the enabled user an API token belongs to.
	UserByToken(ctx context.Context, token string) (*auth.User, error)
	UserByID(ctx context.Context, id string) (*auth.User, error)
	// SignIn checks an e-mail and password, throttled per account and per
	// client address as the web sign-in is.
	SignIn(ctx context.Context, email, password, client string) (*auth.User, error)
	Can(u *auth.User) auth.Capabilities
}

// Engine runs statements and lists tables as a person.
type Engine interface {
	Query(ctx context.Context, who *auth.User, req query.Request) (*query.Rows, error)
	Tables(ctx context.Context, who *auth.User) ([]query.Visible, error)
}

// Config is what a Server needs.
type Config struct {
	Accounts Accounts
	Engine   Engine
	// Key signs the bearer tokens that a Basic handshake answers: a key for
	// this use alone, the same on every replica.
	Key []byte
	TLS *tls.Config // nil: plain gRPC, for a proxy that terminates TLS
	Log *slog.Logger
	// ClientIP is who a call comes from, given the connection's address
	// and the x-forwarded-for it carries, believed only from trusted
	// proxies (nil: the connection's address).
	ClientIP func(remoteAddr string, forwardedFor []string) string
}

// Server is a Flight SQL server. The embedded BaseServer answers
// "unimplemented" for everything Pier does not serve (updates,
// transactions, substrait, keys).
type Server struct {
	flightsql.BaseServer
	cfg      Config
	sessions sessions
	grpc     *grpc.Server
}

// New builds a server; Serve starts it.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, sessions: newSessions(cfg.Key)}
	s.Alloc = memory.DefaultAllocator
	if err := s.registerInfo(); err != nil {
		return nil, err
	}
	var opts []grpc.ServerOption
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg.TLS)))
	}
	opts = append(opts, grpc.ChainUnaryInterceptor(recoverUnary(cfg.Log), s.authUnary),
		grpc.ChainStreamInterceptor(recoverStream(cfg.Log), s.authStream))
	s.grpc = grpc.NewServer(opts...)
	flight.RegisterFlightServiceServer(s.grpc, flightsql.NewFlightServer(s))
	return s, nil
}

// Serve answers on ln until Stop.
func (s *Server) Serve(ln net.Listener) error {
	err := s.grpc.Serve(ln)
	if errors.Is(err, grpc.ErrServerStopped) {
		return nil
	}
	return err
}

// stopWait is how long Stop lets calls under way finish.
const stopWait = 5 * time.Second

// Stop refuses new calls, lets those under way finish for a few seconds,
// then cuts them, which cancels their queries.
func (s *Server) Stop() {
	done := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopWait):
		s.grpc.Stop()
	}
}
