package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gongzhi/internal/platform"
)

// TestAbandonedRequestIsNotAServerError: a request whose client left (its
// context canceled, the error a canceled query) is answered 499 and logged
// at debug, not as an internal error; a canceled query while the client
// still waits stays a 500 that is logged.
func TestAbandonedRequestIsNotAServerError(t *testing.T) {
	var logs bytes.Buffer
	s := &server{Deps: Deps{Services: platform.Services{Logger: slog.New(slog.NewTextHandler(&logs, nil))}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest(http.MethodGet, "/api/v1/demands", nil).WithContext(ctx)
	w := httptest.NewRecorder()
	s.fail(w, r, fmt.Errorf("list demands: %w", context.Canceled))
	if w.Code != statusClientClosed {
		t.Errorf("abandoned request answered %d, want %d", w.Code, statusClientClosed)
	}
	if strings.Contains(logs.String(), "api error") {
		t.Errorf("abandoned request logged as an error: %s", logs.String())
	}

	w = httptest.NewRecorder()
	s.fail(w, httptest.NewRequest(http.MethodGet, "/api/v1/demands", nil), fmt.Errorf("list demands: %w", context.Canceled))
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "api error") {
		t.Errorf("a canceled query with the client waiting: %d, logs %q; want 500 and an error line", w.Code, logs.String())
	}
}
