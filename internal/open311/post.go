package open311

import (
	"context"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// maxForm bounds a POST body: 4,000 characters of description, URL-encoded,
// and attributes fit with room to spare.
const maxForm = 256 << 10

// maxAttribute is the longest attribute value accepted.
const maxAttribute = 1000

// created answers POST requests: our requests are realtime, so the id comes
// at once and no token. account_id is never echoed (it is the reporter's).
type created struct {
	ServiceRequestID string `json:"service_request_id" xml:"service_request_id"`
	ServiceNotice    string `json:"service_notice" xml:"service_notice"`
	AccountID        null   `json:"account_id" xml:"account_id"`
}

// create serves POST requests.{xml,json}. The api_key is an API token; a
// staff member's token whose grants allow intake where the request lies
// files as that staff member (channel online), any other valid token files
// as a resident would. first_name, last_name, phone and email are stored as
// the reporter and shown nowhere in Open311.
func (h *handler) create(ctx context.Context, w http.ResponseWriter, r *http.Request, f format, _ string) {
	form, err := readForm(w, r)
	if err != nil {
		h.fail(w, f, err)
		return
	}
	if !h.jurisdiction(w, f, form.Get("jurisdiction_id")) {
		return
	}
	key := strings.TrimSpace(form.Get("api_key"))
	if key == "" {
		h.fail(w, f, forbidden("api_key is required to create a service request"))
		return
	}
	p, err := h.Auth.TokenPrincipal(ctx, key)
	if errs.Code(err) == errs.EUNAUTHORIZED {
		h.fail(w, f, forbidden("invalid api_key: it is not an active gongzhi API token"))
		return
	} else if err != nil {
		h.fail(w, f, err)
		return
	}
	code := strings.TrimSpace(form.Get("service_code"))
	if code == "" {
		h.fail(w, f, badRequest("service_code is required; services.xml lists them"))
		return
	}
	cat, err := h.Demand.Category(ctx, code)
	if errs.Code(err) == errs.ENOTFOUND || err == nil && !cat.Active {
		h.fail(w, f, notFound("service_code %q not found; services.xml lists them", code))
		return
	} else if err != nil {
		h.fail(w, f, err)
		return
	}
	in, bad := newDemand(form, cat, h.DefaultArea)
	if len(bad) > 0 {
		h.fail(w, f, bad.err())
		return
	}
	filed, err := h.intake(ctx, p, in)
	if err != nil {
		h.fail(w, f, err)
		return
	}
	h.send(w, f, "service_requests", "request", []created{{ServiceRequestID: strconv.FormatInt(filed.Demand.ID, 10)}})
}

// readForm parses a url-encoded (or multipart) body and the query string.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(maxForm)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		return nil, badRequest("the body must be application/x-www-form-urlencoded, at most %d KB", maxForm>>10)
	}
	return r.Form, nil
}

// intake files in as p when p may take in demands where it lies, else as a
// resident (Intake with no principal).
func (h *handler) intake(ctx context.Context, p *auth.Principal, in demand.NewDemand) (demand.Filed, error) {
	if auth.AuthorizeAny(p, auth.DemandIntake) == nil {
		filed, err := h.Demand.Intake(ctx, p, in)
		if errs.Code(err) != errs.EFORBIDDEN {
			return filed, err
		}
	}
	return h.Demand.Intake(ctx, nil, in)
}

// newDemand reads the POST arguments into a demand, reporting every
// problem the demand service would not name in Open311's words.
func newDemand(form url.Values, cat demand.Category, defaultArea string) (demand.NewDemand, problems) {
	var bad problems
	// media_url is kept as a link (an http or https URL, checked by the
	// demand service) and published as given; photos uploaded to gongzhi
	// never are.
	in := demand.NewDemand{Category: cat.Code, Channel: string(demand.Online), Address: strings.TrimSpace(form.Get("address_string")),
		MediaURL: strings.TrimSpace(form.Get("media_url")),
		Reporter: demand.ReporterInput{Name: fullName(form.Get("first_name"), form.Get("last_name")),
			Phone: strings.TrimSpace(form.Get("phone")), Email: strings.TrimSpace(form.Get("email"))}}
	in.Description = strings.TrimSpace(form.Get("description"))
	if n := utf8.RuneCountInString(in.Description); n > demand.MaxDescription {
		bad.add("description: %d characters; at most %d are allowed", n, demand.MaxDescription)
	} else if in.Description == "" {
		in.Description = cat.Name // optional in Open311; the service name says what it is about
	}
	locate(&in, form, defaultArea, &bad)
	in.Attributes = attributes(form, cat, &bad)
	return in, bad
}

// locate places the demand: lat and long (mapped to the grid that holds
// them) first, then address_id (an area code), then address_string alone,
// which only the default area can take.
func locate(in *demand.NewDemand, form url.Values, defaultArea string, bad *problems) {
	lat, long := strings.TrimSpace(form.Get("lat")), strings.TrimSpace(form.Get("long"))
	addressID := strings.TrimSpace(form.Get("address_id"))
	switch {
	case lat != "" || long != "":
		if lat == "" || long == "" {
			bad.add("lat/long: send both lat and long")
			return
		}
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(long, 64)
		if err1 != nil || err2 != nil || math.IsNaN(la+lo) || math.Abs(la) > 90 || math.Abs(lo) > 180 {
			bad.add("lat/long: %q, %q are not WGS-84 degrees", lat, long)
			return
		}
		in.Lat, in.Lng = &la, &lo
	case addressID != "":
		in.Area = addressID
	case in.Address != "" && defaultArea != "":
		in.Area = defaultArea
	case in.Address != "":
		bad.add("address_string: an address alone cannot be placed on our map; send lat and long, or address_id (an area code)")
	default:
		bad.add("location: send lat and long, address_id or address_string")
	}
}

// attributes reads attribute[CODE]=value (and attribute[CODE][]=value for
// multivaluelist) for the category's attributes, checking each value
// against its datatype; several values are joined with ",". Codes the
// category does not ask for are ignored.
func attributes(form url.Values, cat demand.Category, bad *problems) map[string]string {
	got := map[string][]string{}
	for k, vs := range form {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(strings.TrimSuffix(code, "[]"), "]")
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				got[code] = append(got[code], v)
			}
		}
	}
	out := map[string]string{}
	for _, a := range cat.Attributes {
		name, vals := "attribute["+a.Code+"]", got[a.Code]
		switch {
		case len(vals) == 0:
			if a.Required {
				bad.add("%s: %s is required for this service", name, a.Name)
			}
			continue
		case len(vals) > 1 && a.Datatype != "multivaluelist":
			bad.add("%s: send one value", name)
			continue
		}
		for _, v := range vals {
			checkValue(name, a, v, bad)
		}
		out[a.Code] = strings.Join(vals, ",")
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkValue checks one attribute value against its datatype.
func checkValue(name string, a demand.Attribute, v string, bad *problems) {
	switch a.Datatype {
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			bad.add("%s: %q is not a number", name, v)
		}
	case "datetime":
		parseTime(v, name, bad)
	case "singlevaluelist", "multivaluelist":
		if len(a.Values) > 0 && !slices.Contains(a.Values, v) {
			bad.add("%s: %q is not one of its keys (%s)", name, v, strings.Join(a.Values, ", "))
		}
	}
	if n := utf8.RuneCountInString(v); n > maxAttribute {
		bad.add("%s: %d characters; at most %d are allowed", name, n, maxAttribute)
	}
}

// fullName joins given and family names: 王小明 for Chinese, "John Smith" otherwise.
func fullName(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || last == "" {
		return last + first
	}
	for _, r := range first + last {
		if r >= utf8.RuneSelf {
			return last + first
		}
	}
	return first + " " + last
}
