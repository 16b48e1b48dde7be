package auth

import (
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/pier-analytics/pier"
)

// Every argon2id check takes 64 MiB and a core for tens of milliseconds,
// so a flood of sign-ins could exhaust the server's memory. At most one
// check per core runs at a time; the others wait their turn briefly and
// are then refused, which bounds live memory at cores × 64 MiB (the heap
// may reach about twice that before the garbage collector returns it).

// slots is a counting semaphore with a bounded wait.
type slots struct {
	ch   chan struct{}
	wait time.Duration
}

func newSlots(n int, wait time.Duration) *slots {
	return &slots{ch: make(chan struct{}, max(n, 1)), wait: wait}
}

// acquire returns the function that gives the slot back, or nil when none
// came free in time.
func (s *slots) acquire() func() {
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch }
	case <-t.C:
		return nil
	}
}

// GOMAXPROCS rather than NumCPU: in a container limited to fewer cores
// than its host, the limit is what counts.
var hashSlots = newSlots(runtime.GOMAXPROCS(0), 3*time.Second)

var errBusy = pier.Errorf(pier.ETooMany, "Pier is busy signing other people in. Wait a few seconds and try again.")

// PasswordCost is the memory, passes and lanes one argon2id hash takes.
// Pier uses argon2id's recommended defaults; a test suite that creates
// thousands of accounts may choose a cheaper cost for its own stores, as
// Django's and Rails' test settings do, and still check real hashes.
type PasswordCost = argon2id.Params

// DefaultPasswordCost is argon2id's recommendation: 64 MiB, one pass.
var DefaultPasswordCost = *argon2id.DefaultParams

// hasher hashes and checks passwords at one cost.
type hasher struct {
	cost      PasswordCost
	dummyOnce sync.Once
	dummy     string
}

var defaultHasher = &hasher{cost: DefaultPasswordCost}

// hash returns an argon2id hash of p, holding a hashing slot.
func (h *hasher) hash(p string) (string, error) {
	release := hashSlots.acquire()
	if release == nil {
		return "", errBusy
	}
	defer release()
	return argon2id.CreateHash(p, &h.cost)
}

// compare checks p against hash, holding a hashing slot. The cost is the
// one written in hash, so accounts made at another cost still sign in.
func (h *hasher) compare(p, hash string) (bool, error) {
	release := hashSlots.acquire()
	if release == nil {
		return false, errBusy
	}
	defer release()
	return argon2id.ComparePasswordAndHash(p, hash)
}

// dummyHash is compared against when the e-mail is unknown or the account
// disabled, so every failed sign-in costs the same as a real one and the
// time taken does not tell whether an account exists.
func (h *hasher) dummyHash() string {
	h.dummyOnce.Do(func() { h.dummy, _ = argon2id.CreateHash("not a real password", &h.cost) })
	return h.dummy
}
