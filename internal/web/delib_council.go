package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
)

// ---- Councils and meetings (议事会), as staff keep them ------------------

// councilsPage lists the councils in scope with the form that sets one up.
type councilsPage struct {
	Area     string
	Areas    []areaOption
	Councils []delib.Council
	CanWrite bool
	New      councilForm
	Alert    string
}

// councilForm sets up a council; Members is one a line: name, phone, role.
type councilForm struct {
	Area, Name, Charter, TermFrom, TermTo, Members string
}

func (s *server) councilList(w http.ResponseWriter, r *http.Request, rq *request) error {
	now := s.Clock.Now()
	f := councilForm{Area: homeArea(rq.P, auth.DelibWrite), TermFrom: now.Format("2006-01-02"), TermTo: now.AddDate(3, 0, -1).Format("2006-01-02")}
	return s.showCouncils(w, r, rq, http.StatusOK, f, "")
}

func (s *server) showCouncils(w http.ResponseWriter, r *http.Request, rq *request, status int, f councilForm, alert string) error {
	d := councilsPage{Area: r.URL.Query().Get("area"), New: f, Alert: alert, CanWrite: auth.AuthorizeAny(rq.P, auth.DelibWrite) == nil}
	var err error
	if d.Councils, err = s.Councils.ListCouncils(r.Context(), rq.P, d.Area); err != nil {
		return err
	}
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, status, "delib_councils.html", rq.view(r, "topics", "council.list.title", d))
	return nil
}

// parseMembers reads "name, phone, role" lines; the role is 召集人 or convener, else a member.
func parseMembers(text string) []delib.MemberInput {
	var out []delib.MemberInput
	for _, line := range strings.Split(text, "\n") {
		fs := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '，' || r == '\t' || r == ' ' || r == '、' })
		if len(fs) == 0 {
			continue
		}
		m := delib.MemberInput{Name: fs[0], Role: delib.Member}
		for _, f := range fs[1:] {
			switch {
			case f == "召集人" || strings.EqualFold(f, delib.Convener):
				m.Role = delib.Convener
			case f == "成员" || strings.EqualFold(f, delib.Member):
			default:
				m.Phone = f
			}
		}
		out = append(out, m)
	}
	return out
}

func (s *server) councilCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := councilForm{Area: r.PostFormValue("area"), Name: r.PostFormValue("name"), Charter: r.PostFormValue("charter"),
		TermFrom: r.PostFormValue("term_from"), TermTo: r.PostFormValue("term_to"), Members: r.PostFormValue("members")}
	c, err := s.Councils.CreateCouncil(r.Context(), rq.P, delib.CouncilInput{Area: f.Area, Name: f.Name, Charter: f.Charter,
		TermFrom: f.TermFrom, TermTo: f.TermTo, Members: parseMembers(f.Members)})
	if code := errs.Code(err); code == errs.EINVALID || code == errs.EFORBIDDEN {
		return s.showCouncils(w, r, rq, statusOf[code], f, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/councils/"+strconv.FormatInt(c.ID, 10))
}

// councilView is a council's page: members, meetings, and the forms.
type councilView struct {
	Council  delib.Council
	CanWrite bool
	Alert    string
	Member   delib.MemberInput
	Meeting  meetingForm
	Roles    []string
}

type meetingForm struct{ Title, StartsAt, Place string }

func (s *server) councilPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCouncil(w, r, rq, http.StatusOK, councilView{})
}

func (s *server) showCouncil(w http.ResponseWriter, r *http.Request, rq *request, status int, d councilView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if d.Council, err = s.Councils.GetCouncil(r.Context(), rq.P, id); err != nil {
		return err
	}
	d.CanWrite, d.Roles = auth.Authorize(rq.P, auth.DelibWrite, d.Council.AreaPath) == nil, delib.MemberRoles
	s.render(w, rq, status, "delib_council.html", rq.view(r, "topics", "council.title", d))
	return nil
}

func (s *server) councilMember(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m := delib.MemberInput{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Role: r.PostFormValue("role")}
	if _, err := s.Councils.AddMember(r.Context(), rq.P, id, m); errs.Code(err) == errs.EINVALID {
		return s.showCouncil(w, r, rq, http.StatusUnprocessableEntity, councilView{Alert: rq.ErrMsg(err), Member: m})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/councils/"+strconv.FormatInt(id, 10))
}

func (s *server) councilMeeting(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := meetingForm{Title: r.PostFormValue("title"), StartsAt: r.PostFormValue("starts_at"), Place: r.PostFormValue("place")}
	in := delib.MeetingInput{Title: f.Title, Place: f.Place}
	var m delib.Meeting
	if at, ok := parseLocal(f.StartsAt); ok {
		in.StartsAt = at
		m, err = s.Councils.CreateMeeting(r.Context(), rq.P, id, in)
	} else {
		err = errs.Invalid("starts_at", "give the time the meeting starts")
	}
	if errs.Code(err) == errs.EINVALID {
		return s.showCouncil(w, r, rq, http.StatusUnprocessableEntity, councilView{Alert: rq.ErrMsg(err), Meeting: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/meetings/"+strconv.FormatInt(m.ID, 10))
}

// meetingView is a meeting's page: agenda, record, decisions and what they became.
type meetingView struct {
	Meeting    delib.Meeting
	Council    delib.Council
	CanWrite   bool
	Alert      string
	Candidates []delib.Topic // topics of the area that may go on the agenda
	Present    map[int64]bool
	Categories []demand.Category
	Domains    []string
	Done       string
}

func (s *server) meetingPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showMeeting(w, r, rq, http.StatusOK, "", id)
}

func (s *server) showMeeting(w http.ResponseWriter, r *http.Request, rq *request, status int, alert string, id int64) error {
	var err error
	d := meetingView{Alert: alert, Present: map[int64]bool{}, Done: r.URL.Query().Get("done"), Domains: lists.Domains}
	if d.Meeting, err = s.Councils.GetMeeting(r.Context(), rq.P, id); err != nil {
		return err
	}
	if d.Council, err = s.Councils.GetCouncil(r.Context(), rq.P, d.Meeting.CouncilID); err != nil {
		return err
	}
	for _, m := range d.Meeting.Present {
		d.Present[m.ID] = true
	}
	d.CanWrite = auth.Authorize(rq.P, auth.DelibWrite, d.Meeting.AreaPath) == nil
	if d.CanWrite {
		on := map[int64]bool{}
		for _, t := range d.Meeting.Agenda {
			on[t.ID] = true
		}
		l, err := s.Delib.ListTopics(r.Context(), rq.P, delib.TopicFilter{Area: d.Council.Area, PerPage: 100})
		if err != nil {
			return err
		}
		for _, t := range l.Items {
			if !on[t.ID] && (t.Status == delib.TopicOpen || t.Status == delib.TopicAgenda) {
				d.Candidates = append(d.Candidates, t)
			}
		}
		if s.Demand != nil {
			if d.Categories, err = s.Demand.Categories(r.Context(), true); err != nil {
				return err
			}
		}
	}
	s.render(w, rq, status, "delib_meeting.html", rq.view(r, "topics", "meeting.title", d))
	return nil
}

// meetingDo runs a meeting form; a refusal shows the meeting again with why.
func (s *server) meetingDo(w http.ResponseWriter, r *http.Request, rq *request, meeting int64, done string, err error) error {
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/meetings/"+strconv.FormatInt(meeting, 10)+"?done="+done)
	case errs.EINVALID, errs.ECONFLICT, errs.EFORBIDDEN:
		return s.showMeeting(w, r, rq, statusOf[code], rq.ErrMsg(err), meeting)
	}
	return err
}

func (s *server) meetingAgenda(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	topic, perr := strconv.ParseInt(r.PostFormValue("topic_id"), 10, 64)
	if perr != nil {
		err = errs.Invalid("topic_id", "choose a topic of the council's area")
	} else {
		_, err = s.Councils.AddToAgenda(r.Context(), rq.P, id, topic)
	}
	return s.meetingDo(w, r, rq, id, "agenda", err)
}

func (s *server) meetingRecord(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := delib.RecordInput{Minutes: r.PostFormValue("minutes")}
	a, aerr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("attendance")))
	for _, v := range r.PostForm["present"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.Present = append(in.Present, n)
		}
	}
	if in.Attendance = a; aerr != nil {
		err = errs.Invalid("attendance", "the attendance is a number of people, 0 or more")
	} else {
		_, err = s.Councils.RecordMeeting(r.Context(), rq.P, id, in)
	}
	return s.meetingDo(w, r, rq, id, "record", err)
}

func (s *server) meetingDecision(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := delib.DecisionInput{Text: r.PostFormValue("text"), Owner: r.PostFormValue("owner"), DueOn: r.PostFormValue("due_on")}
	if t, err := strconv.ParseInt(r.PostFormValue("topic_id"), 10, 64); err == nil {
		in.TopicID = &t
	}
	_, err = s.Councils.AddDecision(r.Context(), rq.P, id, in)
	return s.meetingDo(w, r, rq, id, "decision", err)
}

// decisionTo serves the forms that make a decision a project, a demand or a rule.
func (s *server) decisionTo(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		meeting, err := strconv.ParseInt(r.PostFormValue("meeting"), 10, 64)
		if err != nil {
			return errs.New(errs.ENOTFOUND, "not found")
		}
		switch kind {
		case "project":
			_, err = s.Councils.ToProject(r.Context(), rq.P, id, r.PostFormValue("domain"))
		case "demand":
			_, err = s.Councils.ToDemand(r.Context(), rq.P, id, r.PostFormValue("category"))
		default:
			_, err = s.Councils.ToRule(r.Context(), rq.P, id, delib.RuleInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
		}
		return s.meetingDo(w, r, rq, meeting, kind, err)
	}
}

// ---- The area's public page ------------------------------------------------

func (s *server) areaPublic(w http.ResponseWriter, r *http.Request, rq *request) error {
	pg, err := s.Councils.AreaPage(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	v := rq.view(r, "delib", "area_public.title", pg)
	v.Title = pg.Area.Name + " · " + v.Title
	s.render(w, rq, http.StatusOK, "area_public.html", v)
	return nil
}
