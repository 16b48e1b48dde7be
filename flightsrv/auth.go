package flightsrv

import (
	"context"
	"encoding/base64"
	"net"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// Every call but the handshake carries `authorization: Bearer <token>`: a
// Pier API token, or the token a Basic handshake answered. arrow-go's own
// auth middleware is not used: its validator sees neither the request's
// context nor the client's address (the sign-in throttles need both), and
// it indexes a Basic header without checking its shape.

var errSignIn = status.Error(codes.Unauthenticated,
	"Send a Pier API token as `authorization: Bearer <token>` (create one on your account page), or sign in with your e-mail and password (Basic) on the handshake.")

var errBasicOnCall = status.Error(codes.Unauthenticated,
	"E-mail and password (Basic) are taken on the handshake, which answers a bearer token for the calls after it; a client that sends them on every call (such as Go's database/sql driver) should use a Pier API token instead (?token=).")

type userKey struct{}

// caller is the person a call was authenticated as.
func caller(ctx context.Context) *auth.User {
	u, _ := ctx.Value(userKey{}).(*auth.User)
	return u
}

func (s *Server) authUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	u, err := s.identify(ctx)
	if err != nil {
		return nil, err
	}
	return h(context.WithValue(ctx, userKey{}, u), req)
}

func (s *Server) authStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	ctx := ss.Context()
	if strings.HasSuffix(info.FullMethod, "/Handshake") {
		token, err := s.handshake(ctx)
		if err != nil {
			return err
		}
		md := metadata.Pairs("authorization", "Bearer "+token)
		ss.SetHeader(md)
		ss.SetTrailer(md)
		return h(srv, ss)
	}
	u, err := s.identify(ctx)
	if err != nil {
		return err
	}
	return h(srv, &userStream{ServerStream: ss, ctx: context.WithValue(ctx, userKey{}, u)})
}

type userStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (u *userStream) Context() context.Context { return u.ctx }

// header is the call's authorization header split as "Scheme value".
func header(ctx context.Context) (scheme, value string) {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get("authorization")
	if len(vals) == 0 {
		return "", ""
	}
	scheme, value, _ = strings.Cut(strings.TrimSpace(vals[0]), " ")
	return scheme, strings.TrimSpace(value)
}

// identify is the enabled user behind the call's bearer token.
func (s *Server) identify(ctx context.Context) (*auth.User, error) {
	scheme, token := header(ctx)
	if strings.EqualFold(scheme, "Basic") {
		// Checking a password costs 64 MiB and tens of milliseconds, and
		// counts against the sign-in throttles: once, on the handshake.
		return nil, errBasicOnCall
	}
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, errSignIn
	}
	if !strings.HasPrefix(token, sessionPrefix) {
		u, err := s.cfg.Accounts.UserByToken(ctx, token)
		if err != nil {
			return nil, statusOf(err)
		}
		return u, nil
	}
	id, epoch, err := s.sessions.check(token, time.Now())
	if err != nil {
		return nil, status.Error(codes.Unauthenticated, "This sign-in has expired or ended. Sign in again.")
	}
	u, err := s.cfg.Accounts.UserByID(ctx, id)
	if pier.ErrorCode(err) == pier.ENotFound || err == nil && (u.Disabled || u.SessionEpoch != epoch) {
		return nil, status.Error(codes.Unauthenticated, "This sign-in has expired or ended. Sign in again.")
	}
	if err != nil {
		return nil, statusOf(err)
	}
	return u, nil
}

// handshake signs a person in: Basic e-mail and password, answered with a
// session token; or a bearer token, checked and answered as it is.
func (s *Server) handshake(ctx context.Context) (string, error) {
	scheme, value := header(ctx)
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		if _, err := s.identify(ctx); err != nil {
			return "", err
		}
		return value, nil
	case !strings.EqualFold(scheme, "Basic"):
		return "", errSignIn
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(value)
	}
	email, password, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return "", status.Error(codes.Unauthenticated, "The Basic sign-in is not e-mail:password in base64.")
	}
	u, err := s.cfg.Accounts.SignIn(ctx, email, password, s.clientOf(ctx))
	if err != nil {
		return "", statusOf(err)
	}
	if u.MustChangePassword {
		return "", status.Error(codes.PermissionDenied, "Your password was made by Pier for one use: sign in to Pier's web app and choose your own first.")
	}
	return s.sessions.issue(u.ID, u.SessionEpoch, time.Now()), nil
}

// clientOf is the caller's address, as the throttles count it: behind a
// trusted proxy, the client it speaks for, or everyone behind the proxy
// would share one throttle and one person could lock out the rest.
func (s *Server) clientOf(ctx context.Context) string {
	p, ok := peer.FromContext(ctx)
	if !ok || p.Addr == nil {
		return ""
	}
	if s.cfg.ClientIP != nil {
		md, _ := metadata.FromIncomingContext(ctx)
		return s.cfg.ClientIP(p.Addr.String(), md.Get("x-forwarded-for"))
	}
	host, _, err := net.SplitHostPort(p.Addr.String())
	if err != nil {
		return p.Addr.String()
	}
	return host
}
