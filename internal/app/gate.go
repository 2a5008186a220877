package app

import (
	"net/http"
	"sync"
)

// gate lets at most n requests run at once; the rest wait in arrival order
// (a channel wakes its waiters first-come, first-served). Without it, a
// server past its capacity has every request wait for each of its database
// connections in database/sql's random hand-off, so a request that queries
// seven times waits seven lotteries. n <= 0 lets every request through.
//
// A place is held for the work, not for the network: a request with a
// large body (a photo uploaded from a phone on a slow line) skips the gate,
// and a request gives its place up at its answer's first byte (a large
// export streams to a slow client outside it).
type gate chan struct{}

// gateBodyLimit is the body above which a request skips the gate.
const gateBodyLimit = 64 << 10

func newGate(n int) gate {
	if n <= 0 {
		return nil
	}
	return make(gate, n)
}

// wrap puts next behind the gate; health checks and metrics are not
// wrapped, so a saturated server still answers its monitor at once.
func (g gate) wrap(next http.Handler) http.Handler {
	if g == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > gateBodyLimit || r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case g <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		gw := &gateWriter{ResponseWriter: w, g: g}
		defer gw.leave()
		next.ServeHTTP(gw, r)
	})
}

// gateWriter gives the request's place up when the answer starts.
type gateWriter struct {
	http.ResponseWriter
	g    gate
	once sync.Once
}

func (w *gateWriter) leave() { w.once.Do(func() { <-w.g }) }

func (w *gateWriter) WriteHeader(code int) {
	w.leave()
	w.ResponseWriter.WriteHeader(code)
}

func (w *gateWriter) Write(b []byte) (int, error) {
	w.leave()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *gateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
