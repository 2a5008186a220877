package app

import "net/http"

// gate lets at most n requests run at once; the rest wait in arrival order
// (a channel wakes its waiters first-come, first-served). Without it, a
// server past its capacity has every request wait for each of its database
// connections in database/sql's random hand-off, so a request that queries
// seven times waits seven lotteries. n <= 0 lets every request through.
type gate chan struct{}

func newGate(n int) gate {
	if n <= 0 {
		return nil
	}
	return make(gate, n)
}

// wrap puts next behind the gate; health checks and metrics stay outside,
// so a saturated server still answers its monitor at once.
func (g gate) wrap(next http.Handler) http.Handler {
	if g == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case g <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-g }()
		next.ServeHTTP(w, r)
	})
}
