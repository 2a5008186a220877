package notify_test

import (
	"testing"
	"time"

	"gongzhi/internal/notify"
)

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		wait     time.Duration
		retry    bool
	}{
		{1, time.Minute, true},
		{2, 5 * time.Minute, true},
		{3, 30 * time.Minute, true},
		{4, 2 * time.Hour, true},
		{5, 12 * time.Hour, true},
		{6, 0, false},
		{7, 0, false},
	}
	for _, c := range cases {
		wait, retry := notify.Backoff(c.attempts)
		if wait != c.wait || retry != c.retry {
			t.Errorf("Backoff(%d) = %s, %v; want %s, %v", c.attempts, wait, retry, c.wait, c.retry)
		}
	}
}

func TestSubscribed(t *testing.T) {
	cases := []struct {
		events, event string
		want          bool
	}{
		{"*", "demand.created", true},
		{"demand.created", "demand.created", true},
		{"demand.created", "demand.closed", false},
		{"demand.*", "demand.closed", true},
		{"demand.*", "demands.closed", false},
		{"demand.*", "demand", false},
		{"lists.*,demand.closed", "demand.closed", true},
		{"lists.*,demand.closed", "demand.created", false},
	}
	for _, c := range cases {
		if got := notify.Subscribed(c.events, c.event); got != c.want {
			t.Errorf("Subscribed(%q, %q) = %v", c.events, c.event, got)
		}
	}
}

func TestSignature(t *testing.T) {
	// Reference value computed independently (Python hmac) for this input.
	body := `{"event":"demand.closed","data":{"title":"噪音"}}`
	const want = "sha256=be55dfba6a219827888a3d1701106e5f7ed3fb21df2fb81c01b7efa13a18e480"
	if got := notify.Sign("whsec_test", "1764466200", body); got != want {
		t.Fatalf("Sign = %s", got)
	}
	cases := []struct {
		name                     string
		secret, ts, body, header string
		ok                       bool
	}{
		{"valid", "whsec_test", "1764466200", body, want, true},
		{"upper-case hex", "whsec_test", "1764466200", body, "sha256=BE55DFBA6A219827888A3D1701106E5F7ED3FB21DF2FB81C01B7EFA13A18E480", true},
		{"other secret", "whsec_x", "1764466200", body, want, false},
		{"other time", "whsec_test", "1764466201", body, want, false},
		{"other body", "whsec_test", "1764466200", body + "\n", want, false},
		{"no scheme", "whsec_test", "1764466200", body, want[len("sha256="):], false},
		{"not hex", "whsec_test", "1764466200", body, "sha256=zz", false},
		{"empty", "whsec_test", "1764466200", body, "", false},
		{"empty secret", "", "1764466200", body, notify.Sign("", "1764466200", body), false},
	}
	for _, c := range cases {
		if got := notify.VerifySignature(c.secret, c.ts, c.body, c.header); got != c.ok {
			t.Errorf("%s: VerifySignature = %v", c.name, got)
		}
	}
}
