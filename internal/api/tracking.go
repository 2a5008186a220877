package api

import (
	"net/http"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
)

// Issue 8's additions to the demand loop's API: a resident's own demands,
// a change of category, and the tracking code sent by SMS.

// myDemandJSON is one line of GET /me/demands: what the tracking page
// shows, no one's personal data.
type myDemandJSON struct {
	demand.MyDemand
	Handler   string `json:"handler"`    // the body handling it, with its parents, in the reader's language; "" before dispatch
	TrackPath string `json:"track_path"` // /c/{code}: the page the short code opens; "" while it has no code
}

// myDemandList is the answer of GET /me/demands.
type myDemandList struct {
	Items   []myDemandJSON `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

// myDemands serves GET /me/demands: the reports the caller filed while
// signed in (我的诉求), newest first.
func (s *server) myDemands(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.Demand.MyDemands(r.Context(), p, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	lang := readerLang(r, p)
	out := myDemandList{Items: []myDemandJSON{}, Total: total, Page: pg.Page, PerPage: pg.PerPage}
	labels, err := s.Org.AreaLabels(r.Context())
	if err != nil {
		return err
	}
	for _, m := range items {
		j := myDemandJSON{MyDemand: m}
		if m.LeadArea != "" {
			j.Handler = labels.Label(m.LeadArea, lang)
		}
		if m.ShortCode != "" {
			j.TrackPath = demand.TrackPath(m.ShortCode)
			j.ShortCode = demand.FormatCode(m.ShortCode)
		}
		out.Items = append(out.Items, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// recategoriseBody is the body of POST /demands/{id}/category.
type recategoriseBody struct {
	Category string `json:"category"`
	Reason   string `json:"reason"`
}

// recategorisedJSON answers POST /demands/{id}/category: the demand as GET
// shows it and, while it waits for dispatch, where the new category's
// routing rule would send it.
type recategorisedJSON struct {
	demandDetail
	Proposal *demand.Proposal `json:"proposal"`
}

// recategorise serves POST /demands/{id}/category: staff who dispatch or
// handle a demand move it to another category, with a reason.
func (s *server) recategorise(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	var body recategoriseBody
	if err := decode(w, r, &body); err != nil {
		return err
	}
	res, err := s.Demand.Recategorise(r.Context(), p, id, demand.RecategoriseInput{Category: body.Category, Reason: body.Reason})
	if err != nil {
		return err
	}
	d := res.Demand
	if full, err := s.Demand.Get(r.Context(), p, id); err == nil {
		d = full
	}
	out := recategorisedJSON{demandDetail: detailOf(d, readerLang(r, p))}
	if res.Proposal.Lead != "" || res.Proposal.LeadUnit != nil {
		out.Proposal = &res.Proposal
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// smsSentJSON answers POST /demands/{id}/tracking-sms.
type smsSentJSON struct {
	To        string    `json:"to"`         // the phone, masked
	ShortCode string    `json:"short_code"` // what the message carries, ABCD-EFGH
	QueuedAt  time.Time `json:"queued_at"`
}

// trackingSMS serves POST /demands/{id}/tracking-sms: the demand's number,
// short code and tracking link texted to its caller through the gateway.
func (s *server) trackingSMS(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	sent, err := s.Demand.SendTrackingSMS(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, smsSentJSON{To: sent.To, ShortCode: sent.Code, QueuedAt: s.Clock.Now()})
	return nil
}
