package auth_test

import (
	"testing"

	"gongzhi/internal/auth"
)

// TestRedactShortCode: the short code's link (/c/{code}) opens a demand's
// progress page, so its code never reaches a log line.
func TestRedactShortCode(t *testing.T) {
	for in, want := range map[string]string{
		"/c/ABCD2345":          "/c/[redacted]",
		"/x/../c/ABCD2345":     "/c/[redacted]",
		"/c/":                  "/c/",
		"/cases/ABCD2345":      "/cases/ABCD2345",
		"/demands/12/category": "/demands/12/category",
	} {
		if got := auth.RedactPath(in); got != want {
			t.Errorf("RedactPath(%q) = %q, want %q", in, got, want)
		}
	}
}
