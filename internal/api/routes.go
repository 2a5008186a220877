package api

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
)

// Route is one endpoint of the API as the route table registers it.
// Exported so tests and tools check documents against the table itself
// instead of a second, hand-kept list.
type Route struct {
	Method string // GET, POST, PUT, PATCH or DELETE
	Path   string // below Prefix, in the form ServeMux and OpenAPI share: /units/{id}
	Public bool   // served without a bearer token
}

// handlerFunc is a handler that gets the caller and returns its error
// instead of writing it, so errors are written in one place.
type handlerFunc func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error

// route is a Route with its handler.
type route struct {
	Route
	h handlerFunc
}

// routeTable is the API: every endpoint, once. Handlers are method
// expressions so the table needs no server to be listed.
func routeTable() []route {
	return []route{
		{Route{"GET", "/openapi.json", true}, (*server).openAPI},
		{Route{"GET", "/me", false}, (*server).me},
		{Route{"POST", "/me/password", false}, (*server).changePassword},

		{Route{"GET", "/areas", false}, (*server).listAreas},
		{Route{"POST", "/areas", false}, (*server).createArea},
		{Route{"GET", "/areas/{code}", false}, (*server).getArea},

		{Route{"GET", "/units", false}, (*server).listUnits},
		{Route{"POST", "/units", false}, (*server).createUnit},
		{Route{"GET", "/units/export", false}, (*server).exportUnits},
		{Route{"POST", "/units/import", false}, (*server).importUnits},
		{Route{"GET", "/units/{id}", false}, (*server).getUnit},
		{Route{"PATCH", "/units/{id}", false}, (*server).updateUnit},

		{Route{"GET", "/party-orgs", false}, (*server).listPartyOrgs},
		{Route{"POST", "/party-orgs", false}, createInArea(func(in *org.NewPartyOrg) string { return in.Area }, (*org.Service).CreatePartyOrg)},
		{Route{"GET", "/association", false}, (*server).listAssocBodies},
		{Route{"POST", "/association", false}, createInArea(func(in *org.NewAssocBody) string { return in.Area }, (*org.Service).CreateAssocBody)},
		{Route{"GET", "/association/{id}/members", false}, (*server).listAssocMembers},
		{Route{"POST", "/association/{id}/members", false}, (*server).addAssocMember},
		{Route{"GET", "/part-time-members", false}, (*server).listPartTimeMembers},
		{Route{"POST", "/part-time-members", false}, (*server).createPartTimeMember},
		{Route{"GET", "/service-points", false}, (*server).listServicePoints},
		{Route{"POST", "/service-points", false}, createInArea(func(in *org.NewServicePoint) string { return in.Area }, (*org.Service).CreateServicePoint)},

		{Route{"GET", "/stats/coverage", false}, (*server).coverage},

		{Route{"GET", "/tokens", false}, (*server).listTokens},
		{Route{"POST", "/tokens", false}, (*server).createToken},
		{Route{"DELETE", "/tokens/{id}", false}, (*server).revokeToken},

		{Route{"GET", "/users", false}, (*server).listUsers},
		{Route{"POST", "/users", false}, (*server).createUser},
		{Route{"GET", "/users/{id}", false}, (*server).getUser},
		{Route{"POST", "/users/{id}/grants", false}, (*server).addGrant},
		{Route{"POST", "/users/{id}/disable", false}, (*server).disableUser},
		{Route{"POST", "/users/{id}/enable", false}, (*server).enableUser},
		{Route{"POST", "/users/{id}/password", false}, (*server).resetPassword},
		{Route{"PATCH", "/users/{id}/contact", false}, (*server).setContact},
		{Route{"GET", "/users/{id}/tokens", false}, (*server).listUserTokens},
		{Route{"DELETE", "/grants/{id}", false}, (*server).removeGrant},

		{Route{"GET", "/audit", false}, (*server).listAudit},

		{Route{"GET", "/demand-categories", false}, (*server).listCategories},
		{Route{"POST", "/demand-categories", false}, (*server).saveCategory},
		{Route{"GET", "/demand-routes", false}, (*server).listRoutes},
		{Route{"POST", "/demand-routes", false}, (*server).saveRoute},
		{Route{"GET", "/calendar", false}, (*server).getCalendar},
		{Route{"PUT", "/calendar", false}, (*server).putCalendar},
		{Route{"POST", "/calendar/import", false}, (*server).importCalendar},

		{Route{"GET", "/demands", false}, (*server).listDemands},
		{Route{"POST", "/demands", false}, (*server).createDemand},
		{Route{"POST", "/demands/similar", false}, (*server).similarText},
		{Route{"GET", "/demands/{id}", false}, (*server).getDemand},
		{Route{"POST", "/demands/{id}/actions", false}, (*server).actOnDemand},
		{Route{"GET", "/demands/{id}/similar", false}, (*server).similarDemands},
		{Route{"POST", "/demands/{id}/attachments", false}, (*server).attachToDemand},
		{Route{"GET", "/demands/{id}/attachments/{aid}", false}, (*server).getAttachment},

		{Route{"GET", "/stats/demands", false}, statsJSON((*demand.Service).Stats)},
		{Route{"GET", "/stats/demands/breakdown", false}, statsJSON((*demand.Service).Breakdown)},
		{Route{"GET", "/stats/demands/map", false}, statsJSON((*demand.Service).GridMap)},
		{Route{"GET", "/stats/demands/export.xlsx", false}, (*server).exportDemandStats},

		{Route{"GET", "/inbox", false}, (*server).listInbox},
		{Route{"POST", "/inbox/read", false}, (*server).markRead},

		{Route{"GET", "/webhooks", false}, (*server).listWebhooks},
		{Route{"POST", "/webhooks", false}, (*server).createWebhook},
		{Route{"PATCH", "/webhooks/{id}", false}, (*server).updateWebhook},
		{Route{"DELETE", "/webhooks/{id}", false}, (*server).deleteWebhook},
		{Route{"POST", "/webhooks/{id}/rotate", false}, (*server).rotateWebhook},
		{Route{"GET", "/webhooks/{id}/deliveries", false}, (*server).listDeliveries},
		{Route{"POST", "/webhook-deliveries/{id}/redeliver", false}, (*server).redeliver},

		{Route{"GET", "/visit-campaigns", false}, (*server).listCampaigns},
		{Route{"POST", "/visit-campaigns", false}, (*server).createCampaign},
		{Route{"GET", "/visit-campaigns/{id}/teams", false}, (*server).listTeams},
		{Route{"POST", "/visit-campaigns/{id}/teams", false}, (*server).addTeam},
		{Route{"GET", "/visit-campaigns/{id}/coverage", false}, (*server).visitCoverage},
		{Route{"POST", "/visits", false}, (*server).recordVisit},

		// The resident's private tracking link: the only routes besides this
		// document that take no token. The token in the path is the credential.
		{Route{"GET", "/track/{token}", true}, (*server).track},
		{Route{"POST", "/track/{token}/rate", true}, (*server).rate},
		{Route{"GET", "/track/{token}/attachments/{aid}", true}, (*server).trackedAttachment},
	}
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
