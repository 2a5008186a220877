package open311_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/open311"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// Inside and outside are points in and out of the fixture grid's outline.
var (
	insideLat, insideLng   = 31.2, 121.44
	outsideLat, outsideLng = 30.0, 120.0
)

// env is the Open311 surface over real HTTP on a fixture district, mounted
// the way the app mounts it, with an API token per fixture role.
type env struct {
	t     *testing.T
	ctx   context.Context
	f     *testkit.Fixture
	clock *clock.Fake
	dm    *demand.Service
	base  string // server URL including /open311/v2
	keys  map[auth.Role]string
}

func newEnv(t *testing.T, d *db.DB, opts ...func(*open311.Deps)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), f: testkit.NewFixture(t, d), clock: testkit.Clock(), keys: map[auth.Role]string{}}
	e.dm = demand.NewService(d, e.clock, nil)
	admin := e.f.Users[auth.DistrictAdmin]
	for _, c := range []demand.Category{
		{Code: "env", Name: "环境卫生", ContactLimit: "2h", ResolveLimit: "3wd", Active: true},
		{Code: "sanitation", Parent: "env", Name: "垃圾清运", ContactLimit: "2h", ResolveLimit: "3wd", Keywords: "垃圾,清运", Active: true},
		{Code: "noise", Name: "噪音扰民", NameEN: "Noise", ContactLimit: "45m", ResolveLimit: "5wd", Active: true, Attributes: []demand.Attribute{
			{Code: "floor", Name: "楼层", Datatype: "number", Required: true},
			{Code: "period", Name: "时段", Datatype: "singlevaluelist", Values: []string{"白天", "夜间"}},
			{Code: "sources", Name: "噪音来源", Datatype: "multivaluelist", Values: []string{"装修", "广场舞", "车辆"}},
			{Code: "seen", Name: "发生时间", Datatype: "datetime", Description: "最近一次听到的时间"},
		}},
		{Code: "old", Name: "旧分类", ContactLimit: "2h", ResolveLimit: "3wd", Active: false},
	} {
		if _, err := e.dm.SaveCategory(e.ctx, admin, c); err != nil {
			t.Fatalf("category %s: %v", c.Code, err)
		}
	}
	err := d.InTx(e.ctx, func(tx *db.Tx) error {
		return demand.SaveShape(e.ctx, tx, testkit.GridA1, [][2]float64{{31.19, 121.43}, {31.19, 121.45}, {31.21, 121.45}, {31.21, 121.43}})
	})
	if err != nil {
		t.Fatalf("shape: %v", err)
	}
	deps := open311.Deps{Demand: e.dm, Auth: e.f.Auth, Org: org.NewService(d, e.clock), Clock: e.clock, Jurisdiction: testkit.District}
	for _, o := range opts {
		o(&deps)
	}
	mux := http.NewServeMux()
	mux.Handle(open311.Prefix, open311.New(deps))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.base = srv.URL + strings.TrimSuffix(open311.Prefix, "/")
	for _, r := range []auth.Role{auth.Resident, auth.CommunityStaff, auth.Member} {
		p := e.f.Users[r]
		secret, _, err := e.f.Auth.CreateToken(e.ctx, p, p.UserID, "open311")
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		e.keys[r] = secret
	}
	return e
}

// resp is an HTTP answer read whole.
type resp struct {
	status int
	ctype  string
	body   string
}

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{res.StatusCode, res.Header.Get("Content-Type"), string(b)}
}

// get fetches path (below /open311/v2) and checks the content type of its format.
func (e *env) get(path string) resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	r := e.send(req)
	e.checkType(path, r)
	return r
}

// post sends form url-encoded to path.
func (e *env) post(path string, form url.Values) resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	r := e.send(req)
	e.checkType(path, r)
	return r
}

func (e *env) checkType(path string, r resp) {
	e.t.Helper()
	want := "text/xml; charset=utf-8"
	if strings.Contains(path, ".json") {
		want = "application/json; charset=utf-8"
	}
	if r.ctype != want {
		e.t.Errorf("%s: content type %q, want %q", path, r.ctype, want)
	}
	if want[0] == 't' && !strings.HasPrefix(r.body, "<?xml") {
		e.t.Errorf("%s: XML without declaration: %.200s", path, r.body)
	}
}

// decode reads a JSON body into v.
func (e *env) decode(r resp, v any) {
	e.t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		e.t.Fatalf("json: %v in %.500s", err, r.body)
	}
}

// decodeXML reads an XML body into v.
func (e *env) decodeXML(r resp, v any) {
	e.t.Helper()
	if err := xml.Unmarshal([]byte(r.body), v); err != nil {
		e.t.Fatalf("xml: %v in %.500s", err, r.body)
	}
}

// wantErrors checks an error answer in either format: the status, an array
// of {code, description} with the status as code, and descriptions holding subs.
func (e *env) wantErrors(r resp, path string, status int, subs ...string) {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: status %d, want %d: %s", path, r.status, status, r.body)
	}
	var list []apiError
	if strings.Contains(path, ".json") {
		e.decode(r, &list)
	} else {
		var x xmlErrors
		e.decodeXML(r, &x)
		list = x.Errors
	}
	if len(list) == 0 {
		e.t.Fatalf("%s: no errors in %s", path, r.body)
	}
	var all []string
	for _, x := range list {
		if x.Code != status || x.Description == "" {
			e.t.Errorf("%s: error %+v, want code %d and a description", path, x, status)
		}
		all = append(all, x.Description)
	}
	testkit.Contains(e.t, strings.Join(all, "\n"), subs...)
}

type apiError struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

type xmlErrors struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

// jsonRequest is a service request as JSON.
type jsonRequest struct {
	ID                string   `json:"service_request_id"`
	Status            string   `json:"status"`
	StatusNotes       string   `json:"status_notes"`
	ServiceName       string   `json:"service_name"`
	ServiceCode       string   `json:"service_code"`
	Description       string   `json:"description"`
	AgencyResponsible string   `json:"agency_responsible"`
	ServiceNotice     string   `json:"service_notice"`
	Requested         string   `json:"requested_datetime"`
	Updated           string   `json:"updated_datetime"`
	Expected          string   `json:"expected_datetime"`
	Address           string   `json:"address"`
	AddressID         string   `json:"address_id"`
	Zipcode           string   `json:"zipcode"`
	Lat               *float64 `json:"lat"`
	Long              *float64 `json:"long"`
	MediaURL          string   `json:"media_url"`
}

// requestKeys are every field of a service request, in the spec's order.
var requestKeys = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
	"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
	"address_id", "zipcode", "lat", "long", "media_url"}

// xmlRequest is a service request as XML.
type xmlRequest struct {
	ID                string `xml:"service_request_id"`
	Token             string `xml:"token"`
	Status            string `xml:"status"`
	StatusNotes       string `xml:"status_notes"`
	ServiceName       string `xml:"service_name"`
	ServiceCode       string `xml:"service_code"`
	Description       string `xml:"description"`
	AgencyResponsible string `xml:"agency_responsible"`
	ServiceNotice     string `xml:"service_notice"`
	Requested         string `xml:"requested_datetime"`
	Updated           string `xml:"updated_datetime"`
	Expected          string `xml:"expected_datetime"`
	Address           string `xml:"address"`
	AddressID         string `xml:"address_id"`
	Zipcode           string `xml:"zipcode"`
	Lat               string `xml:"lat"`
	Long              string `xml:"long"`
	MediaURL          string `xml:"media_url"`
	AccountID         string `xml:"account_id"`
}

type xmlRequests struct {
	XMLName  xml.Name     `xml:"service_requests"`
	Requests []xmlRequest `xml:"request"`
}

// listJSON gets a requests list as JSON, checking every entry has exactly
// the spec's fields and Shanghai times.
func (e *env) listJSON(path string) []jsonRequest {
	e.t.Helper()
	r := e.get(path)
	if r.status != http.StatusOK {
		e.t.Fatalf("%s: %d %s", path, r.status, r.body)
	}
	var raw []map[string]any
	e.decode(r, &raw)
	for _, m := range raw {
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := slices.Clone(requestKeys)
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			e.t.Errorf("%s: fields %v, want %v", path, keys, want)
		}
	}
	var out []jsonRequest
	e.decode(r, &out)
	for _, x := range out {
		for _, ts := range []string{x.Requested, x.Updated, x.Expected} {
			if !strings.HasSuffix(ts, "+08:00") {
				e.t.Errorf("%s: time %q does not end with +08:00", path, ts)
			}
		}
	}
	return out
}

// listXML gets a requests list as XML.
func (e *env) listXML(path string) []xmlRequest {
	e.t.Helper()
	r := e.get(path)
	if r.status != http.StatusOK {
		e.t.Fatalf("%s: %d %s", path, r.status, r.body)
	}
	var x xmlRequests
	e.decodeXML(r, &x)
	return x.Requests
}

// ids lists the request ids of a JSON list.
func ids(l []jsonRequest) []string {
	out := []string{}
	for _, x := range l {
		out = append(out, x.ID)
	}
	return out
}

// file takes in a demand as a resident would, straight through the service.
func (e *env) file(cat, area, text string) *demand.Demand {
	e.t.Helper()
	in := demand.NewDemand{Category: cat, Area: area, Description: text, Reporter: demand.ReporterInput{Name: "李阿姨", Phone: "13700001111"}}
	if cat == "noise" {
		in.Attributes = map[string]string{"floor": "5"}
	}
	f, err := e.dm.Intake(e.ctx, nil, in)
	if err != nil {
		e.t.Fatalf("intake: %v", err)
	}
	return f.Demand
}

// form is a valid POST for the noise service at a point inside the grid.
func (e *env) form(key string) url.Values {
	return url.Values{"api_key": {key}, "service_code": {"noise"}, "lat": {"31.2"}, "long": {"121.44"},
		"attribute[floor]": {"3"}, "attribute[period]": {"夜间"}, "attribute[sources][]": {"装修", "车辆"},
		"description": {"楼上每晚装修到十一点"}}
}
