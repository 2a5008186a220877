package app

import "net/http"

// withGate lets at most n requests run at once; the rest wait in arrival
// order (a channel wakes its waiters first-come, first-served). Without it,
// a server past its capacity has every request wait for each of its
// database connections in database/sql's random hand-off, so a request
// that queries seven times waits seven lotteries.
func withGate(n int, next http.Handler) http.Handler {
	if n <= 0 {
		return next
	}
	sem := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-sem }()
		next.ServeHTTP(w, r)
	})
}
