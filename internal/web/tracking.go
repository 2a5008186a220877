package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// Issue 8's pages and forms around tracking: the short code after filing
// and the tracking text message, the short code's own link (/c/{code}),
// "我的诉求" for a signed-in resident, and staff moving a demand to
// another category.

// demandExtras is what the demand page shows besides the work order's
// steps: the caller's short code, the SMS button and the category form.
type demandExtras struct {
	ShortCode  string // the report's own short code, for those who see reporters in full
	CanSMS     bool
	CanRecat   bool // the viewer may change the category
	CSRF       string
	SMSSent    bool // the message was just queued
	Recat      *recatForm
	Categories []demand.Category // the choices of the category box
	Recatted   bool              // the category was just changed
	Proposed   string            // after that, where a dispatch would now go (the dispatch form's default)
}

// recatForm is the category form with what a failed post left behind.
type recatForm struct {
	Values map[string]string
	Errors map[string]string
	Failed bool
}

// recatFields are the category form's fields.
var recatFields = []string{"category", "reason"}

// demandExtrasOf fills the demand page's extras for d, which the viewer
// sees (showDemand loaded it).
func (s *server) demandExtrasOf(ctx context.Context, r *http.Request, rq *request, d *demand.Demand, v *demandView) error {
	x := &v.Extras
	x.CSRF = rq.CSRF
	for _, rp := range d.Reporters {
		if rp.OriginalID == d.ID && rp.ShortCode != "" {
			x.ShortCode = rp.ShortCode
		}
	}
	x.CanSMS = s.Demand.CanSendSMS(ctx, rq.P, d)
	x.SMSSent = r.URL.Query().Get("sms") == "1"
	if x.CanRecat = s.Demand.CanRecategorise(ctx, rq.P, d); !x.CanRecat {
		x.Recat = nil
	} else {
		if x.Recat == nil {
			x.Recat = &recatForm{Values: map[string]string{}}
		}
		cats, err := s.Demand.Categories(ctx, true)
		if err != nil {
			return err
		}
		for _, c := range cats {
			if c.Code != d.Category {
				c.Name = rq.categoryName(c)
				x.Categories = append(x.Categories, c)
			}
		}
	}
	x.Recatted = r.URL.Query().Get("recat") == "1"
	if x.Recatted {
		for _, f := range v.Forms {
			if f.Action == string(demand.ActDispatch) {
				x.Proposed = f.Values["lead"]
			}
		}
	}
	return nil
}

// demandRecategorise moves a demand to another category from the demand
// page's form (POST /demands/{id}/category); a refused change shows the
// page again with the reason and changes nothing.
func (s *server) demandRecategorise(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, k := range recatFields {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	_, err = s.Demand.Recategorise(r.Context(), rq.P, id, demand.RecategoriseInput{Category: values["category"], Reason: values["reason"], Typed: true})
	fail := func(status int, msg string, fields map[string]string) error {
		return s.showDemand(w, r, rq, status, id, func(v *demandView) {
			v.Error, v.ErrorStatus = msg, status
			v.Extras.Recat = &recatForm{Values: values, Errors: fields, Failed: true}
		})
	}
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/demands/"+strconv.FormatInt(id, 10)+"?recat=1#recat-done")
	case errs.EINVALID:
		fields, general := rq.fieldErrors(err, recatFields...)
		msg := rq.T("form.fix_errors")
		if len(general) > 0 {
			msg = strings.Join(general, " ")
		}
		return fail(http.StatusBadRequest, msg, fields)
	case errs.EFORBIDDEN:
		return fail(http.StatusForbidden, rq.ErrMsg(err), nil)
	}
	return err
}

// demandSMS texts the caller the demand's number, short code and tracking
// link (POST /demands/{id}/sms), from the intake's result or the demand
// page. After the intake the operator goes on to the next call; a refusal
// shows the demand page with the reason.
func (s *server) demandSMS(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Demand.SendTrackingSMS(r.Context(), rq.P, id)
	switch code := errs.Code(err); code {
	case "":
		if r.PostFormValue("from") == "intake" {
			return redirect(w, r, "/demands/new?sms="+strconv.FormatInt(id, 10)+"#sms-sent")
		}
		return redirect(w, r, "/demands/"+strconv.FormatInt(id, 10)+"?sms=1#sms-sent")
	case errs.EINVALID, errs.ETOOMANY, errs.EUNAVAILABLE, errs.EFORBIDDEN:
		status := statusOf[code]
		return s.showDemand(w, r, rq, status, id, func(v *demandView) { v.Error, v.ErrorStatus = rq.ErrMsg(err), status })
	}
	return err
}

// canText reports whether a phone as typed can get a text message.
func canText(phone string) bool {
	_, ok := notify.MobileNumber(phone)
	return ok
}

// trackCode is the short code's own link (/c/{code}): the tracking page
// without the files and the rating, as a look-up by number shows it. It is
// what an SMS carries and "我的诉求" links to.
func (s *server) trackCode(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showByCode(w, r, rq, r.PathValue("code"), func(status int, msg string) error {
		page := trackLookupPage{Code: r.PathValue("code"), Error: msg}
		v := rq.view(r, "report", "lookup.title", page)
		v.NoIndex = true
		s.render(w, rq, status, "track_lookup.html", v)
		return nil
	})
}

// showByCode renders the tracking page of a short code, or calls again
// with the status and the reason it cannot.
func (s *server) showByCode(w http.ResponseWriter, r *http.Request, rq *request, code string, again func(int, string) error) error {
	t, err := s.Demand.TrackByCode(r.Context(), code, clientIP(r, s.TrustedProxies))
	switch errs.Code(err) {
	case "":
	case errs.EINVALID:
		return again(http.StatusUnprocessableEntity, rq.T("trk.bad_code"))
	case errs.ETOOMANY:
		w.Header().Set("Retry-After", strconv.Itoa(int(demand.LookupWindow.Seconds())))
		return again(http.StatusTooManyRequests, rq.T("lookup.too_many"))
	case errs.ENOTFOUND:
		return again(http.StatusNotFound, rq.T("trk.code_not_found"))
	default:
		return err
	}
	return s.showLookedUp(w, r, rq, t)
}

// myDemandsPage is the data of my_demands.html.
type myDemandsPage struct {
	Items []myDemandLine
	Pager pager
	Total int
}

// myDemandLine is one of the resident's demands as the page shows it.
type myDemandLine struct {
	demand.MyDemand
	Code string // ABCD-EFGH
	Link string // /c/{code}
}

// myDemands is "我的诉求": the demands the signed-in user reported on the
// report page while signed in, newest first, each with its status in
// words, the body handling it, the deadline and its tracking page.
func (s *server) myDemands(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := pageParam(r)
	items, total, err := s.Demand.MyDemands(r.Context(), rq.P, page, perPage)
	if err != nil {
		return err
	}
	data := myDemandsPage{Total: total, Pager: newPager(r, page, total)}
	for _, m := range items {
		if rq.Lang == langEN && m.CategoryNameEN != "" {
			m.CategoryName = m.CategoryNameEN
		}
		line := myDemandLine{MyDemand: m}
		if m.ShortCode != "" {
			line.Code, line.Link = demand.FormatCode(m.ShortCode), demand.TrackPath(m.ShortCode)
		}
		data.Items = append(data.Items, line)
	}
	v := rq.view(r, "residents", "trk.my.title", data)
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "my_demands.html", v)
	return nil
}
