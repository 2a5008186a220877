// Package api serves the JSON API under /api/v1 and its OpenAPI document.
//
// Handlers only translate HTTP to service calls and back: every call takes
// the caller's principal and the services decide, through auth.Authorize and
// auth.ScopeSQL, what the caller may read or change. Errors are coded
// (internal/errs) and mapped to statuses in one table (respond.go).
package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/platform"
)

// Deps is what the API needs from the app: the platform's services. A new
// capability's service arrives as a field of platform.Services, so New
// never changes.
type Deps struct {
	platform.Services
	// TrustedProxies are our reverse proxies: for requests from them the
	// client's address is read from X-Forwarded-For (per-address limits).
	TrustedProxies []netip.Prefix
}

// Prefix is where the app mounts the API; route paths are relative to it,
// as the paths of the OpenAPI document are relative to its server URL.
const Prefix = "/api/v1"

// server is the API's handlers sharing the deps.
type server struct {
	Deps
}

// New returns the handler for /api/v1/. It expects the full request path
// (the app mounts it with mux.Handle("/api/v1/", h), without StripPrefix).
func New(d Deps) http.Handler {
	d.Services = d.Services.WithDefaults()
	s := &server{Deps: d}
	mux := http.NewServeMux()
	// paths knows every route path regardless of method, so a request that
	// no route takes can be told apart: a known path is 405, else 404.
	paths := http.NewServeMux()
	allow := map[string][]string{}
	for _, rt := range routeTable() {
		mux.Handle(rt.Method+" "+Prefix+rt.Path, s.handle(rt))
		if allow[rt.Path] == nil {
			paths.Handle(Prefix+rt.Path, http.NotFoundHandler())
		}
		allow[rt.Path] = append(allow[rt.Path], rt.Method)
	}
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := paths.Handler(r); pattern != "" {
			methods := allow[strings.TrimPrefix(pattern, Prefix)]
			w.Header().Set("Allow", strings.Join(methods, ", "))
			s.fail(w, r, errs.New(eMethod, "%s is not allowed here; use %s", r.Method, strings.Join(methods, " or ")))
			return
		}
		s.fail(w, r, errs.New(errs.ENOTFOUND, "no such API endpoint: %s %s (see %s/openapi.json)", r.Method, r.URL.Path, Prefix))
	})
	return mux
}

// handle wraps one route: it resolves the bearer token (unless the route is
// public), runs the handler, writes any error it returns and turns a panic
// into a logged 500 so one bad request cannot take the server down.
func (s *server) handle(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, errs.Wrap(fmt.Errorf("panic: %v\n%s", v, debug.Stack()), rt.Method+" "+rt.Path))
			}
		}()
		var p *auth.Principal
		if !rt.Public {
			var err error
			if p, err = s.principal(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := rt.h(s, w, r, p); err != nil {
			s.fail(w, r, err)
		}
	})
}

// errNoToken is returned when a request carries no bearer token at all.
func errNoToken() error {
	return errs.New(errs.EUNAUTHORIZED, "missing API token: send the header Authorization: Bearer TOKEN")
}

// principal resolves the request's bearer token to the caller.
func (s *server) principal(r *http.Request) (*auth.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return nil, errNoToken()
	}
	p, err := s.Auth.TokenPrincipal(r.Context(), token)
	if err != nil {
		if errs.Code(err) == errs.EUNAUTHORIZED {
			return nil, &errs.Error{Code: errs.EUNAUTHORIZED, Message: "invalid or revoked API token", Err: errBadToken}
		}
		return nil, err
	}
	return p, nil
}

// errBadToken marks a 401 caused by a token that was sent but is not valid,
// so the WWW-Authenticate header can say error="invalid_token" (RFC 6750).
var errBadToken = errors.New("invalid token")
