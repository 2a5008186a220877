package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
)

// careKinds are the kinds offered when adding a person in care (an open set).
var careKinds = []string{"独居老人", "孤寡老人", "残疾人", "困难家庭", "失独家庭", "留守儿童"}

// careFormFields are the fields of the add-person form, for field errors.
var careFormFields = []string{"kind", "name", "area", "address", "phone", "note"}

// carePeoplePage lists people in care with the add form.
type carePeoplePage struct {
	Area, Kind, Q string
	Unpaired      bool
	Areas         []areaOption
	Kinds         []string
	People        []pairing.Person
	Pager         pager
	CanWrite      bool
	Form          pairing.PersonInput
	Errors        map[string]string
	General       []string
	Imported      string
	ImportError   string
	ImportRows    []errs.Detail
}

func (s *server) careList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCareList(w, r, rq, http.StatusOK, pairing.PersonInput{}, nil)
}

func (s *server) showCareList(w http.ResponseWriter, r *http.Request, rq *request, status int, form pairing.PersonInput, err error) error {
	d := carePeoplePage{Form: form}
	if err != nil {
		d.Errors, d.General = rq.fieldErrors(err, careFormFields...)
	}
	return s.renderCareList(w, r, rq, status, d)
}

func (s *server) renderCareList(w http.ResponseWriter, r *http.Request, rq *request, status int, d carePeoplePage) error {
	q := r.URL.Query()
	d.Area, d.Kind, d.Q, d.Unpaired, d.Kinds, d.Imported = q.Get("area"), q.Get("kind"), q.Get("q"), q.Get("unpaired") == "1", careKinds, q.Get("imported")
	d.CanWrite = auth.AuthorizeAny(rq.P, auth.PairingWrite) == nil
	page := pageParam(r)
	l, lerr := s.Pairing.People(r.Context(), rq.P, pairing.PersonFilter{Area: d.Area, Kind: d.Kind, Q: d.Q, Unpaired: d.Unpaired, Page: page, PerPage: perPage})
	if lerr != nil {
		return lerr
	}
	d.People, d.Pager = l.Items, newPager(r, page, l.Total)
	var aerr error
	if d.Areas, aerr = s.areaOptions(r.Context(), rq.P, false); aerr != nil {
		return aerr
	}
	s.render(w, rq, status, "pairing_people.html", rq.view(r, "members", "pairing.people.title", d))
	return nil
}

func (s *server) careAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := pairing.PersonInput{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Area: r.PostFormValue("area"),
		Address: r.PostFormValue("address"), Phone: r.PostFormValue("phone"), Note: r.PostFormValue("note")}
	c, err := s.Pairing.AddPerson(r.Context(), rq.P, in)
	if errs.Code(err) == errs.EINVALID {
		return s.showCareList(w, r, rq, http.StatusUnprocessableEntity, in, err)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/care/people/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// carePersonPage is one person in care: their pairs, the pair form, the link.
type carePersonPage struct {
	Person   pairing.Person
	Pairs    []pairing.Pair
	Logs     []pairing.Log
	Members  []party.Member
	CanWrite bool
	Error    string
}

func (s *server) carePerson(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCarePerson(w, r, rq, http.StatusOK, "")
}

func (s *server) showCarePerson(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := carePersonPage{Error: msg}
	if d.Person, err = s.Pairing.GetPerson(ctx, rq.P, id); err != nil {
		return err
	}
	d.CanWrite = auth.Authorize(rq.P, auth.PairingWrite, d.Person.AreaPath) == nil
	if d.Pairs, err = s.Pairing.PairsOf(ctx, rq.P, id); err != nil {
		return err
	}
	for _, x := range d.Pairs {
		l, err := s.Pairing.Logs(ctx, rq.P, pairing.LogFilter{PairID: x.ID, PerPage: 10})
		if err != nil {
			return err
		}
		d.Logs = append(d.Logs, l.Items...)
	}
	if d.CanWrite && auth.AuthorizeAny(rq.P, auth.MemberRead) == nil {
		l, err := s.Party.List(ctx, rq.P, party.Filter{Area: d.Person.Area, PerPage: 200})
		if err != nil {
			return err
		}
		d.Members = l.Items
	}
	s.render(w, rq, status, "pairing_person.html", rq.view(r, "members", "pairing.person.title", d))
	return nil
}

func (s *server) carePair(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, _ := strconv.ParseInt(r.PostFormValue("member_id"), 10, 64)
	_, err = s.Pairing.MakePair(r.Context(), rq.P, id, pairing.PairInput{MemberID: m})
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		return s.showCarePerson(w, r, rq, careStatus(c), rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/care/people/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (s *server) careEndPair(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Pairing.EndPair(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/care/people/"+strconv.FormatInt(x.PersonID, 10), http.StatusSeeOther)
	return nil
}

// careLinkPage is the printable slip of a person's on-call link.
type careLinkPage struct {
	Person pairing.Person
	URL    string
	QR     template.URL
}

func (s *server) careLink(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Pairing.MakeLink(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := careLinkPage{URL: s.siteURL(r) + "/help/" + l.Token}
	if d.Person, err = s.Pairing.GetPerson(r.Context(), rq.P, id); err != nil {
		return err
	}
	png, err := qrcode.Encode(d.URL, qrcode.Medium, 256)
	if err != nil {
		return errs.Wrap(err, "qr code")
	}
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	s.render(w, rq, http.StatusOK, "pairing_link.html", rq.view(r, "members", "pairing.link.title", d))
	return nil
}

// careLogsPage lists logs waiting for approval (or of a status).
type careLogsPage struct {
	Status string
	Logs   []pairing.Log
	Pager  pager
	Error  string
}

func (s *server) careLogs(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCareLogs(w, r, rq, http.StatusOK, "")
}

func (s *server) showCareLogs(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) error {
	if err := auth.AuthorizeAny(rq.P, auth.PairingRead); err != nil {
		return err
	}
	st := r.URL.Query().Get("status")
	if st == "" {
		st = pairing.Pending
	}
	page := pageParam(r)
	l, err := s.Pairing.Logs(r.Context(), rq.P, pairing.LogFilter{Status: st, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d := careLogsPage{Status: st, Logs: l.Items, Pager: newPager(r, page, l.Total), Error: msg}
	s.render(w, rq, status, "pairing_logs.html", rq.view(r, "members", "pairing.logs.title", d))
	return nil
}

func (s *server) careDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Pairing.DecideLog(r.Context(), rq.P, id, pairing.Decision{Approve: r.PostFormValue("approve") == "1", Reason: r.PostFormValue("reason")})
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		return s.showCareLogs(w, r, rq, careStatus(c), rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/care/logs", http.StatusSeeOther)
	return nil
}

// careRequestsPage lists on-call requests with response times by area.
type careRequestsPage struct {
	Status   string
	Requests []pairing.Request
	Times    []pairing.AreaResponse
	Pager    pager
}

func (s *server) careRequests(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.PairingRead); err != nil {
		return err
	}
	st, page := r.URL.Query().Get("status"), pageParam(r)
	l, err := s.Pairing.Requests(r.Context(), rq.P, pairing.RequestFilter{Status: st, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d := careRequestsPage{Status: st, Requests: l.Items, Pager: newPager(r, page, l.Total)}
	if d.Times, err = s.Pairing.ResponseTimes(r.Context(), rq.P, "", 90); err != nil {
		return err
	}
	s.render(w, rq, http.StatusOK, "pairing_requests.html", rq.view(r, "members", "pairing.requests.title", d))
	return nil
}

// careAnswer acknowledges or closes a request, from the staff list or the
// member's phone page (back=my).
func (s *server) careAnswer(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Pairing.Answer(r.Context(), rq.P, id, r.PathValue("action")); err != nil {
		return err
	}
	back := "/care/requests"
	if r.PostFormValue("back") == "my" {
		back = "/my/pairing"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// careGapsPage is the two gap lists of an area.
type careGapsPage struct {
	Area     string
	Areas    []areaOption
	Unpaired []pairing.Person
	UnTotal  int
	Overdue  []pairing.Pair
	OvTotal  int
	Export   string
}

func (s *server) careGaps(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	d := careGapsPage{Area: r.URL.Query().Get("area")}
	un, err := s.Pairing.People(ctx, rq.P, pairing.PersonFilter{Area: d.Area, Unpaired: true, PerPage: 200})
	if err != nil {
		return err
	}
	ov, err := s.Pairing.Overdue(ctx, rq.P, pairing.GapFilter{Area: d.Area, PerPage: 200})
	if err != nil {
		return err
	}
	d.Unpaired, d.UnTotal, d.Overdue, d.OvTotal = un.Items, un.Total, ov.Items, ov.Total
	if d.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
		return err
	}
	v := url.Values{}
	if d.Area != "" {
		v.Set("area", d.Area)
	}
	d.Export = withQuery("/care/gaps/export", v)
	s.render(w, rq, http.StatusOK, "pairing_gaps.html", rq.view(r, "members", "pairing.gaps.title", d))
	return nil
}

func (s *server) careGapsExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	var buf bytes.Buffer
	if err := s.Pairing.GapsXLSX(r.Context(), rq.P, r.URL.Query().Get("area"), &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", partyXLSXType)
	h.Set("Content-Disposition", `attachment; filename="care-gaps-`+s.Clock.Now().In(clock.Shanghai).Format("20060102")+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w)
	return nil
}

// careMyPage is a member's own pairing on the phone: who, last visit, the
// log form, open requests.
type careMyPage struct {
	Pairs    []pairing.Pair
	Requests []pairing.Request
	Logs     []pairing.Log
	Now      string // the log form's default time, Asia/Shanghai
	Kinds    []string
	Done     bool
	Error    string
	ErrPair  int64
}

func (s *server) careMy(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCareMy(w, r, rq, http.StatusOK, 0, "")
}

func (s *server) showCareMy(w http.ResponseWriter, r *http.Request, rq *request, status int, errPair int64, msg string) error {
	ctx := r.Context()
	d := careMyPage{Now: s.Clock.Now().In(clock.Shanghai).Format("2006-01-02T15:04"), Kinds: pairing.LogKinds, Done: r.URL.Query().Get("done") == "1",
		Error: msg, ErrPair: errPair}
	var err error
	if d.Pairs, err = s.Pairing.MyPairs(ctx, rq.P); err != nil {
		return err
	}
	if auth.AuthorizeAny(rq.P, auth.PairingLog) == nil {
		rl, err := s.Pairing.Requests(ctx, rq.P, pairing.RequestFilter{PerPage: 20})
		if err != nil {
			return err
		}
		for _, x := range rl.Items {
			if x.Status != pairing.Closed {
				d.Requests = append(d.Requests, x)
			}
		}
		ll, err := s.Pairing.Logs(ctx, rq.P, pairing.LogFilter{PerPage: 10})
		if err != nil {
			return err
		}
		d.Logs = ll.Items
	}
	s.render(w, rq, status, "pairing_my.html", rq.view(r, "my", "pairing.my.title", d))
	return nil
}

func (s *server) careMyLog(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := pairing.LogInput{Kind: r.PostFormValue("kind"), Note: r.PostFormValue("note")}
	in.Minutes, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("minutes")))
	if at := r.PostFormValue("at"); at != "" {
		if t, err := time.ParseInLocation("2006-01-02T15:04", at, clock.Shanghai); err == nil {
			in.At = t
		}
	}
	_, err = s.Pairing.LogVisit(r.Context(), rq.P, id, in)
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		return s.showCareMy(w, r, rq, careStatus(c), id, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/my/pairing?done=1", http.StatusSeeOther)
	return nil
}

// careHelpPage is the on-call link's page: the request form, or its answer.
type careHelpPage struct {
	Action   string
	Body     string
	Callback string
	Sent     *pairing.Sent
	Error    string
}

func (s *server) careHelp(w http.ResponseWriter, r *http.Request, rq *request) error {
	token := r.PathValue("token")
	if _, err := s.Pairing.ByToken(r.Context(), token); err != nil {
		return err
	}
	d := careHelpPage{Action: "/help/" + token}
	v := rq.view(r, "", "pairing.help.title", d)
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "pairing_help.html", v)
	return nil
}

func (s *server) careHelpSend(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) { // a signed-in browser's forms carry its token
		return errCSRF()
	}
	token := r.PathValue("token")
	d := careHelpPage{Action: "/help/" + token, Body: r.PostFormValue("body"), Callback: r.PostFormValue("callback")}
	sent, err := s.Pairing.SendRequest(r.Context(), token, pairing.RequestInput{Body: d.Body, Callback: d.Callback})
	status := http.StatusOK
	switch c := errs.Code(err); c {
	case "":
		d.Sent = &sent
	case errs.EINVALID, errs.ETOOMANY:
		d.Error, status = rq.ErrMsg(err), careStatus(c)
	default:
		return err
	}
	v := rq.view(r, "", "pairing.help.title", d)
	v.NoIndex = true
	s.render(w, rq, status, "pairing_help.html", v)
	return nil
}

// careSummary is the "my pairing" card of a member's home (/my): whom the
// member is paired with, their last visit, and the requests still open.
type careSummary struct {
	Pairs []pairing.Pair
	Open  int
}

// careSummaryOf is the card for rq's member, or nil for a user who logs no pairing.
func (s *server) careSummaryOf(r *http.Request, rq *request) (*careSummary, error) {
	if auth.AuthorizeAny(rq.P, auth.PairingLog) != nil {
		return nil, nil
	}
	xs, err := s.Pairing.MyPairs(r.Context(), rq.P)
	if err != nil {
		return nil, err
	}
	var c careSummary
	c.Pairs = xs
	for _, st := range []string{pairing.Open, pairing.Acknowledged} {
		l, err := s.Pairing.Requests(r.Context(), rq.P, pairing.RequestFilter{Status: st, PerPage: 1})
		if err != nil {
			return nil, err
		}
		c.Open += l.Total
	}
	return &c, nil
}

// careStatus is the status of a form sent back with its error: 422 for
// input to fix, else the code's own.
func careStatus(code string) int {
	if code == errs.EINVALID {
		return http.StatusUnprocessableEntity
	}
	return statusOf[code]
}

// careImport adds the people in care of an uploaded XLSX: all rows or
// none, the page listing every problem by row and column.
func (s *server) careImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 5<<20+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return tooLargeOr(err)
	}
	defer r.MultipartForm.RemoveAll()
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.showCareList(w, r, rq, http.StatusBadRequest, pairing.PersonInput{}, errs.Invalid("file", "choose an XLSX file to import"))
	}
	defer file.Close()
	res, err := s.Pairing.Import(r.Context(), rq.P, hdr.Filename, file)
	switch errs.Code(err) {
	case "":
		http.Redirect(w, r, "/care?imported="+strconv.Itoa(res.Created), http.StatusSeeOther)
		return nil
	case errs.EINVALID, errs.ETOOLARGE:
		return s.showCareImport(w, r, rq, hdr.Filename, err)
	}
	return err
}

func (s *server) showCareImport(w http.ResponseWriter, r *http.Request, rq *request, file string, err error) error {
	rows := rq.localDetails(err)
	if len(rows) == 0 {
		rows = []errs.Detail{{Message: rq.ErrMsg(err)}}
	}
	d := carePeoplePage{ImportError: rq.T("pairing.import.rejected", file), ImportRows: rows}
	return s.renderCareList(w, r, rq, http.StatusUnprocessableEntity, d)
}
