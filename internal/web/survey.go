package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
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
	"gongzhi/internal/survey"
)

// ---- Campaigns, as staff see them -----------------------------------------

// surveysPage lists the campaigns in scope with the form that starts one.
type surveysPage struct {
	Area, Period string
	Areas        []areaOption
	Campaigns    []survey.Campaign
	Pager        pager
	CanWrite     bool
	New          surveyForm
}

// surveyForm starts a campaign.
type surveyForm struct {
	Area, Period      string
	OpensAt, ClosesAt string
	Errors            map[string]string
	General           []string
}

// currentPeriod is the half year now falls in (2026H2).
func currentPeriod(now time.Time) string {
	n := now.In(clock.Shanghai)
	h := 1
	if n.Month() > 6 {
		h = 2
	}
	return fmt.Sprintf("%dH%d", n.Year(), h)
}

func (s *server) surveyList(w http.ResponseWriter, r *http.Request, rq *request) error {
	now := s.Clock.Now()
	f := surveyForm{Period: currentPeriod(now), OpensAt: dtLocal(now.Truncate(time.Hour)), ClosesAt: dtLocal(now.Add(21 * 24 * time.Hour).Truncate(time.Hour))}
	return s.showSurveys(w, r, rq, http.StatusOK, f)
}

func (s *server) showSurveys(w http.ResponseWriter, r *http.Request, rq *request, status int, form surveyForm) error {
	q := r.URL.Query()
	d := surveysPage{Area: q.Get("area"), Period: q.Get("period"), New: form, CanWrite: auth.AuthorizeAny(rq.P, auth.SurveyWrite) == nil}
	page := pageParam(r)
	l, err := s.Survey.List(r.Context(), rq.P, survey.Filter{Area: d.Area, Period: d.Period, Page: page, PerPage: perPage})
	if errs.Code(err) == errs.EINVALID {
		d.Area, d.Period = "", ""
		l, err = s.Survey.List(r.Context(), rq.P, survey.Filter{Page: page, PerPage: perPage})
	}
	if err != nil {
		return err
	}
	d.Campaigns, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	v := rq.view(r, "topics", "survey.list.title", d)
	v.Tab = "surveys"
	s.render(w, rq, status, "survey_list.html", v)
	return nil
}

func (s *server) surveyCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := surveyForm{Area: r.PostFormValue("area"), Period: r.PostFormValue("period"), OpensAt: r.PostFormValue("opens_at"), ClosesAt: r.PostFormValue("closes_at")}
	in := survey.CampaignInput{Area: f.Area, Period: f.Period}
	var details []errs.Detail
	var ok bool
	if in.OpensAt, ok = parseLocal(f.OpensAt); !ok {
		details = append(details, errs.D("opens_at", "give the time the survey opens"))
	}
	if in.ClosesAt, ok = parseLocal(f.ClosesAt); !ok {
		details = append(details, errs.D("closes_at", "give the time the survey closes"))
	}
	var c survey.Campaign
	var err error
	if len(details) > 0 {
		err = errs.Fields(details)
	} else {
		c, err = s.Survey.CreateCampaign(r.Context(), rq.P, in)
	}
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "area", "period", "opens_at", "closes_at")
		return s.showSurveys(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatInt(c.ID, 10))
}

// surveyFigure is one score as a page shows it: the value and its interval, rounded.
type surveyFigure struct {
	Key        string // catalog key of its label
	Value      string
	Lo, Hi     string
	N          int
	OK         bool
	Proportion bool // a share (percent) rather than a mean on 0–100
}

func surveyFigureOf(key string, i survey.Interval, proportion bool) surveyFigure {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	return surveyFigure{Key: key, Value: f(i.Value), Lo: f(i.Lo), Hi: f(i.Hi), N: i.N, OK: i.OK, Proportion: proportion}
}

// surveyRow is one campaign's headline figures.
type surveyRow struct {
	Campaign                               survey.Campaign
	Response                               string
	Awareness, Participation, Satisfaction surveyFigure
}

func surveyRowOf(r survey.Result) surveyRow {
	return surveyRow{Campaign: r.Campaign, Response: strconv.FormatFloat(r.Scores.ResponseRate, 'f', 1, 64),
		Awareness:     surveyFigureOf("survey.awareness", r.Scores.Awareness, true),
		Participation: surveyFigureOf("survey.participation", r.Scores.Participation, true),
		Satisfaction:  surveyFigureOf("survey.satisfaction", r.Scores.Satisfaction, false)}
}

// surveyView is one campaign's staff page: its scores, items, comments, and
// (for the street) the link and close forms.
type surveyView struct {
	Row       surveyRow
	Items     []surveyFigure
	Comments  []string
	CanManage bool
	Alert     string
	LinkError string
	MaxLinks  int
	surveySMSView
}

func (s *server) surveyPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showSurvey(w, r, rq, http.StatusOK, "", "")
}

func (s *server) showSurvey(w http.ResponseWriter, r *http.Request, rq *request, status int, alert, linkErr string) error {
	return s.showSurveyView(w, r, rq, status, surveyView{Alert: alert, LinkError: linkErr})
}

// showSurveyView shows a campaign's page; d holds what the request adds
// (an alert, a form's error and input).
func (s *server) showSurveyView(w http.ResponseWriter, r *http.Request, rq *request, status int, d surveyView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, comments, err := s.Survey.Results(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d.Row, d.Comments, d.CanManage, d.MaxLinks = surveyRowOf(res), comments, survey.CanManage(rq.P, res.Campaign), survey.MaxLinks
	if err := s.surveySMSOf(r, rq, &d); err != nil {
		return err
	}
	for i, k := range survey.Items {
		d.Items = append(d.Items, surveyFigureOf("survey.item."+k, res.Scores.Items[k], i < 6))
	}
	v := rq.view(r, "topics", "survey.campaign.title", d)
	v.Tab = "surveys"
	s.render(w, rq, status, "survey_campaign.html", v)
	return nil
}

func (s *server) surveyClose(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Survey.CloseCampaign(r.Context(), rq.P, id); errs.Code(err) == errs.ECONFLICT {
		return s.showSurvey(w, r, rq, http.StatusConflict, rq.ErrMsg(err), "")
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatInt(id, 10))
}

// surveySlipsPage is the sheet of survey slips to print and hand out.
type surveySlipsPage struct {
	Campaign survey.Campaign
	Slips    []surveySlip
}

// surveySlip is one slip: its link and QR code.
type surveySlip struct {
	N         int
	Path, URL string
	QR        template.URL
}

// surveyLinks makes n links and shows their slips at once: only hashes are kept.
func (s *server) surveyLinks(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	if err != nil {
		return s.showSurvey(w, r, rq, http.StatusUnprocessableEntity, "", rq.T("survey.links.bad_count"))
	}
	ts, err := s.Survey.MakeLinks(r.Context(), rq.P, id, n)
	if errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT {
		return s.showSurvey(w, r, rq, statusOf[errs.Code(err)], "", rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	c, err := s.Survey.GetCampaign(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := surveySlipsPage{Campaign: c}
	base := s.siteURL(r)
	for i, t := range ts {
		slip := surveySlip{N: i + 1, Path: "/survey/" + t, URL: base + "/survey/" + t}
		if len(ts) <= 500 { // QR codes for a sheet one prints; a longer list prints its links
			png, err := qrcode.Encode(slip.URL, qrcode.Medium, 192)
			if err != nil {
				return errs.Wrap(err, "qr code")
			}
			slip.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		}
		d.Slips = append(d.Slips, slip)
	}
	v := rq.view(r, "topics", "survey.slips.title", d)
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "survey_slips.html", v)
	return nil
}

// surveyScoresPage compares campaigns: a committee's periods, or a
// street's committees in one period.
type surveyScoresPage struct {
	Area, Period string
	Areas        []areaOption
	Rows         []surveyRow
	Export       string
	Error        string
}

func (s *server) surveyScores(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := surveyScoresPage{Area: q.Get("area"), Period: q.Get("period")}
	status := http.StatusOK
	rs, err := s.Survey.Compare(r.Context(), rq.P, survey.Filter{Area: d.Area, Period: d.Period})
	if errs.Code(err) == errs.EINVALID {
		d.Error, status = rq.ErrMsg(err), http.StatusBadRequest
	} else if err != nil {
		return err
	}
	for _, x := range rs {
		d.Rows = append(d.Rows, surveyRowOf(x))
	}
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	d.Export = "/survey-scores/export.xlsx?" + url.Values{"area": {d.Area}, "period": {d.Period}}.Encode()
	v := rq.view(r, "topics", "survey.scores.title", d)
	v.Tab = "surveys"
	s.render(w, rq, status, "survey_scores.html", v)
	return nil
}

func (s *server) surveyExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := s.Survey.Export(r.Context(), rq.P, survey.Filter{Area: q.Get("area"), Period: q.Get("period")}, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=surveys-"+s.Clock.Now().In(clock.Shanghai).Format("20060102")+".xlsx")
	_, err := buf.WriteTo(w)
	return err
}

// ---- The questionnaire, by a one-time link ----------------------------------

// surveyAnswerPage is the questionnaire on a phone, or why it cannot be
// answered, or the thanks after answering.
type surveyAnswerPage struct {
	Campaign survey.Public
	Action   string
	Answer   survey.Answer
	Error    string
	Done     bool
	Closed   bool
	Aware    []surveyQ
	Part     []surveyQ
	Sat      []surveyQ
}

// surveyQ is one question: its field name and catalog key, and the answer given.
type surveyQ struct {
	Name, Key string
	Yes       bool
	Value     int
}

func (d *surveyAnswerPage) questions() {
	a := d.Answer
	d.Aware = []surveyQ{{Name: "aware_members", Yes: a.AwareMembers}, {Name: "aware_office", Yes: a.AwareOffice}, {Name: "aware_work", Yes: a.AwareWork}}
	d.Part = []surveyQ{{Name: "part_activity", Yes: a.PartActivity}, {Name: "part_meeting", Yes: a.PartMeeting}, {Name: "part_vote", Yes: a.PartVote}}
	d.Sat = []surveyQ{{Name: "sat_service", Value: a.SatService}, {Name: "sat_response", Value: a.SatResponse}, {Name: "sat_living", Value: a.SatLiving}, {Name: "sat_overall", Value: a.SatOverall}}
	for _, qs := range [][]surveyQ{d.Aware, d.Part, d.Sat} {
		for i := range qs {
			qs[i].Key = "survey.item." + qs[i].Name
		}
	}
}

func (s *server) showSurveyAnswer(w http.ResponseWriter, r *http.Request, rq *request, status int, d surveyAnswerPage) error {
	d.questions()
	d.Closed = survey.CanAnswer(d.Campaign.Status, d.Campaign.OpensAt, d.Campaign.ClosesAt, s.Clock.Now()) != nil
	v := rq.view(r, "survey", "survey.answer.title", d)
	v.NoIndex = true
	s.render(w, rq, status, "survey_answer.html", v)
	return nil
}

func (s *server) surveyByLink(w http.ResponseWriter, r *http.Request, rq *request) error {
	token := r.PathValue("token")
	c, err := s.Survey.LinkCampaign(r.Context(), token)
	if err != nil {
		return err
	}
	return s.showSurveyAnswer(w, r, rq, http.StatusOK, surveyAnswerPage{Campaign: c, Action: "/survey/" + token})
}

// yesNo reads a yes/no radio: "1" is yes.
func yesNo(r *http.Request, name string) bool { return r.PostFormValue(name) == "1" }

// oneToFive reads a 1–5 radio; "" or junk is 0, which the service refuses.
func oneToFive(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.PostFormValue(name))
	return n
}

func (s *server) surveyAnswer(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) { // a signed-in browser's forms carry its token
		return errCSRF()
	}
	token := r.PathValue("token")
	c, err := s.Survey.LinkCampaign(r.Context(), token)
	if err != nil {
		return err
	}
	a := survey.Answer{AwareMembers: yesNo(r, "aware_members"), AwareOffice: yesNo(r, "aware_office"), AwareWork: yesNo(r, "aware_work"),
		PartActivity: yesNo(r, "part_activity"), PartMeeting: yesNo(r, "part_meeting"), PartVote: yesNo(r, "part_vote"),
		SatService: oneToFive(r, "sat_service"), SatResponse: oneToFive(r, "sat_response"), SatLiving: oneToFive(r, "sat_living"),
		SatOverall: oneToFive(r, "sat_overall"), Comment: r.PostFormValue("comment")}
	d := surveyAnswerPage{Campaign: c, Action: "/survey/" + token, Answer: a}
	err = s.Survey.AnswerLink(r.Context(), token, a)
	switch errs.Code(err) {
	case "":
		d.Done, d.Campaign.Used = true, true
		return s.showSurveyAnswer(w, r, rq, http.StatusOK, d)
	case errs.EINVALID, errs.ECONFLICT:
		d.Error = rq.ErrMsg(err)
		if errs.Code(err) == errs.ECONFLICT {
			d.Campaign.Used = c.Used || strings.Contains(err.Error(), "used")
		}
		status := http.StatusConflict
		if errs.Code(err) == errs.EINVALID {
			status = http.StatusUnprocessableEntity // the form again, with what to fix
		}
		return s.showSurveyAnswer(w, r, rq, status, d)
	}
	return err
}
