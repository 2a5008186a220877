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
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
)

// Deps is what the web pages need from the app.
type Deps struct {
	DB     *db.DB
	Auth   *auth.Service
	Org    *org.Service
	Demand *demand.Service
	Notify *notify.Service
	// Jobs is the server's job queue, for the operator page; nil: a queue
	// on DB that only lists and changes jobs.
	Jobs   *jobs.Queue
	Clock  clock.Clock
	Logger *slog.Logger
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
	tpl     *templates
	cats    catalogs
	assets  *assets
	reports *auth.Throttle // residents' filings per client address (/report)
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
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.Jobs == nil {
		d.Jobs = jobs.New(d.DB, d.Clock, d.Logger)
	}
	if d.MaxUploadBytes <= 0 {
		d.MaxUploadBytes = DefaultMaxUpload
	}
	s := &server{Deps: d, reports: auth.NewThrottle(d.Clock, reportWindow)}
	var err error
	if s.cats, err = loadCatalogs(); err != nil {
		return nil, err
	}
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.tpl, err = loadTemplates(s.staticFuncs()); err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	return cop.Handler(s.routes()), nil
}

// routes is the one route table of the web surface.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/", s.serveAsset)

	mux.HandleFunc("GET /login", s.public(s.loginForm))
	mux.HandleFunc("POST /login", s.public(s.login))
	mux.HandleFunc("POST /logout", s.post(formLimit, s.logout))
	mux.HandleFunc("POST /lang", s.public(s.setLang))

	mux.HandleFunc("GET /{$}", s.public(s.root)) // staff: their home; everyone else: how to report and track
	mux.HandleFunc("GET /areas", s.page(s.areaRoots))
	mux.HandleFunc("GET /areas/{code}", s.page(s.areaPage))

	mux.HandleFunc("GET /units", s.page(s.unitList))
	mux.HandleFunc("GET /units/export.xlsx", s.page(s.unitExport))
	mux.HandleFunc("GET /units/new", s.page(s.unitNewForm))
	mux.HandleFunc("POST /units", s.post(formLimit, s.unitCreate))
	mux.HandleFunc("GET /units/{id}", s.page(s.unitPage))
	mux.HandleFunc("GET /units/{id}/edit", s.page(s.unitEditForm))
	mux.HandleFunc("POST /units/{id}", s.post(formLimit, s.unitUpdate))

	mux.HandleFunc("GET /coverage", s.page(s.coverage))

	mux.HandleFunc("GET /org", s.page(s.orgHome))
	mux.HandleFunc("GET /org/party-orgs", s.page(s.partyOrgList))
	mux.HandleFunc("GET /org/party-orgs/new", s.page(s.partyOrgNewForm))
	mux.HandleFunc("POST /org/party-orgs", s.post(formLimit, s.partyOrgCreate))
	mux.HandleFunc("GET /org/association", s.page(s.assocList))
	mux.HandleFunc("GET /org/association/new", s.page(s.assocNewForm))
	mux.HandleFunc("POST /org/association", s.post(formLimit, s.assocCreate))
	mux.HandleFunc("GET /org/association/{id}", s.page(s.assocBodyView))
	mux.HandleFunc("POST /org/association/{id}/members", s.post(formLimit, s.assocMemberAdd))
	mux.HandleFunc("GET /org/part-time-members", s.page(s.partTimeList))
	mux.HandleFunc("GET /org/part-time-members/new", s.page(s.partTimeNewForm))
	mux.HandleFunc("POST /org/part-time-members", s.post(formLimit, s.partTimeCreate))
	mux.HandleFunc("GET /org/service-points", s.page(s.servicePointList))
	mux.HandleFunc("GET /org/service-points/new", s.page(s.servicePointNewForm))
	mux.HandleFunc("POST /org/service-points", s.post(formLimit, s.servicePointCreate))
	mux.HandleFunc("GET /org/pick/units", s.page(s.pickUnits))          // JSON for picker.js
	mux.HandleFunc("GET /org/pick/party-orgs", s.page(s.pickPartyOrgs)) // JSON for picker.js

	mux.HandleFunc("GET /import", s.page(s.importForm))
	mux.HandleFunc("GET /import/template.xlsx", s.page(s.importTemplate))
	mux.HandleFunc("POST /import", s.page(s.importUpload)) // parses its own multipart body, checks CSRF itself

	mux.HandleFunc("GET /admin/users", s.page(s.userList))
	mux.HandleFunc("GET /admin/users/new", s.page(s.userNewForm))
	mux.HandleFunc("POST /admin/users", s.post(formLimit, s.userCreate))
	mux.HandleFunc("GET /admin/users/{id}", s.page(s.userPage))
	mux.HandleFunc("POST /admin/users/{id}/grants", s.post(formLimit, s.grantAdd))
	mux.HandleFunc("POST /admin/users/{id}/grants/{grant}/delete", s.post(formLimit, s.grantRemove))
	mux.HandleFunc("POST /admin/users/{id}/disable", s.post(formLimit, s.userDisable))
	mux.HandleFunc("POST /admin/users/{id}/enable", s.post(formLimit, s.userEnable))
	mux.HandleFunc("POST /admin/users/{id}/password", s.post(formLimit, s.userResetPassword))
	mux.HandleFunc("POST /admin/users/{id}/contact", s.post(formLimit, s.userSetContact))

	mux.HandleFunc("GET /account/password", s.page(s.passwordForm))
	mux.HandleFunc("POST /account/password", s.post(formLimit, s.passwordChange))
	mux.HandleFunc("GET /account/contact", s.page(s.contactForm))
	mux.HandleFunc("POST /account/contact", s.post(formLimit, s.contactChange))

	mux.HandleFunc("GET /tokens", s.page(s.tokenList))
	mux.HandleFunc("POST /tokens", s.post(formLimit, s.tokenCreate))
	mux.HandleFunc("POST /tokens/{id}/revoke", s.post(formLimit, s.tokenRevoke))

	mux.HandleFunc("GET /audit", s.page(s.auditList))

	mux.HandleFunc("GET /admin/jobs", s.page(s.jobList))
	mux.HandleFunc("POST /admin/jobs/{id}/retry", s.post(formLimit, s.jobRetry))
	mux.HandleFunc("POST /admin/jobs/{id}/cancel", s.post(formLimit, s.jobCancel))

	// The demand loop (民情诉求): staff pages.
	mux.HandleFunc("GET /queue", s.page(s.queue))
	mux.HandleFunc("GET /demands", s.page(s.demandSearch))
	mux.HandleFunc("GET /demands/new", s.page(s.intakeForm))
	mux.HandleFunc("POST /demands", s.postFiles(s.intake)) // multipart: photos filed with the demand
	mux.HandleFunc("POST /demands/similar", s.post(formLimit, s.similarFragment))
	mux.HandleFunc("GET /demands/dashboard", s.page(s.demandDashboard))
	mux.HandleFunc("GET /demands/dashboard/export.xlsx", s.page(s.demandDashboardExport))
	mux.HandleFunc("GET /demands/map.json", s.page(s.demandMapJSON))
	mux.HandleFunc("GET /demands/{id}", s.page(s.demandPage))
	mux.HandleFunc("POST /demands/{id}/actions", s.post(formLimit, s.demandAct))
	mux.HandleFunc("POST /demands/{id}/attachments", s.postFiles(s.demandAttach))
	mux.HandleFunc("GET /demands/{id}/attachments/{aid}", s.page(s.demandFile))

	mux.HandleFunc("GET /visits", s.page(s.campaignList))
	mux.HandleFunc("POST /visits", s.post(formLimit, s.campaignCreate))
	mux.HandleFunc("GET /visits/{id}", s.page(s.campaignPage))
	mux.HandleFunc("POST /visits/{id}/teams", s.post(formLimit, s.teamAdd))
	mux.HandleFunc("POST /visits/{id}/visits", s.post(formLimit, s.visitRecord))

	mux.HandleFunc("GET /admin/categories", s.page(s.categoryList))
	mux.HandleFunc("GET /admin/categories/new", s.page(s.categoryNewForm))
	mux.HandleFunc("GET /admin/categories/{code}/edit", s.page(s.categoryEditForm))
	mux.HandleFunc("POST /admin/categories", s.post(formLimit, s.categorySave))
	mux.HandleFunc("GET /admin/routes", s.page(s.routeList))
	mux.HandleFunc("POST /admin/routes", s.post(formLimit, s.routeSave))
	mux.HandleFunc("GET /admin/calendar", s.page(s.calendarPage))
	mux.HandleFunc("POST /admin/calendar", s.page(s.calendarUpload)) // parses its own multipart body, checks CSRF itself
	mux.HandleFunc("POST /admin/calendar/{year}", s.post(formLimit, s.calendarLoadNational))

	mux.HandleFunc("GET /inbox", s.page(s.inbox))
	mux.HandleFunc("POST /inbox/read", s.post(formLimit, s.inboxRead))
	mux.HandleFunc("POST /inbox/read-all", s.post(formLimit, s.inboxReadAll))

	// Residents: no account, no login; the tracking token is the key.
	mux.HandleFunc("GET /report", s.public(s.reportForm))
	mux.HandleFunc("POST /report", s.public(s.report))
	mux.HandleFunc("GET /track", s.public(s.trackLookupForm))
	mux.HandleFunc("POST /track", s.public(s.trackLookup))
	mux.HandleFunc("GET /t/{token}", s.public(s.track))
	mux.HandleFunc("POST /t/{token}/rate", s.public(s.rate))
	mux.HandleFunc("GET /t/{token}/attachments/{aid}", s.public(s.trackFile)) // the link's token is the credential

	mux.HandleFunc("/", s.public(s.notFound))
	return mux
}
