package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
)

// councilList answers a list of councils.
type councilList struct {
	Items []delib.Council `json:"items"`
	Total int             `json:"total"`
}

// agendaBody puts a topic on a meeting's agenda.
type agendaBody struct {
	TopicID int64 `json:"topic_id"`
}

// projectBody makes a decision a service project.
type projectBody struct {
	Domain string `json:"domain,omitempty"`
}

// demandBody files a decision as a demand.
type demandBody struct {
	Category string `json:"category"`
}

// councilRoutes are the councils' and meetings' endpoints (议事会) and an
// area's public deliberation page.
func councilRoutes() []route {
	write := []int{400, 403, 404, 409, 413}
	return []route{
		{Route{Method: "GET", Path: "/councils", Op: Op{ID: "listCouncils", Tag: "delib",
			Summary: "Councils (议事会) in the caller's scope (delib.read), with their members (phones masked).",
			Params:  []Param{{Name: "area", Desc: "Only councils in this area's subtree (unknown: 400)."}},
			Resps:   []Resp{{Status: 200, Desc: "The councils.", Type: typeOf[councilList]()}},
			Errs:    []int{400, 403}}}, (*server).listCouncils},
		{Route{Method: "POST", Path: "/councils", Op: Op{ID: "createCouncil", Tag: "delib",
			Summary: "Set up a council in an area (delib.write there): name, charter, term and members (convener or member).",
			Body:    &Body{Type: typeOf[delib.CouncilInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The council.", Type: typeOf[delib.Council](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createCouncil},
		{Route{Method: "GET", Path: "/councils/{id}", Op: Op{ID: "getCouncil", Tag: "delib",
			Summary: "One council with its members (phones masked) and meetings (delib.read on its area); outside scope it is not found.",
			Resps:   []Resp{{Status: 200, Desc: "The council.", Type: typeOf[delib.Council]()}},
			Errs:    []int{404}}}, (*server).getCouncil},
		{Route{Method: "POST", Path: "/councils/{id}/members", Op: Op{ID: "addCouncilMember", Tag: "delib",
			Summary: "Add a member to a council (delib.write on its area).",
			Body:    &Body{Type: typeOf[delib.MemberInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The council with its members.", Type: typeOf[delib.Council]()}},
			Errs:    write}}, (*server).addCouncilMember},
		{Route{Method: "POST", Path: "/councils/{id}/meetings", Op: Op{ID: "createMeeting", Tag: "delib",
			Summary: "Schedule a meeting of a council (delib.write): title, time and place.",
			Body:    &Body{Type: typeOf[delib.MeetingInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The meeting.", Type: typeOf[delib.Meeting](), Location: true}},
			Errs:    write}}, (*server).createMeeting},
		{Route{Method: "GET", Path: "/meetings/{id}", Op: Op{ID: "getMeeting", Tag: "delib",
			Summary: "One meeting: agenda, attendance with the members present, minutes and decisions with what each became (delib.read).",
			Resps:   []Resp{{Status: 200, Desc: "The meeting.", Type: typeOf[delib.Meeting]()}},
			Errs:    []int{404}}}, (*server).getMeeting},
		{Route{Method: "POST", Path: "/meetings/{id}/agenda", Op: Op{ID: "addToAgenda", Tag: "delib",
			Summary: "Put a topic of the council's area on the meeting's agenda (delib.write). An open topic moves to the agenda; its public history names the meeting. Twice, or an answered topic: 409.",
			Body:    &Body{Type: typeOf[agendaBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The meeting.", Type: typeOf[delib.Meeting]()}},
			Errs:    write}}, (*server).addToAgenda},
		{Route{Method: "PUT", Path: "/meetings/{id}/record", Op: Op{ID: "recordMeeting", Tag: "delib",
			Summary: "Write the meeting's attendance (people in all, and the council members present) and minutes (delib.write).",
			Body:    &Body{Type: typeOf[delib.RecordInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The meeting.", Type: typeOf[delib.Meeting]()}},
			Errs:    write}}, (*server).recordMeeting},
		{Route{Method: "POST", Path: "/meetings/{id}/decisions", Op: Op{ID: "addDecision", Tag: "delib",
			Summary: "Record a decision with its follow-up owner and date (delib.write); topic_id, if given, must be on the agenda.",
			Body:    &Body{Type: typeOf[delib.DecisionInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The decision.", Type: typeOf[delib.Decision]()}},
			Errs:    write}}, (*server).addDecision},
		{Route{Method: "POST", Path: "/decisions/{id}/project", Op: Op{ID: "decisionToProject", Tag: "delib",
			Summary: "Make a decision a service project in the council's area, led by its follow-up owner (delib.write and lists.write); the link is kept. Once only: 409.",
			Body:    &Body{Type: typeOf[projectBody](), Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The decision with its project_id.", Type: typeOf[delib.Decision]()}},
			Errs:    write}}, (*server).decisionToProject},
		{Route{Method: "POST", Path: "/decisions/{id}/demand", Op: Op{ID: "decisionToDemand", Tag: "delib",
			Summary: "File a decision as a demand for a body to act (channel meeting), in a category; the link is kept. Once only: 409.",
			Body:    &Body{Type: typeOf[demandBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The decision with its demand_id.", Type: typeOf[delib.Decision]()}},
			Errs:    write}}, (*server).decisionToDemand},
		{Route{Method: "POST", Path: "/decisions/{id}/rule", Op: Op{ID: "decisionToRule", Tag: "delib",
			Summary: "Publish a decision as a self-governance rule (自治公约) on the area's public page (delib.write). Once only: 409.",
			Body:    &Body{Type: typeOf[delib.RuleInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The decision with its rule_id.", Type: typeOf[delib.Decision]()}},
			Errs:    write}}, (*server).decisionToRule},
		{Route{Method: "GET", Path: "/area-pages/{code}", Public: true, Op: Op{ID: "areaPage", Tag: "delib",
			Summary: "An area's public deliberation page, no token: topics with status and reasons, upcoming and past meetings with decisions, closed votes, self-governance rules. No personal data.",
			Params:  []Param{{Name: "code", In: "path", Desc: "Area code."}},
			Resps:   []Resp{{Status: 200, Desc: "The page.", Type: typeOf[delib.AreaPage]()}},
			Errs:    []int{404}}}, (*server).areaPage},
	}
}

func (s *server) listCouncils(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	l, err := s.Councils.ListCouncils(r.Context(), p, r.URL.Query().Get("area"))
	if err != nil {
		return err
	}
	if l == nil {
		l = []delib.Council{}
	}
	writeJSON(w, http.StatusOK, councilList{Items: l, Total: len(l)})
	return nil
}

func (s *server) createCouncil(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in delib.CouncilInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Councils.CreateCouncil(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/councils/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (s *server) getCouncil(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "council")
	if err != nil {
		return err
	}
	c, err := s.Councils.GetCouncil(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) addCouncilMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "council")
	if err != nil {
		return err
	}
	var in delib.MemberInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Councils.AddMember(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *server) createMeeting(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "council")
	if err != nil {
		return err
	}
	var in delib.MeetingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Councils.CreateMeeting(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/meetings/"+strconv.FormatInt(m.ID, 10), m)
	return nil
}

func (s *server) getMeeting(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "meeting")
	if err != nil {
		return err
	}
	m, err := s.Councils.GetMeeting(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) addToAgenda(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "meeting")
	if err != nil {
		return err
	}
	var in agendaBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Councils.AddToAgenda(r.Context(), p, id, in.TopicID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) recordMeeting(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "meeting")
	if err != nil {
		return err
	}
	var in delib.RecordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Councils.RecordMeeting(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) addDecision(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "meeting")
	if err != nil {
		return err
	}
	var in delib.DecisionInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.Councils.AddDecision(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

func (s *server) decisionToProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "decision")
	if err != nil {
		return err
	}
	var in projectBody
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	d, err := s.Councils.ToProject(r.Context(), p, id, in.Domain)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) decisionToDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "decision")
	if err != nil {
		return err
	}
	var in demandBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.Councils.ToDemand(r.Context(), p, id, in.Category)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) decisionToRule(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "decision")
	if err != nil {
		return err
	}
	var in delib.RuleInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.Councils.ToRule(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) areaPage(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	pg, err := s.Councils.AreaPage(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pg)
	return nil
}
