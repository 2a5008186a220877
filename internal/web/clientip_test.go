package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"direct, header ignored", "203.0.113.5:4000", "1.2.3.4", proxies, "203.0.113.5"},
		{"no proxies configured", "10.0.0.2:4000", "1.2.3.4", nil, "10.0.0.2"},
		{"through our proxy", "10.0.0.2:4000", "198.51.100.7", proxies, "198.51.100.7"},
		{"client-forged hop is left of the real one", "10.0.0.2:4000", "6.6.6.6, 198.51.100.7", proxies, "198.51.100.7"},
		{"two of our proxies", "10.0.0.2:4000", "198.51.100.7, 10.0.0.9", proxies, "198.51.100.7"},
		{"proxy without header", "10.0.0.2:4000", "", proxies, "10.0.0.2"},
		{"ipv6 loopback proxy", "[::1]:4000", "198.51.100.8", proxies, "198.51.100.8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/login", nil)
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := clientIP(r, c.trusted); got != c.want {
				t.Fatalf("clientIP = %q, want %q", got, c.want)
			}
		})
	}
}
