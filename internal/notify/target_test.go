package notify_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// dns is a resolver with fixed answers; names it does not know are not found.
type dns map[string][]netip.Addr

func (m dns) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := m[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

// publicDNS answers the example names the tests use with a public address,
// so no test depends on the machine's DNS.
var publicDNS = notify.Targets{Resolver: dns{
	"example.org":        addrs("203.0.113.10"),
	"ops.example.gov.cn": addrs("203.0.113.11"),
}}

func TestInternalAddr(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"127.0.0.1", "loopback"},
		{"127.255.255.254", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"64:ff9b::7f00:1", "loopback"}, // NAT64 of 127.0.0.1
		{"10.0.0.1", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:192.168.0.1", "private"},
		{"64:ff9b::a00:1", "private"},
		{"fec0::1", "private"},
		{"169.254.169.254", "link-local"}, // cloud metadata
		{"::ffff:169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"::", "unspecified"},
		{"::ffff:0.0.0.0", "unspecified"},
		{"100.64.0.1", "shared (CGNAT)"},
		{"100.127.255.255", "shared (CGNAT)"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"ff02::1", "multicast"},
		{"ff0e::1", "multicast"},
		{"255.255.255.255", "reserved"},
		{"240.0.0.1", "reserved"},
		{"::7f00:1", "reserved"}, // IPv4-compatible
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"203.0.113.10", ""},
		{"11.0.0.1", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"192.169.0.1", ""},
		{"::ffff:8.8.8.8", ""},
		{"64:ff9b::808:808", ""},
		{"2606:4700::1111", ""},
	} {
		t.Run(c.addr, func(t *testing.T) {
			if got := notify.InternalAddr(netip.MustParseAddr(c.addr)); got != c.want {
				t.Errorf("InternalAddr(%s) = %q, want %q", c.addr, got, c.want)
			}
		})
	}
	if got := notify.InternalAddr(netip.Addr{}); got == "" {
		t.Error("the zero address counts as public")
	}
}

// internalURLs are webhook URLs that reach this host or its network, by
// address or by a name resolving there (see targetDNS).
var internalURLs = []string{
	"http://127.0.0.1:8080/api/v1/me",
	"http://[::1]/",
	"http://169.254.169.254/latest/meta-data/",
	"http://10.0.0.1/",
	"https://192.168.1.20:8443/hook",
	"http://[fd00::1]/",
	"http://[fe80::1%25eth0]/",
	"http://[::ffff:127.0.0.1]/",
	"http://0.0.0.0:8080/",
	"http://100.64.0.1/",
	"http://224.0.0.1/",
	"http://localhost/",
	"http://LOCALHOST./",
	"http://api.localhost:8080/",
	"http://intranet.example.org/",
	"http://metadata.example.org/",
	"http://mixed.example.org/", // one public address does not excuse an internal one
}

var targetDNS = dns{
	"public.example.org":   addrs("203.0.113.10", "2001:db8::10"),
	"intranet.example.org": addrs("10.1.2.3"),
	"metadata.example.org": addrs("169.254.169.254"),
	"mixed.example.org":    addrs("203.0.113.10", "::ffff:127.0.0.1"),
}

// TestWebhookURLRefusedAtSave: internal targets are refused when saved,
// on create and on update, unless the operator allows them.
func TestWebhookURLRefusedAtSave(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: notify.Targets{Resolver: targetDNS}})
		ctx := context.Background()
		for _, u := range append(internalURLs, "gopher://public.example.org/", "file:///etc/passwd", "http:///x") {
			_, _, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: u})
			if ds := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || len(ds) != 1 || ds[0].Field != "url" {
				t.Errorf("CreateWebhook(%s) = %v, want EINVALID on url", u, err)
			}
		}
		_, _, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "http://intranet.example.org/"})
		if m := errs.Message(err); !strings.Contains(m, "intranet.example.org (10.1.2.3)") || !strings.Contains(m, "--webhook-allow-private") {
			t.Errorf("the message does not say what is wrong and what allows it: %q", m)
		}
		if n := count(t, d, "SELECT count(*) FROM webhooks"); n != 0 {
			t.Fatalf("%d refused webhooks were saved", n)
		}
		// Public names are fine; so is a name that does not resolve yet (the
		// dispatcher checks what it connects to).
		_, w, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "https://public.example.org/h"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "https://not-yet.example.org/h"}); err != nil {
			t.Errorf("unresolved name: %v", err)
		}
		for _, u := range internalURLs[:3] {
			_, err := e.svc.UpdateWebhook(ctx, e.admin, w.ID, notify.WebhookUpdate{URL: &u})
			if ds := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || ds[0].Field != "url" {
				t.Errorf("UpdateWebhook(%s) = %v, want EINVALID on url", u, err)
			}
		}
		if list, _ := e.svc.Webhooks(ctx, e.admin); list[0].URL != "https://public.example.org/h" {
			t.Errorf("a refused update changed the URL: %+v", list[0])
		}

		// With the operator's setting on, the same URLs are accepted.
		on := notify.NewService(d, e.clock, notify.Options{Targets: notify.Targets{AllowPrivate: true, Resolver: targetDNS}})
		for _, u := range internalURLs {
			if _, _, err := on.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: u}); err != nil {
				t.Errorf("allowed: CreateWebhook(%s) = %v", u, err)
			}
		}
		if _, _, err := on.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "gopher://public.example.org/"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("allowed: a gopher URL: %v", err)
		}
	})
}

// TestWebhookRefusedAtSendTime: a name that resolved to a public address
// when saved but to this host when sent (DNS rebinding), and a URL saved
// while internal targets were allowed, are both refused on the address
// actually dialled, and the log says why in a few words.
func TestWebhookRefusedAtSendTime(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		r := newReceiver(t)
		port := r.srv.Listener.Addr().(*net.TCPAddr).Port
		e := newEnv(t, d, notify.Options{Targets: notify.Targets{Resolver: dns{"hooks.example.org": addrs("203.0.113.10")}}})
		ctx := context.Background()
		rebound := "http://hooks.example.org:" + strconv.Itoa(port) + "/hook"
		_, w1, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: rebound})
		if err != nil {
			t.Fatalf("save while the name is public: %v", err)
		}
		then := notify.NewService(d, e.clock, notify.Options{Targets: loopbackOK})
		_, w2, err := then.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: r.srv.URL + "/hook"})
		if err != nil {
			t.Fatal(err)
		}
		e.enqueue(t, "demand.closed", map[string]int{"id": 1})

		nowLoopback := dns{"hooks.example.org": addrs("::ffff:127.0.0.1")}
		x := notify.NewDispatcher(d, e.clock, notify.Targets{Resolver: nowLoopback}, nil, nil)
		if n := runDue(t, x); n != 0 || r.count() != 0 {
			t.Fatalf("sent %d, receiver got %d requests; want both refused", n, r.count())
		}
		for _, id := range []int64{w1.ID, w2.ID} {
			dl := e.deliveries(t, id)[0]
			if dl.Status != "pending" || dl.Attempts != 1 || dl.LastStatusCode != nil || dl.LastError != "target refused: loopback address" {
				t.Errorf("webhook %d: %+v", id, dl)
			}
		}
		// The same deliveries go through where the operator allows internal
		// receivers: the refusal was the rule's, not a failed lookup.
		e.clock.Advance(time.Minute)
		allowed := notify.NewDispatcher(d, e.clock, notify.Targets{AllowPrivate: true, Resolver: nowLoopback}, nil, nil)
		if n := runDue(t, allowed); n != 2 || r.count() != 2 {
			t.Fatalf("allowed: sent %d, receiver got %d", n, r.count())
		}
	})
}

// TestWebhookRedirectNotFollowed: a receiver cannot send the POST on to
// an address the rule would refuse by answering with a redirect.
func TestWebhookRedirectNotFollowed(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		inner := 0
		target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { mu.Lock(); inner++; mu.Unlock() }))
		defer target.Close()
		hop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/api/v1/me", http.StatusTemporaryRedirect)
		}))
		defer hop.Close()
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		_, w, err := e.svc.CreateWebhook(context.Background(), e.admin, notify.NewWebhook{URL: hop.URL})
		if err != nil {
			t.Fatal(err)
		}
		e.enqueue(t, "demand.closed", map[string]int{"id": 1})
		if n := runDue(t, notify.NewDispatcher(d, e.clock, loopbackOK, nil, nil)); n != 0 {
			t.Fatalf("a redirect counted as delivered")
		}
		mu.Lock()
		defer mu.Unlock()
		dl := e.deliveries(t, w.ID)[0]
		if inner != 0 || dl.LastStatusCode == nil || *dl.LastStatusCode != 307 || dl.LastError != "HTTP 307, redirect not followed" {
			t.Errorf("redirect followed %d times; delivery %+v", inner, dl)
		}
	})
}

// TestDeliveryLogKeepsNoReply: whatever a receiver answers, the delivery
// log keeps its status and nothing of its body, so a webhook aimed at an
// internal service cannot be used to read it.
func TestDeliveryLogKeepsNoReply(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		const secret = "session=SECRET-REPLY-7f3a"
		var mu sync.Mutex
		status := http.StatusInternalServerError
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			code := status
			mu.Unlock()
			w.Header().Set("X-Echo", secret)
			w.WriteHeader(code)
			io.WriteString(w, `{"user":"admin","token":"`+secret+`"}`+strings.Repeat(" ", 200<<10)) // longer than any read
		}))
		defer srv.Close()
		e := newEnv(t, d, notify.Options{Targets: loopbackOK})
		_, w, err := e.svc.CreateWebhook(context.Background(), e.admin, notify.NewWebhook{URL: srv.URL + "/api/v1/me"})
		if err != nil {
			t.Fatal(err)
		}
		e.enqueue(t, "demand.closed", map[string]int{"id": 1})
		x := notify.NewDispatcher(d, e.clock, loopbackOK, nil, nil)
		stored := func() string {
			var s strings.Builder
			rows, err := d.Query(context.Background(), "SELECT last_error FROM webhook_deliveries")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var v string
				rows.Scan(&v)
				s.WriteString(v)
			}
			return s.String()
		}

		runDue(t, x)
		if dl := e.deliveries(t, w.ID)[0]; dl.LastError != "HTTP 500" || *dl.LastStatusCode != 500 {
			t.Errorf("after a 500: %+v", dl)
		}
		if s := stored(); strings.Contains(s, "SECRET") || strings.Contains(s, "admin") {
			t.Errorf("the delivery log keeps the reply: %q", s)
		}
		mu.Lock()
		status = http.StatusOK
		mu.Unlock()
		e.clock.Advance(time.Minute)
		if n := runDue(t, x); n != 1 {
			t.Fatalf("sent %d", n)
		}
		if dl := e.deliveries(t, w.ID)[0]; dl.Status != "delivered" || dl.LastError != "" || *dl.LastStatusCode != 200 {
			t.Errorf("after a 200: %+v", dl)
		}
		if n := count(t, d, "SELECT count(*) FROM webhook_deliveries WHERE last_error LIKE ? OR payload LIKE ?", "%SECRET%", "%SECRET%"); n != 0 {
			t.Errorf("%d deliveries keep the reply", n)
		}
	})
}
