package web

import (
	"bytes"
	"crypto/subtle"
	"io"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
	"gongzhi/internal/phone"
)

// phoneCookie carries a verified phone's session token, only under /p.
const phoneCookie = "gz_phone"

// phoneHomePage is the data of phone_home.html: the number, the code, or
// the topics of the phone's areas with the form to raise one.
type phoneHomePage struct {
	Available bool
	Step      string // number, code or in
	Number    string // as typed, carried to the code step
	Masked    string
	Error     string
	Errors    map[string]string
	Resident  phone.Resident
	Topics    []delib.Topic
	Supported map[int64]bool
	Pager     pager
	Mine      bool
	Raise     delib.TopicInput
}

// phoneTopicPage is the data of phone_topic.html.
type phoneTopicPage struct {
	Topic      delib.Topic
	CSRF       string
	CanSupport bool
	Supported  bool
	Alert      string
	Done       bool
	// The comment box: shown while the topic takes comments, with the
	// area's civility policy; Text and TextError after a refused comment.
	CanComment      bool
	Civility        string
	Text, TextError string
}

// phoneResident reads the phone session of r, if any.
func (s *server) phoneResident(r *http.Request) (phone.Resident, bool) {
	c, err := r.Cookie(phoneCookie)
	if err != nil || c.Value == "" {
		return phone.Resident{}, false
	}
	res, err := s.Phone.Resident(r.Context(), c.Value)
	if err != nil {
		if errs.Code(err) == errs.EINTERNAL {
			s.Logger.Error("phone session", "err", err)
		}
		return phone.Resident{}, false
	}
	return res, true
}

// phoneHandler is a handler of a verified phone.
type phoneHandler func(w http.ResponseWriter, r *http.Request, rq *request, res phone.Resident) error

// phoneSigned serves a form post of a verified phone: the body is capped,
// and the form must carry the phone session's CSRF token. Without a
// session the resident goes back to /p to sign in.
func (s *server) phoneSigned(h phoneHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		r.Body = http.MaxBytesReader(w, r.Body, formLimit)
		if err := r.ParseForm(); err != nil {
			return tooLargeOr(err)
		}
		res, ok := s.phoneResident(r)
		if !ok {
			return redirect(w, r, "/p")
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(res.CSRF)) != 1 {
			return errCSRF()
		}
		return h(w, r, rq, res)
	}
}

func (s *server) showPhoneHome(w http.ResponseWriter, r *http.Request, rq *request, status int, d phoneHomePage) error {
	d.Available = s.Phone.Available()
	v := rq.view(r, "phone", "phone.title", d)
	v.NoIndex = true
	s.render(w, rq, status, "phone_home.html", v)
	return nil
}

// phoneHome is /p: the number form, or the topics of the phone's areas.
func (s *server) phoneHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	res, ok := s.phoneResident(r)
	if !ok {
		return s.showPhoneHome(w, r, rq, http.StatusOK, phoneHomePage{Step: "number"})
	}
	return s.phoneTopics(w, r, rq, http.StatusOK, res, phoneHomePage{})
}

func (s *server) phoneTopics(w http.ResponseWriter, r *http.Request, rq *request, status int, res phone.Resident, d phoneHomePage) error {
	d.Step, d.Resident, d.Masked = "in", res, res.Masked
	if len(res.Areas) == 0 {
		return s.showPhoneHome(w, r, rq, status, d)
	}
	d.Mine = r.URL.Query().Get("mine") == "1"
	page := pageParam(r)
	l, err := s.Delib.PhoneTopics(r.Context(), res, delib.PhoneTopicFilter{Mine: d.Mine, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Topics, d.Pager = l.Items, newPager(r, page, l.Total)
	d.Supported = map[int64]bool{}
	for _, t := range l.Items {
		if d.Supported[t.ID], err = s.Delib.PhoneSupported(r.Context(), res, t.ID); err != nil {
			return err
		}
	}
	if d.Raise.Area == "" {
		d.Raise.Area = res.Areas[0].Code
	}
	return s.showPhoneHome(w, r, rq, status, d)
}

// phoneCode sends a code to the typed number; a number on no roll is
// answered alike (the page says whom to ask when no code comes).
func (s *server) phoneCode(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	number := strings.TrimSpace(r.PostFormValue("phone"))
	sent, err := s.Phone.SendCode(r.Context(), number, clientIP(r, s.TrustedProxies))
	switch errs.Code(err) {
	case "":
		return s.showPhoneHome(w, r, rq, http.StatusOK, phoneHomePage{Step: "code", Number: number, Masked: sent.Phone})
	case errs.EINVALID, errs.ETOOMANY, errs.EUNAVAILABLE:
		return s.showPhoneHome(w, r, rq, statusOf[errs.Code(err)], phoneHomePage{Step: "number", Number: number, Error: rq.ErrMsg(err)})
	}
	return err
}

// phoneVerify checks the code and opens the phone's session.
func (s *server) phoneVerify(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	number := strings.TrimSpace(r.PostFormValue("phone"))
	sess, err := s.Phone.Verify(r.Context(), number, r.PostFormValue("code"), clientIP(r, s.TrustedProxies))
	if errs.Code(err) == errs.EINVALID {
		d := phoneHomePage{Step: "code", Number: number, Error: rq.ErrMsg(err)}
		if n, e := phone.Normal(number); e == nil {
			d.Masked = auth.MaskPhone(n)
		} else {
			d.Step = "number"
		}
		return s.showPhoneHome(w, r, rq, http.StatusBadRequest, d)
	} else if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: phoneCookie, Value: sess.Token, Path: "/p", Expires: sess.ExpiresAt,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return redirect(w, r, "/p")
}

// phoneRaise raises a topic in one of the phone's areas.
func (s *server) phoneRaise(w http.ResponseWriter, r *http.Request, rq *request, res phone.Resident) error {
	in := delib.TopicInput{Area: r.PostFormValue("area"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	t, err := s.Delib.RaiseTopicByPhone(r.Context(), res, in)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/p/topics/"+strconv.FormatInt(t.ID, 10))
	case errs.EINVALID, errs.EFORBIDDEN:
		d := phoneHomePage{Raise: in, Errors: map[string]string{}, Error: rq.ErrMsg(err)}
		for _, x := range rq.localDetails(err) {
			d.Errors[x.Field] = x.Message
		}
		return s.phoneTopics(w, r, rq, statusOf[errs.Code(err)], res, d)
	}
	return err
}

// phoneTopicPage is one topic of the phone's areas, with its support button.
func (s *server) phoneTopicPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	res, ok := s.phoneResident(r)
	if !ok {
		return redirect(w, r, "/p")
	}
	return s.showPhoneTopic(w, r, rq, http.StatusOK, res, "")
}

func (s *server) showPhoneTopic(w http.ResponseWriter, r *http.Request, rq *request, status int, res phone.Resident, alert string) error {
	return s.showPhoneTopicPage(w, r, rq, status, res, phoneTopicPage{Alert: alert})
}

func (s *server) showPhoneTopicPage(w http.ResponseWriter, r *http.Request, rq *request, status int, res phone.Resident, d phoneTopicPage) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Delib.PhoneTopic(r.Context(), res, id)
	if err != nil {
		return err
	}
	d.Topic, d.CSRF, d.Done = t, res.CSRF, r.URL.Query().Get("done") == "supported"
	if d.CanComment = delib.CanPhoneComment(res, t); d.CanComment {
		st, err := s.Delib.Settings(r.Context(), t.Area)
		if err != nil {
			return err
		}
		d.Civility = st.Civility
	}
	if d.Supported, err = s.Delib.PhoneSupported(r.Context(), res, id); err != nil {
		return err
	}
	d.CanSupport = !d.Supported && delib.CanPhoneSupport(res, t)
	v := rq.view(r, "phone", "phone.topic.title", d)
	v.NoIndex = true
	s.render(w, rq, status, "phone_topic.html", v)
	return nil
}

// phoneSupport adds the phone's support.
func (s *server) phoneSupport(w http.ResponseWriter, r *http.Request, rq *request, res phone.Resident) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Delib.SupportByPhone(r.Context(), res, id)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/p/topics/"+strconv.FormatInt(id, 10)+"?done=supported")
	case errs.ECONFLICT, errs.EFORBIDDEN:
		if _, e := s.Delib.PhoneTopic(r.Context(), res, id); e != nil {
			return e // a topic outside the phone's areas is not found
		}
		return s.showPhoneTopic(w, r, rq, statusOf[errs.Code(err)], res, rq.ErrMsg(err))
	}
	return err
}

// phoneComment adds the phone's comment to a topic of its areas.
func (s *server) phoneComment(w http.ResponseWriter, r *http.Request, rq *request, res phone.Resident) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	text := r.PostFormValue("text")
	c, err := s.Delib.AddCommentByPhone(r.Context(), res, id, text)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/p/topics/"+strconv.FormatInt(id, 10)+"#c"+strconv.FormatInt(c.ID, 10))
	case errs.EINVALID:
		return s.showPhoneTopicPage(w, r, rq, http.StatusUnprocessableEntity, res, phoneTopicPage{Text: text, TextError: rq.ErrMsg(err)})
	case errs.ECONFLICT:
		return s.showPhoneTopicPage(w, r, rq, http.StatusConflict, res, phoneTopicPage{Alert: rq.ErrMsg(err)})
	}
	return err
}

// phoneSignOut ends the phone's session.
func (s *server) phoneSignOut(w http.ResponseWriter, r *http.Request, rq *request, res phone.Resident) error {
	if c, err := r.Cookie(phoneCookie); err == nil {
		if err := s.Phone.SignOut(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: phoneCookie, Value: "", Path: "/p", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return redirect(w, r, "/p")
}

// ---- The staff's roll -------------------------------------------------------

// rollPage is the data of phone_roll.html.
type rollPage struct {
	Area     string
	Areas    []area.Area // residential areas in the caller's scope
	Entries  []phone.Entry
	Pager    pager
	CanWrite bool
	Export   string
	Notice   string
	Error    string
	Rows     []errs.Detail // a refused import's cells
	Errors   map[string]string
	In       phone.EntryInput
	Removed  string
}

func (s *server) showRoll(w http.ResponseWriter, r *http.Request, rq *request, status int, d rollPage) error {
	if d.Area == "" {
		d.Area = r.URL.Query().Get("area")
	}
	page := pageParam(r)
	l, err := s.Phone.List(r.Context(), rq.P, phone.RollFilter{Area: d.Area, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Entries, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = area.List(r.Context(), s.DB, area.Filter{Level: area.Residential, Scope: func(col string) (string, []any) {
		return auth.ScopeSQL(s.DB.Dialect, rq.P, auth.DelibWrite, col)
	}}); err != nil {
		return err
	}
	d.CanWrite = len(d.Areas) > 0
	d.Export = "/resident-phones/export.xlsx"
	if d.Area != "" {
		d.Export += "?area=" + d.Area
	}
	if d.In.Area == "" {
		d.In.Area = d.Area
	}
	switch r.URL.Query().Get("done") {
	case "added":
		d.Notice = rq.T("phone.roll.added_notice")
	case "removed":
		d.Notice = rq.T("phone.roll.removed")
	case "imported":
		d.Notice = rq.T("phone.roll.imported", r.URL.Query().Get("n"), r.URL.Query().Get("already"))
	}
	s.render(w, rq, status, "phone_roll.html", rq.view(r, "phone", "phone.roll.title", d))
	return nil
}

// rollPage lists the roll of an area (delib.read), phones masked.
func (s *server) rollPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showRoll(w, r, rq, http.StatusOK, rollPage{})
}

func rollBack(code, done string) string {
	q := "?done=" + done
	if code != "" {
		q = "?area=" + code + "&done=" + done
	}
	return "/resident-phones" + q
}

// rollAdd puts one phone on an area's roll.
func (s *server) rollAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	in := phone.EntryInput{Area: r.PostFormValue("area"), Phone: r.PostFormValue("phone"), Household: r.PostFormValue("household")}
	_, err := s.Phone.Add(r.Context(), rq.P, in)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, rollBack(in.Area, "added"))
	case errs.EINVALID, errs.ECONFLICT:
		d := rollPage{Area: in.Area, In: in, Error: rq.ErrMsg(err), Errors: map[string]string{}}
		for _, x := range rq.localDetails(err) {
			d.Errors[x.Field] = x.Message
		}
		return s.showRoll(w, r, rq, statusOf[errs.Code(err)], d)
	}
	return err
}

// rollRemove takes a typed phone off an area's roll (the list shows phones
// masked, so staff type the number they have).
func (s *server) rollRemove(w http.ResponseWriter, r *http.Request, rq *request) error {
	code := r.PostFormValue("area")
	err := s.Phone.Remove(r.Context(), rq.P, code, r.PostFormValue("phone"))
	switch errs.Code(err) {
	case "":
		return redirect(w, r, rollBack(code, "removed"))
	case errs.EINVALID, errs.ENOTFOUND:
		return s.showRoll(w, r, rq, statusOf[errs.Code(err)], rollPage{Area: code, Error: rq.ErrMsg(err)})
	}
	return err
}

// rollImport reads an uploaded roll file into an area's roll, all or none.
func (s *server) rollImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return tooLargeOr(err)
	}
	defer r.MultipartForm.RemoveAll()
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	code := r.PostFormValue("area")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.showRoll(w, r, rq, http.StatusBadRequest, rollPage{Area: code, Error: rq.ErrMsg(errs.Invalid("file", "choose an .xlsx or .csv file to import"))})
	}
	data, err := io.ReadAll(io.LimitReader(file, s.MaxUploadBytes+1))
	file.Close()
	if err != nil {
		return err
	}
	res, err := s.Phone.Import(r.Context(), rq.P, code, hdr.Filename, data)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, rollBack(code, "imported")+"&n="+strconv.Itoa(res.Added)+"&already="+strconv.Itoa(res.Already))
	case errs.EINVALID:
		d := rollPage{Area: code, Error: rq.ErrMsg(err)}
		for _, x := range rq.localDetails(err) {
			if x.Row > 0 {
				d.Rows = append(d.Rows, x)
			}
		}
		return s.showRoll(w, r, rq, http.StatusBadRequest, d)
	}
	return err
}

// rollExport sends the roll in scope as XLSX, phones masked.
func (s *server) rollExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	var buf bytes.Buffer
	if err := s.Phone.Export(r.Context(), rq.P, r.URL.Query().Get("area"), &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="resident-phones.xlsx"`)
	h.Set("Cache-Control", "no-store")
	_, err := buf.WriteTo(w)
	return err
}
