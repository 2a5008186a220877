package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
)

// ---- Votes, as staff see them -------------------------------------------

// votesPage lists the votes in scope with the form that calls one.
type votesPage struct {
	Area, Status string
	Areas        []areaOption
	Votes        []delib.Vote
	Pager        pager
	CanWrite     bool
	New          voteForm
	Statuses     []string
}

// voteForm calls a vote.
type voteForm struct {
	Area, Question, Description, Choices string
	OpensAt, ClosesAt                    string
	Residents, PerHousehold              bool
	Quorum, Threshold                    string
	TopicID                              string
	TopicTitle                           string
	Errors                               map[string]string
	General                              []string
}

func (s *server) voteList(w http.ResponseWriter, r *http.Request, rq *request) error {
	now := s.Clock.Now()
	form := voteForm{Choices: rq.T("delib.vote.default_choices"), OpensAt: dtLocal(now.Add(time.Hour).Truncate(time.Hour)),
		ClosesAt: dtLocal(now.Add(7 * 24 * time.Hour).Truncate(time.Hour)), Residents: true, Threshold: "50", Quorum: "0",
		Area: homeArea(rq.P, auth.DelibWrite)}
	if id := r.URL.Query().Get("topic"); id != "" {
		if tid, err := strconv.ParseInt(id, 10, 64); err == nil {
			if t, err := s.Delib.GetTopic(r.Context(), rq.P, tid); err == nil {
				form.TopicID, form.TopicTitle, form.Area, form.Question = id, t.Title, t.Area, t.Title
			}
		}
	}
	return s.showVotes(w, r, rq, http.StatusOK, form)
}

func (s *server) showVotes(w http.ResponseWriter, r *http.Request, rq *request, status int, form voteForm) error {
	q := r.URL.Query()
	d := votesPage{Area: q.Get("area"), Status: q.Get("status"), New: form, CanWrite: auth.AuthorizeAny(rq.P, auth.DelibWrite) == nil, Statuses: delib.VoteStatuses}
	page := pageParam(r)
	l, err := s.Delib.ListVotes(r.Context(), rq.P, delib.VoteFilter{Area: d.Area, Status: d.Status, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Votes, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, status, "delib_votes.html", rq.view(r, "topics", "delib.votes.title", d))
	return nil
}

func (s *server) voteCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := voteForm{Area: r.PostFormValue("area"), Question: r.PostFormValue("question"), Description: r.PostFormValue("description"),
		Choices: r.PostFormValue("choices"), OpensAt: r.PostFormValue("opens_at"), ClosesAt: r.PostFormValue("closes_at"),
		Residents: r.PostFormValue("residents") != "", PerHousehold: r.PostFormValue("per_household") != "",
		Quorum: r.PostFormValue("quorum"), Threshold: r.PostFormValue("threshold_pct"), TopicID: r.PostFormValue("topic_id")}
	in := delib.VoteInput{Area: f.Area, Question: f.Question, Description: f.Description, Choices: strings.Split(f.Choices, "\n"),
		Residents: f.Residents, PerHousehold: f.PerHousehold}
	var details []errs.Detail
	var ok bool
	if in.OpensAt, ok = parseLocal(f.OpensAt); !ok {
		details = append(details, errs.D("opens_at", "give the time the vote opens"))
	}
	if in.ClosesAt, ok = parseLocal(f.ClosesAt); !ok {
		details = append(details, errs.D("closes_at", "give the time the vote closes"))
	}
	var err error
	if in.Quorum, err = strconv.Atoi(strings.TrimSpace(f.Quorum)); err != nil && strings.TrimSpace(f.Quorum) != "" {
		details = append(details, errs.D("quorum", "the quorum is a whole number of ballots"))
	}
	if in.ThresholdPct, err = strconv.Atoi(strings.TrimSpace(f.Threshold)); err != nil {
		details = append(details, errs.D("threshold_pct", "the pass threshold is a percentage from 1 to 100"))
	}
	if f.TopicID != "" {
		if id, err := strconv.ParseInt(f.TopicID, 10, 64); err == nil {
			in.TopicID = &id
		}
	}
	var v delib.Vote
	if len(details) > 0 {
		err = errs.Fields(details)
	} else {
		v, err = s.Delib.CreateVote(r.Context(), rq.P, in)
	}
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "area", "question", "description", "choices", "opens_at", "closes_at", "quorum", "threshold_pct")
		return s.showVotes(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/votes/"+strconv.FormatInt(v.ID, 10))
}

// voteView is one vote's staff page: figures, buttons, the link form.
type voteView struct {
	Vote      delib.Vote
	CanManage bool
	CanVote   bool
	Alert     string
	Done      string
	LinkError string
	MaxLinks  int
}

func (s *server) votePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showVote(w, r, rq, http.StatusOK, "", "")
}

func (s *server) showVote(w http.ResponseWriter, r *http.Request, rq *request, status int, alert, linkErr string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Delib.GetVote(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	if auth.Authorize(rq.P, auth.DelibRead, v.AreaPath) != nil {
		// A resident follows the vote on the ballot page.
		return redirect(w, r, "/votes/"+strconv.FormatInt(id, 10)+"/ballot")
	}
	d := voteView{Vote: v, CanManage: delib.CanManage(rq.P, v), CanVote: delib.CanVoteSignedIn(rq.P, v), Alert: alert, LinkError: linkErr,
		Done: r.URL.Query().Get("done"), MaxLinks: delib.MaxLinks}
	s.render(w, rq, status, "delib_vote.html", rq.view(r, "topics", "delib.vote.title", d))
	return nil
}

// voteMove serves the open, close and cancel buttons.
func (s *server) voteMove(action string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		do := map[string]func(context.Context, *auth.Principal, int64) (delib.Vote, error){
			"open": s.Delib.OpenVote, "close": s.Delib.CloseVote, "cancel": s.Delib.CancelVote}[action]
		if _, err := do(r.Context(), rq.P, id); errs.Code(err) == errs.ECONFLICT {
			return s.showVote(w, r, rq, http.StatusConflict, rq.ErrMsg(err), "")
		} else if err != nil {
			return err
		}
		return redirect(w, r, "/votes/"+strconv.FormatInt(id, 10)+"?done="+action)
	}
}

// slipsPage is the sheet of ballot slips to print and hand out.
type slipsPage struct {
	Vote  delib.Vote
	Slips []ballotSlip
}

// ballotSlip is one household's slip: its label, link and QR code.
type ballotSlip struct {
	Household string
	Path, URL string
	QR        template.URL
}

// voteLinks makes ballot links from a typed list, an uploaded file or a
// count, and shows their slips at once: only hashes are kept.
func (s *server) voteLinks(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.MaxUploadBytes+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil && err != http.ErrNotMultipart {
		return tooLargeOr(err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	in := delib.LinksInput{Households: strings.Split(r.PostFormValue("households"), "\n")}
	if c := strings.TrimSpace(r.PostFormValue("count")); c != "" {
		if in.Count, err = strconv.Atoi(c); err != nil || in.Count < 0 {
			return s.showVote(w, r, rq, http.StatusUnprocessableEntity, "", rq.T("delib.links.bad_count"))
		}
	}
	if file, hdr, err := r.FormFile("file"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, s.MaxUploadBytes+1))
		file.Close()
		if err != nil {
			return err
		}
		hh, err := delib.ReadHouseholds(hdr.Filename, data)
		if err != nil {
			return s.showVote(w, r, rq, http.StatusUnprocessableEntity, "", rq.ErrMsg(err))
		}
		in.Households = append(in.Households, hh...)
	}
	links, err := s.Delib.MakeLinks(r.Context(), rq.P, id, in)
	if errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT {
		return s.showVote(w, r, rq, http.StatusUnprocessableEntity, "", rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	v, err := s.Delib.GetVote(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := slipsPage{Vote: v}
	base := s.siteURL(r)
	for _, l := range links {
		slip := ballotSlip{Household: l.Household, Path: "/ballot/" + l.Token, URL: base + "/ballot/" + l.Token}
		if len(links) <= 500 { // QR codes for a sheet one prints; a longer list prints its links
			png, err := qrcode.Encode(slip.URL, qrcode.Medium, 192)
			if err != nil {
				return errs.Wrap(err, "qr code")
			}
			slip.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
		}
		d.Slips = append(d.Slips, slip)
	}
	s.render(w, rq, http.StatusOK, "delib_slips.html", rq.view(r, "topics", "delib.slips.title", d))
	return nil
}

// ---- Ballots: signed in, or by a one-time link -----------------------------

// ballotPage is a vote on a phone: its question and choices, or why one
// cannot vote; the receipt after voting.
type ballotPage struct {
	Vote      delib.Vote
	Action    string // where the form posts
	CanVote   bool
	Voted     bool // signed in and voted already, or the link was used
	Household bool // ask for the household (signed in, one per household)
	HouseVal  string
	Error     string
	Receipt   string
	Now       time.Time
}

func (s *server) ballotSignedIn(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Delib.GetVote(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	voted, err := s.Delib.HasVoted(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := ballotPage{Vote: v, Action: "/votes/" + strconv.FormatInt(id, 10) + "/ballot", CanVote: delib.CanVoteSignedIn(rq.P, v), Voted: voted,
		Household: v.PerHousehold, Now: s.Clock.Now()}
	return s.showBallot(w, r, rq, http.StatusOK, d)
}

func (s *server) showBallot(w http.ResponseWriter, r *http.Request, rq *request, status int, d ballotPage) error {
	v := rq.view(r, "delib", "delib.ballot.title", d)
	v.NoIndex = true
	page := "delib_ballot.html"
	if d.Receipt != "" {
		page = "delib_receipt.html"
	}
	s.render(w, rq, status, page, v)
	return nil
}

// choiceOf reads the chosen index; "" or junk is -1, which the service refuses.
func choiceOf(r *http.Request) int {
	n, err := strconv.Atoi(r.PostFormValue("choice"))
	if err != nil {
		return -1
	}
	return n
}

func (s *server) castSignedIn(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	house := r.PostFormValue("household")
	receipt, err := s.Delib.Cast(r.Context(), rq.P, id, delib.Cast{Choice: choiceOf(r), Household: house})
	v, verr := s.Delib.GetVote(r.Context(), rq.P, id)
	if verr != nil {
		return verr
	}
	d := ballotPage{Vote: v, Action: "/votes/" + strconv.FormatInt(id, 10) + "/ballot", CanVote: delib.CanVoteSignedIn(rq.P, v),
		Household: v.PerHousehold, HouseVal: house, Now: s.Clock.Now()}
	switch errs.Code(err) {
	case "":
		d.Receipt = receipt
		return s.showBallot(w, r, rq, http.StatusOK, d)
	case errs.EINVALID, errs.ECONFLICT, errs.EFORBIDDEN:
		d.Error = rq.ErrMsg(err)
		return s.showBallot(w, r, rq, statusOf[errs.Code(err)], d)
	}
	return err
}

func (s *server) ballotByLink(w http.ResponseWriter, r *http.Request, rq *request) error {
	token := r.PathValue("token")
	v, used, err := s.Delib.LinkVote(r.Context(), token)
	if err != nil {
		return err
	}
	return s.showBallot(w, r, rq, http.StatusOK, ballotPage{Vote: v, Action: "/ballot/" + token, CanVote: true, Voted: used, Now: s.Clock.Now()})
}

func (s *server) castByLink(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) { // a signed-in browser's forms carry its token
		return errCSRF()
	}
	token := r.PathValue("token")
	v, _, err := s.Delib.LinkVote(r.Context(), token)
	if err != nil {
		return err
	}
	receipt, err := s.Delib.CastLink(r.Context(), token, choiceOf(r))
	d := ballotPage{Vote: v, Action: "/ballot/" + token, CanVote: true, Now: s.Clock.Now()}
	switch errs.Code(err) {
	case "":
		d.Receipt = receipt
		return s.showBallot(w, r, rq, http.StatusOK, d)
	case errs.EINVALID, errs.ECONFLICT:
		d.Error = rq.ErrMsg(err)
		return s.showBallot(w, r, rq, statusOf[errs.Code(err)], d)
	}
	return err
}

// ---- The public result ----------------------------------------------------

// resultPage is a vote's public page: its result and receipts once closed,
// and the box where a voter finds their receipt.
type resultPage struct {
	Vote     delib.Vote
	Receipts delib.Receipts
	Rows     []tallyRow
	Query    string
	Found    *delib.Receipt
	Searched bool
}

// tallyRow is one choice of the result with its share.
type tallyRow struct {
	Choice string
	Count  int
	Pct    int
	Winner bool
}

func (s *server) voteResult(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.Delib.PublicVote(r.Context(), id)
	if err != nil {
		return err
	}
	// The find box posts the receipt, so the address a proxy logs with the
	// voter's IP never carries it; a link with ?receipt= still works.
	r.Body = http.MaxBytesReader(w, r.Body, rateBodyLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	d := resultPage{Vote: v, Query: strings.TrimSpace(r.FormValue("receipt"))}
	if v.Status == delib.Closed && v.Result != nil {
		if d.Receipts, err = s.Delib.PublishedReceipts(r.Context(), id); err != nil {
			return err
		}
		for _, c := range v.Choices {
			row := tallyRow{Choice: c, Count: v.Result.Tally[c], Winner: c == v.Result.Winner}
			if v.Result.Ballots > 0 {
				row.Pct = (row.Count*100 + v.Result.Ballots/2) / v.Result.Ballots
			}
			d.Rows = append(d.Rows, row)
		}
		if d.Query != "" {
			d.Searched = true
			if rc, ok, err := s.Delib.FindReceipt(r.Context(), id, d.Query); err != nil {
				return err
			} else if ok {
				d.Found = &rc
			}
		}
	}
	view := rq.view(r, "delib", "delib.result.title", d)
	s.render(w, rq, http.StatusOK, "delib_result.html", view)
	return nil
}

// voteReceiptsCSV serves a closed vote's receipts as CSV for a spreadsheet
// recount (the JSON is at /api/v1/votes/{id}/receipts).
func (s *server) voteReceiptsCSV(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rs, err := s.Delib.PublishedReceipts(r.Context(), id)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbfreceipt,choice\n")
	for _, it := range rs.Items {
		b.WriteString(it.Receipt + "," + csvCell(it.Choice) + "\n")
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", "attachment; filename=vote-"+strconv.FormatInt(id, 10)+"-receipts.csv")
	_, err = w.Write(b.Bytes())
	return err
}

// csvCell quotes a cell for CSV and keeps a spreadsheet from reading it as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// ---- Topics -----------------------------------------------------------------

// delibHome is a resident's phone page (议事): the votes they may take
// part in, the topics of their area, and the form that raises one.
type delibHome struct {
	Votes  []delib.Vote
	Topics []delib.Topic
	Areas  []areaOption // where p raises topics: the areas of its resident grants
	New    topicForm
	Now    time.Time
}

// topicForm raises a topic.
type topicForm struct {
	Area, Title, Body string
	Demands           string // staff: numbers of the demands the topic is made from
	Errors            map[string]string
	General           []string
}

func (s *server) delibHomePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showDelibHome(w, r, rq, http.StatusOK, topicForm{})
}

func (s *server) showDelibHome(w http.ResponseWriter, r *http.Request, rq *request, status int, form topicForm) error {
	if err := auth.AuthorizeAny(rq.P, auth.DelibJoin); err != nil {
		if auth.AuthorizeAny(rq.P, auth.DelibRead) == nil {
			return redirect(w, r, "/topics")
		}
		return err
	}
	d := delibHome{New: form, Now: s.Clock.Now()}
	var err error
	if d.Votes, err = s.Delib.VotesFor(r.Context(), rq.P); err != nil {
		return err
	}
	l, err := s.Delib.ListTopics(r.Context(), rq.P, delib.TopicFilter{PerPage: 100})
	if err != nil {
		return err
	}
	d.Topics = l.Items
	for _, g := range rq.P.Grants {
		if g.Role.Can(auth.DelibJoin) {
			d.Areas = append(d.Areas, areaOption{Code: g.AreaCode, Name: s.areaName(r.Context(), rq.Lang, g.AreaCode)})
		}
	}
	if d.New.Area == "" && len(d.Areas) > 0 {
		d.New.Area = d.Areas[0].Code
	}
	v := rq.view(r, "delib", "delib.home.title", d)
	s.render(w, rq, status, "delib_home.html", v)
	return nil
}

// topicsPage is the staff's list of topics by status, with the area's
// settings and the form that raises one.
type topicsPage struct {
	Q, Area, Status string
	Overdue         bool
	Escalated       bool // only overdue topics sent up to the caller's areas
	Areas           []areaOption
	Topics          []delib.Topic
	Pager           pager
	Statuses        []string
	CanWrite        bool
	New             topicForm
	Settings        delib.Settings
	SetErrors       map[string]string
	SetGeneral      []string
	Done            string
	ExportURL       string // the list as XLSX, with its filters
}

func (s *server) topicList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showTopics(w, r, rq, http.StatusOK, topicForm{Area: homeArea(rq.P, auth.DelibWrite)}, nil)
}

func (s *server) showTopics(w http.ResponseWriter, r *http.Request, rq *request, status int, form topicForm, setErr error) error {
	if auth.AuthorizeAny(rq.P, auth.DelibRead) != nil && auth.AuthorizeAny(rq.P, auth.DelibJoin) == nil {
		return redirect(w, r, "/delib")
	}
	q := r.URL.Query()
	d := topicsPage{Q: q.Get("q"), Area: q.Get("area"), Status: q.Get("status"), Overdue: q.Get("overdue") != "", Escalated: q.Get("escalated") != "", Statuses: delib.TopicStatuses, New: form,
		CanWrite: auth.AuthorizeAny(rq.P, auth.DelibWrite) == nil, Done: q.Get("done")}
	d.ExportURL = withQuery("/topics/export.xlsx", url.Values{"q": {d.Q}, "area": {d.Area}, "status": {d.Status}, "overdue": {q.Get("overdue")},
		"escalated": {q.Get("escalated")}})
	page := pageParam(r)
	l, err := s.Delib.ListTopics(r.Context(), rq.P, delib.TopicFilter{Q: d.Q, Area: d.Area, Status: d.Status, Overdue: d.Overdue,
		Escalated: d.Escalated && auth.AuthorizeAny(rq.P, auth.DelibRead) == nil, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Topics, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	if code := firstNonEmpty(d.Area, homeArea(rq.P, auth.DelibWrite)); code != "" {
		if d.Settings, err = s.Delib.Settings(r.Context(), code); err != nil {
			return err
		}
	}
	if setErr != nil {
		d.SetErrors, d.SetGeneral = rq.fieldErrors(setErr, "support_threshold", "answer_days", "area", "civility")
	}
	s.render(w, rq, status, "delib_topics.html", rq.view(r, "topics", "delib.topics.title", d))
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// topicExport downloads the listed topics as XLSX; built whole first, so
// an error is still an error page.
func (s *server) topicExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	f := delib.TopicFilter{Q: q.Get("q"), Area: q.Get("area"), Status: q.Get("status"), Overdue: q.Get("overdue") != "", Escalated: q.Get("escalated") != ""}
	if err := s.Delib.ExportTopics(r.Context(), rq.P, f, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="topics-`+s.Clock.Now().In(clock.Shanghai).Format("20060102")+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w)
	return nil
}

func (s *server) topicRaise(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := topicForm{Area: r.PostFormValue("area"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Demands: r.PostFormValue("demand_ids")}
	ids, err := demandNumbers(f.Demands)
	var t delib.Topic
	if err == nil {
		t, err = s.Delib.RaiseTopic(r.Context(), rq.P, delib.TopicInput{Area: f.Area, Title: f.Title, Body: f.Body, Demands: ids})
	}
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "area", "title", "body", "demand_ids")
		if r.PostFormValue("from") == "home" {
			return s.showDelibHome(w, r, rq, http.StatusUnprocessableEntity, f)
		}
		return s.showTopics(w, r, rq, http.StatusUnprocessableEntity, f, nil)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/topics/"+strconv.FormatInt(t.ID, 10))
}

func (s *server) topicSettings(w http.ResponseWriter, r *http.Request, rq *request) error {
	n := func(name string) int { v, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name))); return v }
	area := r.PostFormValue("area")
	_, err := s.Delib.SetSettings(r.Context(), rq.P, delib.Settings{Area: area, SupportThreshold: n("support_threshold"), AnswerDays: n("answer_days"),
		Civility: r.PostFormValue("civility")})
	if errs.Code(err) == errs.EINVALID {
		return s.showTopics(w, r, rq, http.StatusUnprocessableEntity, topicForm{Area: area}, err)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/topics?area="+area+"&done=settings")
}

// topicView is one topic's page: its text, history, the support button
// for residents and the answer form for staff.
type topicView struct {
	Topic      delib.Topic
	Supported  bool
	CanSupport bool
	CanAnswer  bool
	Alert      string
	Errors     map[string]string
	General    []string
	Text       string
	Comments   commentsView // the thread and its forms (delib_comments.go)
}

func (s *server) topicPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showTopic(w, r, rq, http.StatusOK, topicView{})
}

func (s *server) showTopic(w http.ResponseWriter, r *http.Request, rq *request, status int, d topicView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showTopicID(w, r, rq, status, id, d)
}

// showTopicID shows topic id's page (a comment's forms name their topic).
func (s *server) showTopicID(w http.ResponseWriter, r *http.Request, rq *request, status int, id int64, d topicView) error {
	var err error
	if d.Topic, err = s.Delib.GetTopic(r.Context(), rq.P, id); err != nil {
		return err
	}
	if d.Supported, err = s.Delib.Supported(r.Context(), rq.P, id); err != nil {
		return err
	}
	d.CanSupport, d.CanAnswer = delib.CanSupport(rq.P, d.Topic) && !d.Supported, delib.CanAnswer(rq.P, d.Topic)
	if err := s.fillComments(r, rq, &d); err != nil {
		return err
	}
	section := "topics"
	if auth.AuthorizeAny(rq.P, auth.DelibRead) != nil {
		section = "delib"
	}
	s.render(w, rq, status, "delib_topic.html", rq.view(r, section, "delib.topic.title", d))
	return nil
}

func (s *server) topicSupport(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Delib.Support(r.Context(), rq.P, id); errs.Code(err) == errs.ECONFLICT || errs.Code(err) == errs.EFORBIDDEN {
		return s.showTopic(w, r, rq, statusOf[errs.Code(err)], topicView{Alert: rq.ErrMsg(err)})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/topics/"+strconv.FormatInt(id, 10))
}

// topicDecide serves the answer and close forms.
func (s *server) topicDecide(answer bool) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		text := r.PostFormValue("text")
		do := s.Delib.CloseTopic
		if answer {
			do = s.Delib.AnswerTopic
		}
		_, err = do(r.Context(), rq.P, id, text)
		switch errs.Code(err) {
		case "":
			return redirect(w, r, "/topics/"+strconv.FormatInt(id, 10))
		case errs.EINVALID:
			d := topicView{Text: text}
			d.Errors, d.General = rq.fieldErrors(err, "answer", "reason")
			if msg := d.Errors["reason"]; msg != "" {
				d.Errors["answer"] = msg
			}
			return s.showTopic(w, r, rq, http.StatusUnprocessableEntity, d)
		case errs.ECONFLICT:
			return s.showTopic(w, r, rq, http.StatusConflict, topicView{Alert: rq.ErrMsg(err)})
		}
		return err
	}
}
