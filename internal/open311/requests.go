package open311

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// request is one service request as the public sees it: no reporter data,
// the description cut to 500 characters with personal data masked
// (auth.MaskText), the address to its road and lane or residential area
// (auth.PublicAddress) and the point to about 100 m.
type request struct {
	ServiceRequestID  string `json:"service_request_id" xml:"service_request_id"`
	Status            string `json:"status" xml:"status"`
	StatusNotes       string `json:"status_notes" xml:"status_notes"`
	ServiceName       string `json:"service_name" xml:"service_name"`
	ServiceCode       string `json:"service_code" xml:"service_code"`
	Description       string `json:"description" xml:"description"`
	AgencyResponsible string `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     string `json:"service_notice" xml:"service_notice"`
	RequestedDatetime string `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedDatetime  string `json:"expected_datetime" xml:"expected_datetime"`
	Address           string `json:"address" xml:"address"`
	AddressID         string `json:"address_id" xml:"address_id"`
	Zipcode           string `json:"zipcode" xml:"zipcode"`
	Lat               coord  `json:"lat" xml:"lat"`
	Long              coord  `json:"long" xml:"long"`
	MediaURL          string `json:"media_url" xml:"media_url"`
}

// requests serves GET requests.{xml,json}: the filters of the spec, by
// default the last 90 days and at most 1,000 requests, newest first.
func (h *handler) requests(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, _ string) {
	q := r.URL.Query()
	if !h.jurisdiction(w, f, q.Get("jurisdiction_id")) {
		return
	}
	sel, err := parseSelection(q, h.now())
	if err != nil {
		h.fail(w, f, err)
		return
	}
	ds, err := h.find(ctx, sel)
	if err != nil {
		h.fail(w, f, err)
		return
	}
	h.answer(ctx, w, f, ds)
}

// request serves GET requests/{id}.{xml,json}: a list of one, or 404.
func (h *handler) request(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, id string) {
	if !h.jurisdiction(w, f, r.URL.Query().Get("jurisdiction_id")) {
		return
	}
	d, err := h.load(ctx, id)
	if err != nil {
		h.fail(w, f, err)
		return
	}
	h.answer(ctx, w, f, []*demand.Demand{d})
}

// load reads one demand with its timeline and reporters, or 404.
func (h *handler) load(ctx context.Context, id string) (*demand.Demand, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, notFound("service_request_id %q not found", id)
	}
	d, err := h.Demand.Get(ctx, auth.SystemPrincipal(), n)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, notFound("service_request_id %q not found", id)
	}
	return d, err
}

// answer writes demands as the spec's <service_requests>.
func (h *handler) answer(ctx context.Context, w http.ResponseWriter, f format, ds []*demand.Demand) {
	names := agencies{h: h, names: map[string]string{}}
	out := make([]request, 0, len(ds))
	for _, d := range ds {
		out = append(out, view(d, names.of(ctx, d)))
	}
	h.send(w, f, "service_requests", "request", out)
}

// view is the public record of a demand loaded by Get (which brings the
// events for status_notes and the reporters whose names and phones are
// masked wherever someone typed them into free text).
func view(d *demand.Demand, agency string) request {
	var personal []string
	for _, rp := range d.Reporters {
		personal = append(personal, rp.Name, rp.Phone)
	}
	status, updated := "open", d.UpdatedAt
	if !d.Status.Open() {
		status = "closed"
		if d.ClosedAt != nil {
			updated = *d.ClosedAt
		}
	}
	address := scrub(auth.PublicAddress(d.Address), personal)
	if address == "" {
		address = d.AreaName
	}
	return request{
		ServiceRequestID:  strconv.FormatInt(d.ID, 10),
		Status:            status,
		StatusNotes:       scrub(statusNotes(d.Events), personal),
		ServiceName:       d.CategoryName,
		ServiceCode:       d.Category,
		Description:       truncate(scrub(d.Description, personal), maxPublicDescription),
		AgencyResponsible: agency,
		RequestedDatetime: isoTime(d.CreatedAt),
		UpdatedDatetime:   isoTime(updated),
		ExpectedDatetime:  isoTime(d.ResolveDue),
		Address:           address,
		AddressID:         d.Area,
		Lat:               publicCoord(d.Lat),
		Long:              publicCoord(d.Lng),
		// Only a link the client gave at intake. Photos uploaded to gongzhi
		// may show faces and homes: they are for staff and the reporter.
		MediaURL: d.MediaURL,
	}
}

// statusNotes is the note of the latest public step that has one (a
// resolution, a return reason, "合并至 #12"); the notes on receipt and on
// files filed with it only name the channel and a count. Actors' names are
// never shown.
func statusNotes(events []demand.Event) string {
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Public && e.Note != "" && e.Action != "receive" && e.Action != "attach" {
			return e.Note
		}
	}
	return ""
}

// agencies names the body responsible for each demand (the lead body, or
// the owner before dispatch), looking each area up once per call.
type agencies struct {
	h     *handler
	names map[string]string
}

func (a agencies) of(ctx context.Context, d *demand.Demand) string {
	code := d.Lead
	if code == "" {
		code = d.Owner
	}
	if code == d.Area {
		return d.AreaName
	}
	if n, ok := a.names[code]; ok {
		return n
	}
	n := code
	if a.h.Org != nil {
		if ar, err := a.h.Org.Area(ctx, auth.SystemPrincipal(), code); err == nil {
			n = ar.Name
		}
	}
	a.names[code] = n
	return n
}
