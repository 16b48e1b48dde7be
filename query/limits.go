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
	left    chan struct{} // closed and replaced whenever a user's query ends
}

func newSlots(n, perUser int) *slots {
	s := &slots{free: make(chan struct{}, n), perUser: perUser, byUser: map[string]int{}, left: make(chan struct{})}
	for range n {
		s.free <- struct{}{}
	}
	return s
}

// acquire takes a slot for user, waiting (until ctx ends) when all slots
// are busy. When the user already holds their share it refuses at once,
// unless wait is set: a dashboard asks for all its tiles together and
// wants them run in turn, not refused.
func (s *slots) acquire(ctx context.Context, user string, wait bool) (release func(), err error) {
	if err := s.enter(ctx, user, wait); err != nil {
		return nil, err
	}
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

// enter counts a query against user's share.
func (s *slots) enter(ctx context.Context, user string, wait bool) error {
	for {
		s.mu.Lock()
		if s.byUser[user] < s.perUser {
			s.byUser[user]++
			s.mu.Unlock()
			return nil
		}
		left := s.left
		s.mu.Unlock()
		if !wait {
			return pier.Errorf(pier.ETooMany, "You already have %d queries running. Wait for one to finish, or cancel it.", s.perUser)
		}
		select {
		case <-left:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *slots) leave(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byUser[user]--; s.byUser[user] <= 0 {
		delete(s.byUser, user)
	}
	close(s.left)
	s.left = make(chan struct{})
}
