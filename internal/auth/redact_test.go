package auth_test

import (
	"testing"

	"gongzhi/internal/auth"
)

func TestRedactPath(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/t/abc123", "/t/[redacted]"},
		{"/t/abc123/rate", "/t/[redacted]/rate"},
		{"/t/abc123/attachments/7", "/t/[redacted]/attachments/7"},
		{"/t//abc123", "/t/[redacted]"},
		{"/x/../t/abc123", "/t/[redacted]"},
		{"/./t/abc123/", "/t/[redacted]/"},
		{"/api/v1/track/abc123", "/api/v1/track/[redacted]"},
		{"/api/v1/track/abc123/rate", "/api/v1/track/[redacted]/rate"},
		{"/api/v1/track/abc123/attachments/7", "/api/v1/track/[redacted]/attachments/7"},
		{"/t/", "/t/"},
		{"/api/v1/track/", "/api/v1/track/"},
		{"/ballot/k3jx7q", "/ballot/[redacted]"},
		{"/api/v1/ballots/k3jx7q", "/api/v1/ballots/[redacted]"},
		{"/tokens", "/tokens"},
		{"/tokens/5/revoke", "/tokens/5/revoke"},
		{"/demands/12", "/demands/12"},
		{"/open311/v2/tokens/t12.json", "/open311/v2/tokens/t12.json"},
		{"/", "/"},
		{"", ""},
	}
	for _, c := range cases {
		if got := auth.RedactPath(c.in); got != c.want {
			t.Errorf("RedactPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
