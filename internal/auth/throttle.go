package auth

import (
	"sync"
	"time"

	"gongzhi/internal/clock"
)

// Throttle counts failed logins per key (an account tried from one IP, an
// IP, a user changing their password) within a window and refuses further
// tries once a key reaches its limit.
type Throttle struct {
	mu     sync.Mutex
	clock  clock.Clock
	window time.Duration
	fails  map[string][]time.Time
}

// NewThrottle returns a throttle over window.
func NewThrottle(c clock.Clock, window time.Duration) *Throttle {
	return &Throttle{clock: c, window: window, fails: map[string][]time.Time{}}
}

// Blocked reports whether key has limit or more failures within the window.
func (t *Throttle) Blocked(key string, limit int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.recent(key)) >= limit
}

// Fail records a failure for key.
func (t *Throttle) Fail(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[key] = append(t.recent(key), t.clock.Now())
	if len(t.fails) > 100_000 { // bound memory under a spray of keys
		for k := range t.fails {
			if len(t.recent(k)) == 0 {
				delete(t.fails, k)
			}
		}
	}
}

// Reset forgets key's failures after a success.
func (t *Throttle) Reset(key string) {
	t.mu.Lock()
	delete(t.fails, key)
	t.mu.Unlock()
}

func (t *Throttle) recent(key string) []time.Time {
	cut := t.clock.Now().Add(-t.window)
	f := t.fails[key]
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	return f[i:]
}
