package loadtest_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/loadtest"
)

// TestRunCountsEveryAnswer drives a stub server that fails one kind of
// request: every answer is counted under its kind and status, 5xx count as
// failures with the first answer kept, and the kinds add up to the total.
func TestRunCountsEveryAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/broken") {
			http.Error(w, `{"error":"boom"}`, http.StatusInternalServerError)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	mix := []loadtest.Request{
		{Name: "good", Weight: 3, Build: func(*rand.Rand, *loadtest.Target) (string, string, []byte) { return "GET", "/good", nil }},
		{Name: "broken", Weight: 1, Build: func(*rand.Rand, *loadtest.Target) (string, string, []byte) { return "POST", "/broken", []byte("{}") }},
	}
	res, err := loadtest.Run(context.Background(), &loadtest.Target{BaseURL: srv.URL, Token: "tok"}, mix, 4, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	good, broken := res.ByName[0], res.ByName[1]
	if res.All.Requests == 0 || good.Requests+broken.Requests != res.All.Requests {
		t.Fatalf("requests: all %d, good %d, broken %d", res.All.Requests, good.Requests, broken.Requests)
	}
	if good.ByStatus[200] != good.Requests || good.Failed != 0 || good.FirstError != "" {
		t.Errorf("good: %+v", good)
	}
	if broken.Requests == 0 || broken.ByStatus[500] != broken.Requests || broken.Failed != broken.Requests ||
		!strings.Contains(broken.FirstError, "POST /broken") || !strings.Contains(broken.FirstError, "boom") {
		t.Errorf("broken: %+v", broken)
	}
	if res.All.P50 <= 0 || res.All.P99 < res.All.P50 || res.All.Max < res.All.P99 || res.All.PerSecond <= 0 {
		t.Errorf("latencies: %+v", res.All)
	}
	var out bytes.Buffer
	res.Format(&out)
	for _, want := range []string{"4 clients", "good", "broken", "500×", "first error of broken"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := loadtest.Run(context.Background(), &loadtest.Target{BaseURL: srv.URL}, nil, 4, time.Second); err == nil {
		t.Error("an empty mix ran")
	}
}
