package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/hotspot"
)

// spotList is one page of a week's hot spots and the week shown ("" before
// the first run).
type spotList struct {
	Week    string         `json:"week"`
	Items   []hotspot.Spot `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

func hotspotFilter(r *http.Request) (hotspot.Filter, paging, error) {
	pg, err := pagingOf(r)
	q := r.URL.Query()
	return hotspot.Filter{Week: q.Get("week"), Area: q.Get("area"), Category: q.Get("category"), Page: pg.Page, PerPage: pg.PerPage}, pg, err
}

func (s *server) listHotspots(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, pg, err := hotspotFilter(r)
	if err != nil {
		return err
	}
	l, week, err := s.Hotspot.Spots(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, spotList{Week: week, Items: l.Items, Total: l.Total, Page: pg.Page, PerPage: pg.PerPage})
	return nil
}

func (s *server) getHotspot(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "hot spot")
	if err != nil {
		return err
	}
	d, err := s.Hotspot.Spot(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) listHotspotRepeats(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, pg, err := hotspotFilter(r)
	if err != nil {
		return err
	}
	l, _, err := s.Hotspot.Repeats(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) listHotspotRuns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.HotspotRead); err != nil {
		return err
	}
	runs, err := s.Hotspot.Runs(r.Context(), 520)
	if err != nil {
		return err
	}
	writeList(w, pageOf(runs, pg), len(runs), pg)
	return nil
}

func (s *server) listMonthlyTopics(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Hotspot.Topics(r.Context(), p, hotspot.TopicFilter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createMonthlyTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in hotspot.TopicInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.Hotspot.CreateTopic(r.Context(), p, in)
	if err != nil {
		return err
	}
	if t, err = s.Hotspot.Topic(r.Context(), p, t.ID); err != nil {
		return err
	}
	created(w, Prefix+"/monthly-topics/"+strconv.FormatInt(t.ID, 10), t)
	return nil
}

func (s *server) getMonthlyTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	t, err := s.Hotspot.Topic(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *server) createMonthlyTopicProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	var in hotspot.ProjectInput
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	t, err := s.Hotspot.CreateProject(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// monthlyTopicCloseBody says when the topic's fix was in.
type monthlyTopicCloseBody struct {
	ClosedOn string `json:"closed_on,omitempty"`
}

func (s *server) closeMonthlyTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	var in monthlyTopicCloseBody
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	t, err := s.Hotspot.CloseTopic(r.Context(), p, id, in.ClosedOn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// hotspotSchemas are the named schemas of hot spots and monthly topics.
func hotspotSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	share := `{"minimum":0,"maximum":1}`
	return []schemaDef{
		{Name: "Hotspot", Type: typeOf[hotspot.Spot](), Desc: "A grid whose demands of one category were unusual in a week against its own baseline.", Props: map[string]prop{
			"week":     {Desc: "Monday of the tested week (Asia/Shanghai)."},
			"area":     {Desc: "The grid's code."},
			"observed": {Desc: "Demands of the category received in the grid that week (merged duplicates count once)."},
			"expected": {Desc: "What the baseline expected that week."},
			"ratio":    {Desc: "observed ÷ expected."},
			"p":        {Desc: "Chance of at least observed in a usual week (negative binomial).", More: share},
			"q":        {Desc: "Benjamini–Hochberg adjusted p across every cell of the run.", More: share},
			"baseline": {Desc: "The eight baseline weeks' counts, oldest first."},
			"rank":     {Desc: "1 = the run's most unusual cell."},
			"topic_id": {Desc: "The monthly topic made of it, if any."},
		}},
		{Name: "HotspotList", Type: typeOf[spotList](), Props: map[string]prop{
			"week":     {Desc: "The week shown; empty before the first run."},
			"total":    listProps["total"],
			"page":     listProps["page"],
			"per_page": listProps["per_page"],
		}},
		{Name: "HotspotDetail", Type: typeOf[hotspot.SpotDetail](), Props: map[string]prop{
			"demands": {Desc: "The demands behind the cell, oldest first (at most 200)."},
		}},
		{Name: "HotspotDemand", Type: typeOf[hotspot.DemandRef]()},
		{Name: "HotspotRepeat", Type: typeOf[hotspot.Repeat](), Desc: "A demand bringing back a problem resolved before in the same area and category.", Props: map[string]prop{
			"earlier_id": {Desc: "The demand resolved before this one came in (within 90 days)."},
			"matched_by": {Enum: []string{"address", "text"}, Desc: "The same address, or descriptions sharing most of their bigrams."},
			"similarity": {Desc: "Bigram Jaccard similarity of the two descriptions.", More: share},
		}},
		{Name: "HotspotRepeatList", Type: typeOf[list[hotspot.Repeat]](), Props: listProps},
		{Name: "HotspotRun", Type: typeOf[hotspot.RunInfo](), Props: map[string]prop{
			"cells":   {Desc: "Grid × category cells tested."},
			"flagged": {Desc: "Hot spots found."},
			"repeats": {Desc: "Recurring problems found."},
			"alpha":   {Desc: "The false-discovery rate kept to."},
		}},
		{Name: "HotspotRunList", Type: typeOf[list[hotspot.RunInfo]](), Props: listProps},
		{Name: "MonthlyTopic", Type: typeOf[hotspot.Topic](), Desc: "A monthly topic (每月一题): a hot spot taken up with an owner and a root-cause service project.", Props: map[string]prop{
			"month":      {Desc: "The month it was chosen (YYYY-MM)."},
			"area":       {Desc: "The street that owns it; its project lands there."},
			"status":     {Enum: []string{"open", "closed"}},
			"hotspot_id": {Desc: "The hot spot it was made of (gone if that week was computed again)."},
			"project_id": {Desc: "Its root-cause service project (GET /projects/{id})."},
			"opened_on":  {Desc: "The hot spot's week: the first day counted as during the topic."},
			"closed_on":  {Desc: "When the fix was in; after starts the next Monday."},
			"grids":      {Desc: "The grids it covers (codes)."},
			"project":    {Desc: "The project, as GET /projects/{id} gives it to the caller."},
			"effect":     {Desc: "Once closed four whole weeks: the measured effect."},
			"verdict":    {Desc: "The effect in plain English, e.g. \"fell by 40% (25–55%) against similar grids\"."},
			"demands":    {Desc: "The linked demands: the grids' demands of the category since the topic's week (at most 500), oldest first."},
		}},
		{Name: "MonthlyTopicList", Type: typeOf[list[hotspot.Topic]](), Props: listProps},
		{Name: "MonthlyTopicProgress", Type: typeOf[hotspot.Progress](), Props: map[string]prop{
			"demands": {Desc: "Linked demands."},
			"open":    {Desc: "Of them, not yet closed."},
		}},
		{Name: "MonthlyTopicEffect", Type: typeOf[hotspot.Effect](), Desc: "Difference-in-differences: the topic's grids before and after against comparable grids.", Props: map[string]prop{
			"ratio":     {Desc: "(treated after ÷ before) ÷ (control after ÷ before); 0.6 = fell by 40% against similar grids."},
			"low":       {Desc: "95% confidence interval, lower end."},
			"high":      {Desc: "95% confidence interval, upper end."},
			"direction": {Enum: []string{"fell", "rose", "unclear", "unknown"}, Desc: "fell or rose when the interval excludes 1; unknown when a count is zero."},
		}},
		{Name: "MonthlyTopicInput", Type: typeOf[hotspot.TopicInput](), In: true, Required: []string{"hotspot_id", "title", "owner"}, Props: map[string]prop{
			"title": {More: `{"maxLength":100}`},
			"owner": {Desc: "Who leads it.", More: `{"maxLength":60}`},
		}},
		{Name: "MonthlyTopicProjectInput", Type: typeOf[hotspot.ProjectInput](), In: true, Props: map[string]prop{
			"domain":     {Desc: "The project's domain (as POST /projects); default governance."},
			"milestones": {Desc: "\"title\" or \"title|YYYY-MM-DD\"."},
		}},
		{Name: "MonthlyTopicClose", Type: typeOf[monthlyTopicCloseBody](), In: true, Props: map[string]prop{
			"closed_on": {Desc: "YYYY-MM-DD, not after today nor before the topic opened; default today."},
		}},
	}
}
