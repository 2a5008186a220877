package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"gongzhi/internal/errs"
)

// Webhook targets (Webhook 目标地址). A webhook is a request the server
// makes wherever a district admin points it, so without a rule it could
// reach the server's own loopback API, the cloud metadata service at
// 169.254.169.254 or hosts on the internal network (SSRF). Only public
// addresses are allowed unless the operator turns on AllowPrivate
// (--webhook-allow-private) for receivers on the internal network. The
// rule is checked when a URL is saved, for early and clear feedback, and
// again on every address the dispatcher connects to, so a name that
// resolves elsewhere by send time (DNS rebinding) is still refused; the
// dispatcher follows no redirects.

// Resolver looks up a host's addresses; *net.Resolver is one. Tests pass
// their own to play a name that changes its answer.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Targets is the rule for where webhooks may be sent. The zero value
// allows public addresses only and resolves names with net.DefaultResolver.
type Targets struct {
	// AllowPrivate also allows loopback, private, link-local and other
	// internal addresses (--webhook-allow-private).
	AllowPrivate bool
	Resolver     Resolver
}

// lookupTimeout bounds the name lookup of a save-time check.
const lookupTimeout = 5 * time.Second

// reservedNets are ranges netip's predicates do not cover that are not
// public either.
var reservedNets = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "unspecified"}, // "this network": 0.0.0.0 reaches the host itself
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "reserved"},  // IETF protocol assignments
	{netip.MustParsePrefix("198.18.0.0/15"), "reserved"}, // benchmarking
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},   // incl. broadcast 255.255.255.255
	{netip.MustParsePrefix("::/96"), "reserved"},         // IPv4-compatible, deprecated
	{netip.MustParsePrefix("64:ff9b:1::/48"), "private"}, // local-use NAT64
	{netip.MustParsePrefix("fec0::/10"), "private"},      // site-local, deprecated
}

// nat64 is the well-known NAT64 prefix: its addresses reach the IPv4
// address in their last 32 bits, which is what must be judged.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// InternalAddr says what kind of non-public address a is ("loopback",
// "private", "link-local", "unspecified", "multicast", "shared (CGNAT)",
// "reserved"), or "" for a public address webhooks may be sent to.
// IPv4-mapped IPv6 forms (::ffff:127.0.0.1) count as the IPv4 address.
func InternalAddr(a netip.Addr) string {
	a = a.WithZone("").Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	case a.IsPrivate():
		return "private"
	}
	for _, n := range reservedNets {
		if n.prefix.Contains(a) {
			return n.kind
		}
	}
	return ""
}

func (t Targets) resolver() Resolver {
	if t.Resolver == nil {
		return net.DefaultResolver
	}
	return t.Resolver
}

// hostName is a URL host as a name: lower case, without a trailing dot.
func hostName(host string) string { return strings.TrimSuffix(strings.ToLower(host), ".") }

// isLocalhost reports names that always mean this host (RFC 6761),
// whatever a resolver answers.
func isLocalhost(host string) bool {
	h := hostName(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// checkHost refuses a URL whose host is, or resolves to, an internal
// address. A name that does not resolve now is let through: a receiver
// may not be in DNS yet, and the dispatcher checks every address it
// connects to anyway.
func (t Targets) checkHost(ctx context.Context, u *url.URL) error {
	if t.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	refused := func(what string) error {
		return errs.Invalid("url", "url must point at a public address, but %s is internal (loopback, private, link-local or reserved); receivers on an internal network need the server setting --webhook-allow-private", what)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if InternalAddr(a) != "" {
			return refused(host)
		}
		return nil
	}
	if isLocalhost(host) {
		return refused(host)
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := t.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if InternalAddr(a) != "" {
			return refused(host + " (" + a.Unmap().String() + ")")
		}
	}
	return nil
}

// refusedTarget is the error of a connection the rule did not allow.
type refusedTarget struct{ kind string }

func (e *refusedTarget) Error() string { return "target refused: " + e.kind + " address" }

// control runs on every socket before it connects, with the address
// actually dialled: the last word, whatever a name resolved to earlier.
func (t Targets) control(_, address string, _ syscall.RawConn) error {
	if t.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusedTarget{kind: "unparsable"}
	}
	if kind := InternalAddr(ap.Addr()); kind != "" {
		return &refusedTarget{kind: kind}
	}
	return nil
}

// dial resolves addr's host with the rule's resolver and connects to its
// addresses in turn, each through control. A refusal is reported before
// other failures, as the likelier thing for an admin to fix.
func (t Targets) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{a}
	} else if !t.AllowPrivate && isLocalhost(host) {
		return nil, &refusedTarget{kind: "loopback"}
	} else if ips, err = t.resolver().LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: 10 * time.Second, Control: t.control}
	var first, refusal error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		var r *refusedTarget
		if refusal == nil && errors.As(err, &r) {
			refusal = err
		}
		if first == nil {
			first = err
		}
	}
	if refusal != nil {
		return nil, refusal
	}
	if first == nil {
		first = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return nil, first
}

// client is the HTTP client webhooks are posted with: every connection
// goes through dial, no proxy (it would hide the real destination from
// the check), no redirects (a 3xx counts as a failure rather than
// turning the POST into a GET elsewhere), bounded reply headers.
func (t Targets) client() *http.Client {
	return &http.Client{
		Timeout: sendTimeout,
		Transport: &http.Transport{
			DialContext:            t.dial,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    10 * time.Second,
			ResponseHeaderTimeout:  sendTimeout,
			MaxIdleConns:           20,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// failure is the delivery log's short account of a request that got no
// reply. It never quotes the error text, which carries the URL and
// addresses, and never anything the receiver sent.
func failure(err error) string {
	var refused *refusedTarget
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var hdr tls.RecordHeaderError
	var ne net.Error
	switch {
	case errors.As(err, &refused):
		return refused.Error()
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "host not found"
		}
		return "DNS lookup failed"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &cert):
		return "TLS certificate not trusted"
	case errors.As(err, &hdr):
		return "TLS handshake failed"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "connection failed"
}
