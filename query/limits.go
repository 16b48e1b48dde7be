package query

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/pier-analytics/pier"
)

// Limits bound what queries may take. Zero fields take the defaults.
type Limits struct {
	Timeout      time.Duration // per query; default 5 minutes
	Slots        int           // queries running at once, all users; default 4 per core
	PerUser      int           // of those, at most this many for one user; default half the slots
	Threads      int           // DuckDB threads per sandbox; default the number of cores
	MemoryLimit  string        // DuckDB memory per sandbox; default 4GB
	TempDirSize  string        // spill space per sandbox; default 10GB
	MaxSandboxes int           // idle sandboxes kept open; default 16
}

func (l Limits) withDefaults() Limits {
	cores := runtime.NumCPU()
	if l.Timeout <= 0 {
		l.Timeout = 5 * time.Minute
	}
	if l.Slots <= 0 {
		l.Slots = 4 * cores
	}
	if l.PerUser <= 0 {
		l.PerUser = max(1, l.Slots/2)
	}
	if l.Threads <= 0 {
		l.Threads = cores
	}
	if l.MemoryLimit == "" {
		l.MemoryLimit = "4GB"
	}
	if l.TempDirSize == "" {
		l.TempDirSize = "10GB"
	}
	if l.MaxSandboxes <= 0 {
		l.MaxSandboxes = 16
	}
	return l
}

// slots is the global concurrency limit with a bounded share per user.
type slots struct {
	free    chan struct{}
	perUser int
	mu      sync.Mutex
	byUser  map[string]int
}

func newSlots(n, perUser int) *slots {
	s := &slots{free: make(chan struct{}, n), perUser: perUser, byUser: map[string]int{}}
	for range n {
		s.free <- struct{}{}
	}
	return s
}

// acquire takes a slot for user, refusing at once when the user already
// holds their share and waiting (until ctx ends) when all slots are busy.
func (s *slots) acquire(ctx context.Context, user string) (release func(), err error) {
	s.mu.Lock()
	if s.byUser[user] >= s.perUser {
		s.mu.Unlock()
		return nil, pier.Errorf(pier.ETooMany, "You already have %d queries running. Wait for one to finish, or cancel it.", s.perUser)
	}
	s.byUser[user]++
	s.mu.Unlock()
	select {
	case <-s.free:
	case <-ctx.Done():
		s.leave(user)
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.free <- struct{}{}
			s.leave(user)
		})
	}, nil
}

func (s *slots) leave(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byUser[user]--; s.byUser[user] <= 0 {
		delete(s.byUser, user)
	}
}
