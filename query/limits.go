package query

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pier-analytics/pier"
)

// Limits bound what queries may take. Zero fields take the defaults.
type Limits struct {
	Timeout time.Duration // per query; default 5 minutes
	Slots   int           // queries running at once, all users; default 4 per core
	PerUser int           // of those, at most this many for one user; default half the slots
	Threads int           // DuckDB threads per worker; default the number of cores
	// WorkerMemory is the most memory, in bytes, one worker process may
	// hold while it runs a query; past it the worker is killed and the
	// query fails. Default: three quarters of the machine's (or the
	// container's) memory shared among the slots, between 1 and 8 GiB.
	WorkerMemory int64
	MemoryLimit  string        // DuckDB's own memory_limit per sandbox; default 60% of WorkerMemory
	TempDirSize  string        // spill space per sandbox; default 10GB
	MaxSandboxes int           // sandboxes one worker keeps open; default 2, as their caches count toward its memory
	Grace        time.Duration // how long a stopped query may take to end before its worker is killed; default 1s
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
	if l.WorkerMemory <= 0 {
		l.WorkerMemory = min(max(machineMemory()*3/4/int64(l.Slots), 1<<30), 8<<30)
	}
	if l.MemoryLimit == "" {
		l.MemoryLimit = fmt.Sprintf("%dMB", l.WorkerMemory*6/10>>20)
	}
	if l.TempDirSize == "" {
		l.TempDirSize = "10GB"
	}
	if l.MaxSandboxes <= 0 {
		l.MaxSandboxes = 2
	}
	if l.Grace <= 0 {
		l.Grace = time.Second
	}
	return l
}

// machineMemory returns the memory this process may use: the machine's,
// or its container's limit when that is lower; 8 GiB if neither is known.
func machineMemory() int64 {
	total := int64(8 << 30)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil && kb > 0 {
			total = kb << 10
		}
	}
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < total {
			total = n
		}
	}
	return total
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
