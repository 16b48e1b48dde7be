package auth

import (
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/pier-analytics/pier"
)

// Throttle limits sign-in attempts per key: a burst, then one attempt
// every so often. State is per process, so with N replicas an attacker
// gets at most N times the rate.
type Throttle struct {
	mu      sync.Mutex
	limits  map[string]*entry
	every   time.Duration
	burst   int
	maxKeys int
}

type entry struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewThrottle returns the per-account limit, keyed by account and address:
// five attempts, then one every twelve seconds.
func NewThrottle() *Throttle { return newThrottle(12*time.Second, 5) }

// NewAddressThrottle returns the per-address limit across accounts, which
// stops one password being tried on many accounts: thirty attempts (an
// office behind one address signing in at nine), then one every two
// seconds.
func NewAddressThrottle() *Throttle { return newThrottle(2*time.Second, 30) }

func newThrottle(every time.Duration, burst int) *Throttle {
	return &Throttle{limits: map[string]*entry{}, every: every, burst: burst, maxKeys: 100000}
}

// Allow returns a too-many-requests error once key has used its attempts.
func (t *Throttle) Allow(key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	e, ok := t.limits[key]
	if !ok {
		if len(t.limits) >= t.maxKeys {
			t.forgetIdle(now)
			t.evict()
		}
		e = &entry{lim: rate.NewLimiter(rate.Every(t.every), t.burst)}
		t.limits[key] = e
	}
	e.seen = now
	if !e.lim.AllowN(now, 1) {
		return pier.Errorf(pier.ETooMany, "Too many sign-in attempts. Wait a minute and try again.")
	}
	return nil
}

// evict drops arbitrary keys (Go's map order is random) until a tenth of
// the room is free, so memory stays bounded even when every key is fresh
// and the next scan is 10,000 keys away.
func (t *Throttle) evict() {
	for k := range t.limits {
		if len(t.limits) < t.maxKeys*9/10 {
			return
		}
		delete(t.limits, k)
	}
}

// forgetIdle drops keys whose bucket has refilled.
func (t *Throttle) forgetIdle(now time.Time) {
	full := t.every * time.Duration(t.burst)
	for k, e := range t.limits {
		if now.Sub(e.seen) > full {
			delete(t.limits, k)
		}
	}
}

// ClientKey is the part of a client address the throttles count by. An
// IPv6 client is usually handed a whole /64, and could otherwise take a
// fresh address for every attempt; an IPv4 address is counted alone.
func ClientKey(address string) string {
	ip, err := netip.ParseAddr(address)
	if err != nil {
		return address
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}
