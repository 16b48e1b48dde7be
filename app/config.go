package app

import (
	"io"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/webhook"
)

// Config is everything `pier serve` can be told.
type Config struct {
	Addr         string        // where the web UI and API listen
	AdminAddr    string        // optional listener for /metrics without sign-in; keep it private
	DataDir      string        // SQLite store and default lake
	DBURL        string        // postgres://… to use PostgreSQL instead of SQLite
	LakeDir      string        // defaults to DataDir/lake
	NoDemo       bool          // do not write the demo lake when the lake is missing
	DemoScale    string        // small, medium or large
	QueryTimeout time.Duration // per query; default 5 minutes
	Out          io.Writer     // where the first admin's password is printed
	Webhook      webhook.Options
	// TrustedProxies may say who the client is (X-Forwarded-For) and that
	// it used HTTPS (X-Forwarded-Proto); nobody else may.
	TrustedProxies []netip.Prefix
	// MaxBookings is how many upcoming office hours one person may hold
	// (0: ticket.DefaultMaxBookings).
	MaxBookings int
	// SSO is single sign-on (nil: none); NoPasswordSignIn turns password
	// sign-in off, leaving SSO and API tokens.
	SSO              *SSOConfig
	NoPasswordSignIn bool
	// PublicURL is where people reach Pier (https://pier.example.com);
	// empty: the address each request came to.
	PublicURL string
	// FlightAddr is where Arrow Flight SQL is served ("": not served);
	// FlightCert and FlightKey are its TLS certificate and key files.
	FlightAddr, FlightCert, FlightKey string
	// PasswordCost is what hashing one new password takes (nil:
	// auth.DefaultPasswordCost); test suites lower it.
	PasswordCost *auth.PasswordCost
}

// Lake returns the lake directory.
func (c Config) Lake() string {
	if c.LakeDir != "" {
		return c.LakeDir
	}
	return filepath.Join(c.DataDir, "lake")
}
