package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/phone"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
)

// TestClientBehindProxy: behind our reverse proxy (a trusted address) the
// per-address limit on phone codes counts each client of X-Forwarded-For,
// not the proxy; a hop the client wrote itself does not dodge it.
func TestClientBehindProxy(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	f := testkit.NewFixture(t, d)
	c := testkit.Clock()
	n := notify.NewService(d, c, notify.Options{SMS: true})
	h := api.New(api.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Notify: n, Clock: c, Phone: phone.NewService(d, c, n)},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ask := func(i int, forwarded string) int {
		body := `{"phone":"1390000` + strconv.Itoa(1000+i) + `"}` // another number each time: only the address limit counts
		req, _ := http.NewRequest("POST", srv.URL+api.Prefix+"/phone/code", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", forwarded)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	// Many residents behind the proxy: each is counted on its own.
	for i := range phone.IPLimit + 5 {
		if st := ask(i, "203.0.113."+strconv.Itoa(i+1)); st != 200 {
			t.Fatalf("resident %d behind the proxy: %d", i, st)
		}
	}
	// One resident asking again and again is stopped, whatever it writes
	// left of the proxy's hop.
	for i := range phone.IPLimit {
		if st := ask(100+i, "198.51.100."+strconv.Itoa(i)+", 198.51.100.7"); st != 200 {
			t.Fatalf("ask %d: %d", i, st)
		}
	}
	if st := ask(200, "10.9.9.9, 198.51.100.7"); st != http.StatusTooManyRequests {
		t.Fatalf("past the limit: %d, want 429", st)
	}
}
