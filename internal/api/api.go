// Package api serves the JSON API under /api/v1 and its OpenAPI document.
package api

import (
	"log/slog"
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
)

// Deps is what the API needs from the app.
type Deps struct {
	DB     *db.DB
	Auth   *auth.Service
	Org    *org.Service
	Clock  clock.Clock
	Logger *slog.Logger
}

// New returns the handler for /api/v1/.
func New(d Deps) http.Handler {
	mux := http.NewServeMux()
	return mux
}
