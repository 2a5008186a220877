package open311

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// tokenAnswer is one entry of GET tokens/{token}.
type tokenAnswer struct {
	ServiceRequestID string `json:"service_request_id" xml:"service_request_id"`
	Token            string `json:"token" xml:"token"`
}

// Token is the Open311 token of a service request: "t" followed by its id.
// POST answers the id itself (our services are realtime), so clients never
// need a token; GET tokens/{token} is served for clients that ask anyway.
func Token(id int64) string { return "t" + strconv.FormatInt(id, 10) }

// token serves GET tokens/{token}.{xml,json}; a token that is not "t" and
// the id of an existing request is 404.
func (h *handler) token(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, tok string) {
	if !h.jurisdiction(w, f, r.URL.Query().Get("jurisdiction_id")) {
		return
	}
	id, ok := strings.CutPrefix(tok, "t")
	if !ok {
		h.fail(w, f, notFound("token %q not found", tok))
		return
	}
	d, err := h.load(ctx, id)
	if isNotFound(err) {
		h.fail(w, f, notFound("token %q not found", tok))
		return
	} else if err != nil {
		h.fail(w, f, err)
		return
	}
	h.send(w, f, "service_requests", "request", []tokenAnswer{{ServiceRequestID: strconv.FormatInt(d.ID, 10), Token: tok}})
}
