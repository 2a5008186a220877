// Package open311 serves Open311 GeoReport v2 (the public reporting door of
// 民情诉求) over the demand service: discovery, services (categories),
// service definitions (category attributes), POST and GET requests, and
// tokens, each in .json and .xml, with the spec's error arrays.
//
// The handler expects full paths under Prefix, so the app mounts it with
// mux.Handle(open311.Prefix, h). Paths already stripped of the prefix (by
// http.StripPrefix) work too.
//
// Our services are realtime: POST answers the new request's id at once
// (HTTP 200, as in the spec's examples). Tokens are therefore never issued,
// but GET tokens/{token} answers for "t" followed by a request id (Token).
// A POST's api_key is an API token: a staff member whose grants allow
// intake where the request lies files as themselves (channel online); any
// other valid token files as a resident would, with no account.
//
// Public GETs need no key and show every demand of the jurisdiction, as
// Open311 practice does, newest first: at most 1,000 and by default those
// of the last 90 days.
//
// Personal data never leaves through this door: reporters' names, phones
// and e-mails are stored with the demand but written into no response, and
// phone numbers, e-mail addresses and reporters' names that residents typed
// into free text are masked before it is shown.
package open311

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
)

// Prefix is where the app mounts the handler.
const Prefix = "/open311/v2/"

// Deps is what the Open311 surface needs; Demand and Auth are required.
type Deps struct {
	Demand *demand.Service
	Auth   *auth.Service
	// Org names the bodies in agency_responsible; when nil the demand's own
	// area name (or the body's area code) is shown instead.
	Org    *org.Service
	Clock  clock.Clock
	Logger *slog.Logger
	// BaseURL is the site's public root (https://gongzhi.example.gov) for the
	// discovery document; when empty it is derived from each request.
	BaseURL string
	// Jurisdiction is our jurisdiction_id (the district's area code, e.g.
	// 310104). Requests naming another get 404; empty accepts any.
	Jurisdiction string
	// DefaultArea is the area code a request located only by address_string
	// is filed under (the district, whose staff then place it); when empty
	// such requests get 400 asking for lat/long or address_id.
	DefaultArea string
	// Contact is the discovery document's contact line; a generic one when empty.
	Contact string
}

// handler routes Open311 calls by path, extension and method.
type handler struct {
	Deps
	changeset string // when this process started serving; see discovery.go
}

// New returns the Open311 GeoReport v2 handler.
func New(d Deps) http.Handler {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &handler{Deps: d, changeset: isoTime(d.Clock.Now())}
}

// route is one call: its method, the directory below the prefix ("" or
// "services/"…) and whether the file name is fixed or the call's argument.
type route struct {
	method string
	dir    string
	name   string // fixed file name; "" means the name is the argument
	serve  func(h *handler, ctx context.Context, w http.ResponseWriter, r *http.Request, f format, arg string)
}

var routes = []route{
	{http.MethodGet, "", "discovery", (*handler).discovery},
	{http.MethodGet, "", "services", (*handler).services},
	{http.MethodGet, "services/", "", (*handler).definition},
	{http.MethodGet, "", "requests", (*handler).requests},
	{http.MethodPost, "", "requests", (*handler).create},
	{http.MethodGet, "requests/", "", (*handler).request},
	{http.MethodGet, "tokens/", "", (*handler).token},
}

// ServeHTTP finds the call for the path ("services/noise.json" → service
// definition of noise as JSON) and answers unknown paths and formats with 404.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(Prefix, "/")), "/")
	dir, file := path.Split(rel)
	dot := strings.LastIndexByte(file, '.')
	if dot <= 0 {
		h.fail(w, formatXML, notFound("no Open311 call at %s; see discovery.xml", r.URL.Path))
		return
	}
	name := file[:dot]
	f, ok := formats[file[dot+1:]]
	if !ok {
		h.fail(w, formatXML, notFound("unknown format %q: use .xml or .json", file[dot+1:]))
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var allow []string
	for _, rt := range routes {
		if rt.dir != dir || (rt.name != "" && rt.name != name) {
			continue
		}
		if rt.method != method {
			allow = append(allow, rt.method)
			continue
		}
		rt.serve(h, r.Context(), w, r, f, name)
		return
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.fail(w, f, apiErrors{status: http.StatusMethodNotAllowed, list: []apiError{{http.StatusMethodNotAllowed, r.Method + " is not allowed here"}}})
		return
	}
	h.fail(w, f, notFound("no Open311 call at %s; see discovery.xml", r.URL.Path))
}

// jurisdiction answers 404 (and false) when jurisdiction_id names another
// jurisdiction; sent empty it is absent, as the spec's optional arguments are.
func (h *handler) jurisdiction(w http.ResponseWriter, f format, id string) bool {
	id = strings.TrimSpace(id)
	if id == "" || h.Jurisdiction == "" || id == h.Jurisdiction {
		return true
	}
	h.fail(w, f, notFound("jurisdiction_id %q not found: this endpoint serves %s", id, h.Jurisdiction))
	return false
}

// now is the current time in Asia/Shanghai.
func (h *handler) now() time.Time { return h.Clock.Now().In(clock.Shanghai) }
