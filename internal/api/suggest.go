package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/suggest"
)

// suggestRoutes are intake assistance's endpoints (issue 12): the likely
// categories and handling body of a description, from the district's own
// closed demands, and how accurate that has been.
func suggestRoutes() []route {
	return []route{
		{Route{Method: "POST", Path: "/demand-suggestions", Op: Op{ID: "suggestDemand", Tag: "demands",
			Summary: "The three likeliest categories for a description, and for staff who take in or dispatch demands the body that led most closed demands of the first one in the area's street.",
			Desc:    "Suggestions only: nothing is filed or dispatched. Categories are learnt from the district's closed demands (retrained daily; none before the first training) and only active categories are suggested. lead is an area code or unit:ID, given only for an area the caller may read.",
			Body:    &Body{Type: typeOf[suggestBody]()},
			Resps:   []Resp{{Status: 200, Desc: "The suggestions, likeliest first (possibly none).", Type: typeOf[suggest.Suggestion]()}},
			Errs:    []int{400, 413}}}, (*server).suggestDemand},
		{Route{Method: "GET", Path: "/demand-suggestions/accuracy", Op: Op{ID: "suggestAccuracy", Tag: "demands",
			Summary: "How often the first guess, or one of the three, was the category a demand ended in, over the newest fifth of closed demands held out of training; per category, worst first (demand.read).",
			Resps:   []Resp{{Status: 200, Desc: "The model's record.", Type: typeOf[suggest.Status]()}},
			Errs:    []int{403}}}, (*server).suggestAccuracy},
		{Route{Method: "POST", Path: "/demand-suggestions/uses", Op: Op{ID: "recordSuggestionUse", Tag: "demands",
			Summary: "Record the suggestions a client showed when a demand was filed (demand.intake), so accuracy is measured on real use.",
			Desc:    "Send it once, within 24 hours after POST /demands, for a demand filed where suggestions were shown: the model and the categories (with p) as POST /demand-suggestions gave them, and the lead if one was given. What was filed (its category, and the body it was dispatched to on filing) is read from the demand. Nothing is filed, changed or dispatched.",
			Body:    &Body{Type: typeOf[suggest.Use]()},
			Resps:   []Resp{{Status: 201, Desc: "Recorded: what was filed and where it stood among the suggestions.", Type: typeOf[suggest.Recorded]()}},
			Errs:    []int{400, 403, 404, 409}}}, (*server).recordSuggestionUse},
	}
}

// recordSuggestionUse serves POST /demand-suggestions/uses.
func (s *server) recordSuggestionUse(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return err
	}
	var in suggest.Use
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rec, err := s.Suggest.Record(r.Context(), p, in, suggest.SourceAPI)
	if err != nil {
		return err
	}
	created(w, Prefix+"/demands/"+strconv.FormatInt(rec.DemandID, 10), rec)
	return nil
}

// suggestBody is what the form sends as the description is typed.
type suggestBody struct {
	Description string `json:"description"`
	Area        string `json:"area,omitempty"`
}

func (s *server) suggestDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in suggestBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := s.Suggest.Suggest(r.Context(), p, in.Description, in.Area)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) suggestAccuracy(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	st, err := s.Suggest.Status(p)
	if err != nil {
		return err
	}
	use, err := s.Suggest.Uses(r.Context(), p)
	if err != nil {
		return err
	}
	st.RealUse = &use
	writeJSON(w, http.StatusOK, st)
	return nil
}

// suggestSchemas are the named schemas of intake assistance.
func suggestSchemas() []schemaDef {
	share := prop{More: `{"minimum":0,"maximum":1}`}
	return []schemaDef{
		{Name: "DemandSuggestionInput", Type: typeOf[suggestBody](), In: true, Required: []string{"description"}, Props: map[string]prop{
			"description": {Desc: "What the resident said, as typed so far; the first 2,000 characters are read."},
			"area":        {Desc: "The demand's area code, for the lead body; optional."},
		}},
		{Name: "DemandSuggestion", Type: typeOf[suggest.Suggestion](), Props: map[string]prop{
			"categories": {Desc: "Up to three active categories, likeliest first."},
			"lead":       {Desc: "The body (area code, or unit:ID) that led most closed demands of the first category in the area's street; staff only."},
			"lead_share": {Desc: "Its share of those demands.", More: `{"minimum":0,"maximum":1}`},
			"model":      {Desc: "The model that made them (when it was trained); send it back to POST /demand-suggestions/uses. Absent before the first training."},
		}},
		{Name: "SuggestedCategory", Type: typeOf[suggest.Suggested](), Props: map[string]prop{
			"p": {Desc: "The category's probability under the model (all categories sum to 1).", More: share.More},
		}},
		{Name: "SuggestionAccuracy", Type: typeOf[suggest.Status](), Props: map[string]prop{
			"trained_at": {Desc: "When the model served now was trained; null before the first training."},
			"examples":   {Desc: "Closed demands it learnt from."},
			"real_use":   {Desc: "How the suggestions did on the demands filed where they were shown, in the caller's scope."},
		}},
		{Name: "SuggestionScore", Type: typeOf[suggest.Accuracy](), Props: map[string]prop{
			"n":    {Desc: "Held-out demands."},
			"top1": {Desc: "Of them, those whose first guess was right."},
			"top3": {Desc: "Those whose category was among the three guesses."},
		}},
		{Name: "SuggestionCategoryScore", Type: typeOf[suggest.CategoryAccuracy]()},
		{Name: "SuggestionRealUse", Type: typeOf[suggest.RealUse](), Props: map[string]prop{
			"n":         {Desc: "Demands filed where suggestions were shown (recorded uses), in the caller's scope."},
			"top1":      {Desc: "Of them, those filed in the first suggested category."},
			"top3":      {Desc: "Those filed in one of the suggested categories."},
			"leads":     {Desc: "Uses with a body suggested and one dispatched to on filing."},
			"lead_hits": {Desc: "Of those, the suggested body was the one dispatched to."},
		}},
		{Name: "SuggestionUse", Type: typeOf[suggest.Use](), In: true, Required: []string{"demand_id", "model", "categories"}, Props: map[string]prop{
			"demand_id":  {Desc: "The demand filed, as POST /demands returned it."},
			"model":      {Desc: "The suggestion's model, as POST /demand-suggestions returned it."},
			"categories": {Desc: "The one to three categories shown, likeliest first, with their p; names are ignored."},
			"lead":       {Desc: "The body suggested, if one was."},
		}},
		{Name: "SuggestionUseRecorded", Type: typeOf[suggest.Recorded](), Props: map[string]prop{
			"category": {Desc: "The category filed."},
			"lead":     {Desc: "The body (area code or unit:ID) dispatched to on filing, if it was."},
			"rank":     {Desc: "Where the filed category stood among the suggestions: 1 to 3, 0 when not among them.", More: `{"minimum":0,"maximum":3}`},
		}},
	}
}
