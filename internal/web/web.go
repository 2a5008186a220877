// Package web serves the server-rendered pages, their static files and i18n.
//
// Pages are stdlib html/template files embedded in the binary, parsed once at
// New and cloned per request so the request's language can be bound to the
// template's t function without leaking into another request. Static files are
// served under content-hashed URLs. Every form post passes Go's
// CrossOriginProtection and, for signed-in sessions, the session's CSRF token.
package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/platform"
)

// Deps is what the web pages need from the app: the platform's services
// (a new capability's service arrives as a field there, so New never
// changes) and the settings of the web surface.
type Deps struct {
	platform.Services
	// SecureCookies forces the Secure flag; otherwise it is set when the
	// request came over TLS (directly or via X-Forwarded-Proto).
	SecureCookies bool
	// TrustedProxies are our reverse proxies: for requests from them the
	// client address (for login throttling) comes from X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// MaxUploadBytes caps an import upload; 0 means DefaultMaxUpload.
	MaxUploadBytes int64
}

// DefaultMaxUpload is the largest import file accepted: a district's whole
// unit register as XLSX is a few MiB, so 50 MiB leaves room without letting
// one upload fill the disk.
const DefaultMaxUpload = 50 << 20

// formLimit caps ordinary (non-upload) form bodies.
const formLimit = 1 << 20

// server holds what every handler shares; it is built once by New.
type server struct {
	Deps
	tpl      *templates
	sections []section
	cats     catalogs
	assets   *assets
	reports  *auth.Throttle // residents' filings per client address (/report)
}

// Residents file without an account, so /report is limited per client
// address: enough for a family, too few for a script.
const (
	reportLimit  = 10
	reportWindow = 10 * time.Minute
)

// New returns the handler for every page and static file.
func New(d Deps) (http.Handler, error) {
	if d.DB == nil || d.Auth == nil || d.Org == nil || d.Demand == nil || d.Notify == nil {
		return nil, fmt.Errorf("web: Deps.DB, Deps.Auth, Deps.Org, Deps.Demand and Deps.Notify are required")
	}
	d.Services = d.Services.WithDefaults()
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = DefaultMaxUpload
	}
	s := &server{Deps: d, reports: auth.NewThrottle(d.Clock, reportWindow), sections: sections()}
	var err error
	if s.cats, err = loadCatalogs(); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.tpl, err = loadTemplates(s.staticFuncs(), s.sections); err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return cop.Handler(s.routes()), nil
}

// routes mounts every section's pages on one mux: the sections are the
// route table of the web surface (sections.go).
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, sec := range s.sections {
		for _, rt := range sec.routes(s) {
			mux.HandleFunc(rt.pattern, rt.h)
		}
	}
	mux.HandleFunc("/", s.public(s.notFound))
	return mux
}
