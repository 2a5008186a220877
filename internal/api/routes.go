package api

import (
	"net/http"
	"slices"

	"gongzhi/internal/auth"
)

// Route is one endpoint of the API as the route table registers it.
// Exported so tests and tools check documents against the table itself
// instead of a second, hand-kept list.
type Route struct {
	Method string // GET, POST, PUT, PATCH or DELETE
	Path   string // below Prefix, in the form ServeMux and OpenAPI share: /units/{id}
	Public bool   // served without a bearer token
	Op     Op     // its OpenAPI operation, from which the document is generated
}

// handlerFunc is a handler that gets the caller and returns its error
// instead of writing it, so errors are written in one place.
type handlerFunc func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// route is a Route with its handler.
type route struct {
	Route
	h handlerFunc
}

// routeTable is the API: every endpoint, once, with its documentation,
// one list per capability (routes_*.go). The OpenAPI document is generated
// from it (openapi_gen.go), so adding an endpoint is an entry in its
// capability's list and its request and response types; a new capability
// adds its list here. Handlers are method expressions so the table needs no
// server to be listed.
func routeTable() []route {
	return slices.Concat(platformRoutes(), orgRoutes(), demandRoutes(), notifyRoutes(), trackRoutes(), listsRoutes(), bookingRoutes(), fundRoutes(), suggestRoutes(), hotspotRoutes(), partyRoutes(), activityNotesRoutes(), cadreRoutes(), delibRoutes(), surveyRoutes(), allianceRoutes(), pointsRoutes(), pairingRoutes(), phoneRoutes())
}

// Routes lists every endpoint New serves, in table order.
func Routes() []Route {
	t := routeTable()
	out := make([]Route, len(t))
	for i, rt := range t {
		out[i] = rt.Route
	}
	return out
}
