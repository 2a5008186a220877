package platform

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP is the peer address of r, used to throttle logins, codes and
// look-ups per client. X-Forwarded-For is believed only from our own
// proxies (trusted): anyone could send it to dodge a per-address limit.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	// Behind our own proxy every request comes from the proxy's address;
	// take the right-most X-Forwarded-For hop that is not one of our
	// proxies. Hops a client wrote itself sit further left and are never
	// reached.
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !isTrusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h != "" && !isTrusted(h) {
			return h
		}
	}
	return host
}
