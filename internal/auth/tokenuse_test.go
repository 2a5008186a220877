package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Of many requests that find a token's last use a minute old at once, one
// writes it; the next write is claimed only a minute after that.
func TestClaimTokenUse(t *testing.T) {
	var claim atomic.Int64
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var won atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if claimTokenUse(&claim, now) {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Fatalf("%d of 200 concurrent requests claimed the write, want 1", won.Load())
	}
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{
		{30 * time.Second, false},
		{time.Minute, false},
		{time.Minute + time.Second, true},
		{time.Minute + 2*time.Second, false}, // claimed a second ago
	} {
		if got := claimTokenUse(&claim, now.Add(c.after)); got != c.want {
			t.Errorf("claim %s after the first: %v, want %v", c.after, got, c.want)
		}
	}
}
