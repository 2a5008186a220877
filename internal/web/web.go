// Package web serves the server-rendered pages, their static files and i18n.
package web

import (
	"log/slog"
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
)

// Deps is what the web pages need from the app.
type Deps struct {
	DB     *db.DB
	Auth   *auth.Service
	Org    *org.Service
	Clock  clock.Clock
	Logger *slog.Logger
	// SecureCookies forces the Secure flag; otherwise it is set when the
	// request came over TLS (directly or via X-Forwarded-Proto).
	SecureCookies bool
}

// New returns the handler for every page and static file.
func New(d Deps) (http.Handler, error) {
	mux := http.NewServeMux()
	return mux, nil
}
